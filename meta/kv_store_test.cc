// The KvStore contract (kv_store.h), checked on every engine.
#include "meta/kv_store.h"

#include <atomic>
#include <thread>

#include <doctest.h>

#include "meta/counters.h"
#include "meta/testing/each_kv_engine.h"

namespace bale::meta {
namespace {

using testing::ForEachKvEngine;

std::vector<std::string> Keys(const std::vector<KvPair>& rows) {
  std::vector<std::string> keys;
  for (const auto& row : rows) keys.push_back(row.key);
  return keys;
}

TEST_CASE("get, put, delete") {
  ForEachKvEngine([](KvStore& kv) {
    CHECK(kv.Get("a").value() == std::nullopt);
    REQUIRE(kv.Write(KvBatch().Put("a", "1").Put("b", std::string("\0\xff", 2))).ok());
    CHECK(kv.Get("a").value() == "1");
    CHECK(kv.Get("b").value() == std::string("\0\xff", 2));
    REQUIRE(kv.Write(KvBatch().Put("a", "2").Delete("b").Delete("never")).ok());
    CHECK(kv.Get("a").value() == "2");
    CHECK(kv.Get("b").value() == std::nullopt);
    REQUIRE(kv.Write(KvBatch().Put("c", "x").Delete("c")).ok());  // in order
    CHECK(kv.Get("c").value() == std::nullopt);
    CHECK(kv.Write(KvBatch()).ok());
    CHECK(kv.Write(KvBatch().Expect("a", "2")).ok());  // conditions alone are checked
    CHECK(IsConditionFailed(kv.Write(KvBatch().Expect("a", "1"))));
  });
}

TEST_CASE("empty and oversized keys are refused and change nothing") {
  ForEachKvEngine([](KvStore& kv) {
    Status st = kv.Write(KvBatch().Put("ok", "1").Put("", "x"));
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(kv.Write(KvBatch().Put(std::string(kMaxKvKeyBytes + 1, 'k'), "x")).code() ==
          Code::kInvalidArgument);
    CHECK(kv.Get("ok").value() == std::nullopt);
    CHECK(kv.Write(KvBatch().Put(std::string(kMaxKvKeyBytes, 'k'), "x")).ok());
  });
}

TEST_CASE("compare-and-set on absence, on a value, to delete; failures change nothing") {
  ForEachKvEngine([](KvStore& kv) {
    REQUIRE(kv.CompareAndSet("k", std::nullopt, "v1").ok());
    Status again = kv.CompareAndSet("k", std::nullopt, "v2");
    CHECK(again.code() == Code::kAborted);
    CHECK(again.reason() == kConditionFailed);
    CHECK(again.message() == "condition failed on key \"k\"");
    CHECK(kv.Get("k").value() == "v1");
    CHECK(IsConditionFailed(kv.CompareAndSet("k", "wrong", "v2")));
    CHECK(IsConditionFailed(kv.CompareAndSet("k", "", "v2")));  // empty value != v1
    REQUIRE(kv.CompareAndSet("k", "v1", "v2").ok());
    CHECK(kv.Get("k").value() == "v2");
    CHECK(IsConditionFailed(kv.CompareAndSet("k", "v1", std::nullopt)));
    REQUIRE(kv.CompareAndSet("k", "v2", std::nullopt).ok());
    CHECK(kv.Get("k").value() == std::nullopt);
    CHECK(IsConditionFailed(kv.CompareAndSet("k", "v2", "v3")));  // absent now
    REQUIRE(kv.CompareAndSet("e", std::nullopt, "").ok());        // an empty value exists
    CHECK(kv.Get("e").value() == "");
    CHECK(IsConditionFailed(kv.CompareAndSet("e", std::nullopt, "x")));
    REQUIRE(kv.CompareAndSet("e", "", "x").ok());
  });
}

TEST_CASE("a batch with a failed condition applies none of its mutations") {
  ForEachKvEngine([](KvStore& kv) {
    REQUIRE(kv.Write(KvBatch().Put("guard", "g")).ok());
    const int64_t one[] = {1};
    KvBatch batch;
    batch.Expect("guard", "other").Put("a", "1").Delete("guard").AddToCounters("n", one);
    CHECK(IsConditionFailed(kv.Write(batch)));
    CHECK(kv.Get("a").value() == std::nullopt);
    CHECK(kv.Get("guard").value() == "g");
    CHECK(kv.Get("n").value() == std::nullopt);
    KvBatch good;
    good.Expect("guard", "g").Expect("a", std::nullopt).Put("a", "1").AddToCounters("n", one);
    REQUIRE(kv.Write(good).ok());
    CHECK(kv.Get("a").value() == "1");
    CHECK(DecodeCounters(kv.Get("n").value().value()).value() == std::vector<int64_t>{1});
  });
}

TEST_CASE("counter rows add without reading, in batches, and restart after a delete") {
  ForEachKvEngine([](KvStore& kv) {
    const int64_t a[] = {100, 1};
    const int64_t b[] = {-30, 1};
    REQUIRE(kv.Write(KvBatch().AddToCounters("c", a)).ok());
    REQUIRE(kv.Write(KvBatch().AddToCounters("c", b).AddToCounters("c", b)).ok());
    CHECK(DecodeCounters(kv.Get("c").value().value()).value() == std::vector<int64_t>{40, 3});
    REQUIRE(kv.Write(KvBatch().Delete("c").AddToCounters("c", a)).ok());
    CHECK(DecodeCounters(kv.Get("c").value().value()).value() == std::vector<int64_t>{100, 1});
    auto rows = kv.Scan("c", "", 10).value();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].value == EncodeCounters(a));  // scans see the summed value too
  });
}

