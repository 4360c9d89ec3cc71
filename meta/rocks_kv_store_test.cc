// What only the RocksDB engine has: durability across reopen, the directory
// lock, and the mapping of rocksdb::Status to Bale's codes.
#include "meta/rocks_kv_store.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <doctest.h>
#include <rocksdb/status.h>

#include "common/fiber.h"
#include "common/testing/fiber_loop.h"
#include "meta/counters.h"
#include "meta/testing/temp_dir.h"

namespace bale::meta {

Status FromRocksStatus(const rocksdb::Status& s, std::string_view what);  // rocks_status.cc

namespace {

using testing::ScopedTempDir;

TEST_CASE("rocksdb: rows, counters and deletes survive a reopen") {
  ScopedTempDir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.path() + "/nested/meta";  // directories are created
  const int64_t delta[] = {5, 1};
  {
    auto kv = OpenRocksKvStore(path);
    REQUIRE(kv.ok());
    REQUIRE((*kv)->Write(KvBatch().Put("a", "1").Put("b", "2").AddToCounters("c", delta)).ok());
    REQUIRE((*kv)->Write(KvBatch().Delete("b").AddToCounters("c", delta)).ok());
    REQUIRE((*kv)->CompareAndSet("d", std::nullopt, "4").ok());
  }
  auto kv = OpenRocksKvStore(path);
  REQUIRE(kv.ok());
  CHECK((*kv)->Get("a").value() == "1");
  CHECK((*kv)->Get("b").value() == std::nullopt);
  CHECK(DecodeCounters((*kv)->Get("c").value().value()).value() == std::vector<int64_t>{10, 2});
  CHECK((*kv)->Get("d").value() == "4");
  CHECK((*kv)->Scan("", "", 10).value().size() == 3);
}

TEST_CASE("rocksdb: fibers' conditional writes are committed in groups, exact beside threads' own") {
  ScopedTempDir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.path() + "/meta";
  constexpr int kFibers = 300, kThreads = 2, kPerThread = 100, kKeys = 3;
  {
    auto opened = OpenRocksKvStore(path);
    REQUIRE(opened.ok());
    KvStore& kv = **opened;
    // Each write adds one to one of kKeys rows by read, Expect, Put: only an
    // exact condition check keeps every increment.
    auto increment = [&kv](const std::string& key) -> Status {
      for (int attempt = 0; attempt < 10000; attempt++) {
        ASSIGN_OR_RETURN(std::optional<std::string> old, kv.Get(key));
        int n = old ? std::stoi(*old) : 0;
        Status st = kv.Write(KvBatch().Expect(key, old).Put(key, std::to_string(n + 1)));
        if (!IsConditionFailed(st)) return st;
      }
      return AbortedError("too many attempts");
    };
    bale::testing::FiberLoop loop;  // every fiber runs on this thread
    int finished = 0;
    std::vector<Status> results(kFibers);
    for (int i = 0; i < kFibers; i++)
      fiber::Start([&, i] { results[i] = increment("k" + std::to_string(i % kKeys)); },
                   loop.scheduler(),
                   [&] { finished++; });
    std::vector<std::thread> threads;
    std::atomic<int> thread_failures{0};
    for (int t = 0; t < kThreads; t++)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; i++)
          if (!increment("k" + std::to_string((t + i) % kKeys)).ok()) thread_failures++;
      });
    const bool all = loop.RunUntil([&] { return finished == kFibers; }, std::chrono::seconds(60));
    for (auto& t : threads) t.join();
    REQUIRE(all);
    CHECK(thread_failures == 0);
    for (const Status& st : results) CHECK_MESSAGE(st.ok(), st.ToString());
  }
  auto kv = OpenRocksKvStore(path);  // and durable
  REQUIRE(kv.ok());
  int total = 0;
  for (int k = 0; k < kKeys; k++) total += std::stoi((*kv)->Get("k" + std::to_string(k)).value().value());
  CHECK(total == kFibers + kThreads * kPerThread);
}

TEST_CASE("rocksdb: a second open of the same directory is refused while the first is open") {
  ScopedTempDir dir;
  REQUIRE(dir.ok());
  auto first = OpenRocksKvStore(dir.path());
  REQUIRE(first.ok());
  auto second = OpenRocksKvStore(dir.path());
  CHECK(second.status().code() == Code::kUnavailable);
  CHECK(second.status().message().find("rocksdb open " + dir.path()) == 0);
}

TEST_CASE("rocksdb: a directory that cannot be created is reported") {
  ScopedTempDir dir;
  REQUIRE(dir.ok());
  const std::string file = dir.path() + "/plain-file";
  std::ofstream(file) << "x";
  auto kv = OpenRocksKvStore(file + "/db");
  REQUIRE_FALSE(kv.ok());
  CHECK(kv.status().message().find("create metadata directory " + file + "/db") == 0);
}

TEST_CASE("rocksdb: a damaged database is refused with a status, not a crash") {
  ScopedTempDir dir;
  REQUIRE(dir.ok());
  {
    auto kv = OpenRocksKvStore(dir.path());
    REQUIRE(kv.ok());
    REQUIRE((*kv)->Write(KvBatch().Put("a", std::string(100, 'v'))).ok());
  }
  // CURRENT now names a manifest that is not there.
  std::ofstream(dir.path() + "/CURRENT") << "MANIFEST-999999\n";
  auto kv = OpenRocksKvStore(dir.path());
  REQUIRE_FALSE(kv.ok());
  CHECK(kv.status().code() == Code::kDataLoss);
  CHECK(kv.status().message().find("MANIFEST-999999: No such file or directory") !=
        std::string::npos);
}

TEST_CASE("rocksdb status codes map by what the caller should do") {
  auto code = [](const rocksdb::Status& s) { return FromRocksStatus(s, "op").code(); };
  CHECK(FromRocksStatus(rocksdb::Status::OK(), "op").ok());
  CHECK(code(rocksdb::Status::Corruption("bad block")) == Code::kDataLoss);
  CHECK(code(rocksdb::Status::IOError("While pread: Input/output error")) == Code::kDataLoss);
  CHECK(code(rocksdb::Status::IOError("While lock file: busy")) == Code::kUnavailable);
  CHECK(code(rocksdb::Status::NoSpace("disk full")) == Code::kResourceExhausted);
  CHECK(code(rocksdb::Status::PathNotFound("no table file")) == Code::kDataLoss);
  CHECK(code(rocksdb::Status::NotFound("x")) == Code::kNotFound);
  CHECK(code(rocksdb::Status::NotSupported("x")) == Code::kUnimplemented);
  CHECK(code(rocksdb::Status::InvalidArgument("x")) == Code::kInvalidArgument);
  CHECK(code(rocksdb::Status::Busy("x")) == Code::kUnavailable);
  CHECK(code(rocksdb::Status::TryAgain("x")) == Code::kUnavailable);
  CHECK(code(rocksdb::Status::ShutdownInProgress("x")) == Code::kUnavailable);
  CHECK(code(rocksdb::Status::TimedOut("x")) == Code::kDeadlineExceeded);
  CHECK(code(rocksdb::Status::Aborted("x")) == Code::kAborted);
  CHECK(code(rocksdb::Status::MergeInProgress("x")) == Code::kInternal);
  CHECK(FromRocksStatus(rocksdb::Status::Corruption("bad block"), "get \"k\"").message() ==
        "rocksdb get \"k\": Corruption: bad block");
}

}  // namespace
}  // namespace bale::meta
