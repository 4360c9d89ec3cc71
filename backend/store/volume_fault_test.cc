// The volume under a failing file system: power loss, ENOSPC, EIO.
#include <cerrno>
#include <random>
#include <set>
#include <thread>

#include <doctest.h>

#include "backend/store/testing/needle_data.h"
#include "backend/store/volume.h"
#include "common/testing/fault_file_system.h"

namespace bale {
namespace {

using testing::FaultFileSystem;
using testing::FsOp;
using testing::NeedleCookie;
using testing::NeedleData;
using testing::NeedleSize;

constexpr char kDir[] = "/drive";

void ExpectNeedle(Volume& v, NeedleKey k) {
  auto got = v.Read(k, NeedleCookie(k));
  CAPTURE(k);
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  CHECK(*got == NeedleData(k, NeedleSize(k, 5000)));
}

TEST_CASE("power loss drops no acknowledged needle") {
  // Twenty crashes at different moments: each run writes from 4 threads, one
  // fdatasync fails at a random point (the crash), then every unsynced byte
  // and name is dropped and the volume reopened.
  for (int run = 0; run < 20; run++) {
    CAPTURE(run);
    FaultFileSystem fs;
    ManualClock clock;
    REQUIRE(fs.CreateDirs(kDir).ok());
    REQUIRE(Volume::Create(&fs, &clock, kDir, 1, {}).ok());
    auto v = Volume::Open(&fs, &clock, kDir, 1, {}).value();
    std::mt19937 rng(run);
    std::mutex mu;
    std::set<NeedleKey> acked, deleted;
    std::atomic<int> crash_after{static_cast<int>(rng() % 150)};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 60; i++) {
          NeedleKey k = static_cast<NeedleKey>(t) * 100 + i;
          if (crash_after.fetch_sub(1) == 0) fs.InjectFault(FsOp::kSync, EIO, ".dat", -1);
          if (v->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 5000))).ok()) {
            std::lock_guard lk(mu);
            acked.insert(k);
          }
          if (i % 7 == 6 && v->Delete(k - 3, NeedleCookie(k - 3)).ok()) {
            std::lock_guard lk(mu);
            deleted.insert(k - 3);
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    v.reset();
    fs.DropUnsyncedData();
    fs.ClearFaults();
    auto reopened = Volume::Open(&fs, &clock, kDir, 1, {});
    REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
    for (NeedleKey k : acked) {
      if (deleted.count(k))
        CHECK((*reopened)->Read(k, NeedleCookie(k)).status().code() == Code::kNotFound);
      else
        ExpectNeedle(**reopened, k);
    }
    // Nothing else: every needle the volume holds is one that was written.
    (*reopened)->ForEachNeedle([&](NeedleKey k, uint32_t size) {
      CHECK(size == NeedleSize(k, 5000));
      CHECK(k % 100 < 60);
    });
    CHECK((*reopened)->Write(999, NeedleCookie(999), "after the crash").ok());
  }
}

TEST_CASE("ENOSPC: the write fails naming the volume, the volume goes read-only, reads go on") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  auto v = Volume::Create(&fs, &clock, kDir, 3, {}).value();
  for (NeedleKey k = 1; k <= 10; k++)
    REQUIRE(v->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 5000))).ok());
  uint64_t end = v->Stats().file_bytes;
  fs.SetCapacity(fs.Contents("/drive/3.dat").size() + fs.Contents("/drive/3.idx").size() + 100);
  Status st = v->Write(11, 1, std::string(4096, 'x'));
  CHECK(st.code() == Code::kResourceExhausted);
  CHECK(st.message() == "volume 3: appending 4136 bytes at offset " + std::to_string(end) +
                            ": pwrite /drive/3.dat at offset " + std::to_string(end) +
                            ": No space left on device");
  auto s = v->Stats();
  CHECK(s.read_only);
  CHECK(s.error == st.ToString());
  CHECK(v->Write(12, 1, "tiny").code() == Code::kFailedPrecondition);
  for (NeedleKey k = 1; k <= 10; k++) ExpectNeedle(*v, k);
  CHECK(fs.Contents("/drive/3.dat").size() == end);  // nothing half-written stays

  fs.SetCapacity(UINT64_MAX);  // the operator freed space; a restart makes it writable
  v.reset();
  v = Volume::Open(&fs, &clock, kDir, 3, {}).value();
  CHECK_FALSE(v->Stats().read_only);
  REQUIRE(v->Write(11, 1, std::string(4096, 'x')).ok());
  for (NeedleKey k = 1; k <= 10; k++) ExpectNeedle(*v, k);
}