TEST_CASE("scans are [start, end) in unsigned byte order with a limit") {
  ForEachKvEngine([](KvStore& kv) {
    const std::vector<std::string> sorted = {
        std::string("a"),         std::string("a\0", 2), std::string("a\x01", 2),
        std::string("a\x7f"),     std::string("a\x80"),  std::string("a\xff"),
        std::string("a\xff\xff"), std::string("b"),      std::string("\xc3\xa9"),  // é
        std::string("\xff")};
    KvBatch batch;
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) batch.Put(*it, "v" + *it);
    REQUIRE(kv.Write(batch).ok());
    CHECK(Keys(kv.Scan("", "", 100).value()) == sorted);  // "" start: the beginning
    CHECK(Keys(kv.Scan("a", "b", 100).value()) ==
          std::vector<std::string>(sorted.begin(), sorted.begin() + 7));
    CHECK(Keys(kv.Scan("a\x01", "a\xff", 100).value()) ==
          std::vector<std::string>(sorted.begin() + 2, sorted.begin() + 5));
    CHECK(Keys(kv.Scan("a", "", 3).value()) ==
          std::vector<std::string>(sorted.begin(), sorted.begin() + 3));
    CHECK(kv.Scan("a", "", 0).value().empty());
    CHECK(kv.Scan("b", "b", 10).value().empty());
    CHECK(kv.Scan("b", "a", 10).value().empty());
    CHECK(kv.Scan("\xff\x01", "", 10).value().empty());
    auto rows = kv.Scan("b", "", 1).value();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == KvPair{"b", "vb"});
  });
}

TEST_CASE("compare-and-set is linearizable: 8 threads incrementing one row lose nothing") {
  ForEachKvEngine([](KvStore& kv) {
    constexpr int kThreads = 8;
    constexpr int kIncrementsEach = 50;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kIncrementsEach; ++i) {
          while (true) {
            auto current = kv.Get("n");
            if (!current.ok()) {
              failures++;
              return;
            }
            int n = current->has_value() ? std::stoi(**current) : 0;
            Status st = kv.CompareAndSet("n", *current, std::to_string(n + 1));
            if (st.ok()) break;
            if (!IsConditionFailed(st)) {
              failures++;
              return;
            }
          }
          // Plain puts to a neighbour row take part in the same locking.
          if (!kv.Write(KvBatch().Put("other" + std::to_string(i % 3), "x")).ok()) failures++;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(failures.load() == 0);
    CHECK(kv.Get("n").value() == std::to_string(kThreads * kIncrementsEach));
  });
}

}  // namespace
}  // namespace bale::meta