TEST_CASE("EIO on fdatasync fails the write and makes the volume read-only") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  auto v = Volume::Create(&fs, &clock, kDir, 4, {}).value();
  REQUIRE(v->Write(1, 1, "kept").ok());
  fs.InjectFault(FsOp::kSync, EIO, "4.dat");
  Status st = v->Write(2, 2, "lost");
  CHECK(st.code() == Code::kDataLoss);
  CHECK(st.message() ==
        "volume 4: appending 48 bytes at offset 56: fdatasync /drive/4.dat: Input/output error");
  CHECK(v->Stats().read_only);
  CHECK(v->Read(2, 2).status().code() == Code::kNotFound);
  CHECK(v->Read(1, 1).value() == "kept");
}

TEST_CASE("EIO on read is DATA_LOSS naming volume and offset; the volume goes read-only") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  auto v = Volume::Create(&fs, &clock, kDir, 5, {}).value();
  REQUIRE(v->Write(1, 1, "abc").ok());
  REQUIRE(v->Write(2, 2, "def").ok());
  fs.InjectFault(FsOp::kRead, EIO, "5.dat");
  auto got = v->Read(2, 2);
  CHECK(got.status().ToString() ==
        "DATA_LOSS: volume 5 (/drive/5.dat) at offset 56: pread /drive/5.dat at offset 56: "
        "Input/output error");
  CHECK(v->Stats().read_only);
  CHECK(v->Read(2, 2).value() == "def");  // the fault was transient; reads go on
  CHECK(v->Write(3, 3, "x").code() == Code::kFailedPrecondition);
}

TEST_CASE("a failing .idx append loses nothing: the .dat is the truth") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  auto v = Volume::Create(&fs, &clock, kDir, 6, {}).value();
  for (NeedleKey k = 1; k <= 5; k++)
    REQUIRE(v->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 5000))).ok());
  fs.InjectFault(FsOp::kWrite, EIO, "6.idx");
  for (NeedleKey k = 6; k <= 20; k++)
    REQUIRE(v->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 5000))).ok());
  CHECK(fs.Contents("/drive/6.idx").size() == 8 + 5 * 16);  // appends stopped at the failure
  v.reset();
  v = Volume::Open(&fs, &clock, kDir, 6, {}).value();
  for (NeedleKey k = 1; k <= 20; k++) ExpectNeedle(*v, k);
  CHECK(fs.Contents("/drive/6.idx").size() == 8 + 20 * 16);
}

TEST_CASE("compaction that fails or crashes leaves the volume whole") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  auto v = Volume::Create(&fs, &clock, kDir, 2, {}).value();
  for (NeedleKey k = 1; k <= 100; k++)
    REQUIRE(v->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 5000))).ok());
  for (NeedleKey k = 1; k <= 100; k += 2) REQUIRE(v->Delete(k, NeedleCookie(k)).ok());
  const std::string dat = fs.Contents("/drive/2.dat");
  auto check = [&](Volume& vol) {
    for (NeedleKey k = 2; k <= 100; k += 2) ExpectNeedle(vol, k);
    for (NeedleKey k = 1; k <= 100; k += 2)
      CHECK(vol.Read(k, NeedleCookie(k)).status().code() == Code::kNotFound);
  };

  SUBCASE("rename of the new .dat fails") {
    fs.InjectFault(FsOp::kRename, EIO, "2.dat.compact");
    Status st = v->Compact();
    CHECK(st.code() == Code::kDataLoss);
    CHECK(fs.Contents("/drive/2.dat") == dat);
    CHECK_FALSE(fs.Exists("/drive/2.dat.compact"));
    CHECK_FALSE(fs.Exists("/drive/2.idx.compact"));
    CHECK(v->Stats().revision == 0);
    check(*v);
  }
  SUBCASE("writing the new .dat hits ENOSPC") {
    fs.InjectFault(FsOp::kWrite, ENOSPC, "2.dat.compact");
    CHECK(v->Compact().code() == Code::kResourceExhausted);
    CHECK(fs.Contents("/drive/2.dat") == dat);
    check(*v);
    CHECK(v->Compact().ok());  // and it works once space is back
    check(*v);
  }
  SUBCASE("power lost after the renames but before the directory sync") {
    fs.InjectFault(FsOp::kSyncDir, EIO, "/drive");
    REQUIRE(v->Compact().ok());
    check(*v);
    v.reset();
    fs.DropUnsyncedData();  // the renames were never made durable
    fs.ClearFaults();
    auto back = Volume::Open(&fs, &clock, kDir, 2, {});
    REQUIRE(back.ok());
    check(**back);
  }
  SUBCASE("power lost after a complete compaction") {
    REQUIRE(v->Compact().ok());
    v.reset();
    fs.DropUnsyncedData();
    auto back = Volume::Open(&fs, &clock, kDir, 2, {});
    REQUIRE(back.ok());
    CHECK((*back)->Stats().revision == 1);
    CHECK((*back)->Stats().garbage_ratio == 0.0);
    check(**back);
  }
}

}  // namespace
}  // namespace bale
