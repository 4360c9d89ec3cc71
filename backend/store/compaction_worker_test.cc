#include "backend/store/compaction_worker.h"

#include <doctest.h>

#include "backend/store/needle_format.h"
#include "common/testing/fault_file_system.h"

namespace bale {
namespace {

using testing::FaultFileSystem;

constexpr size_t kNeedleData = 10'000;

struct Fixture {
  FaultFileSystem fs;
  ManualClock clock;
  std::unique_ptr<Store> store;

  Fixture() {
    StoreOptions o;
    o.drives = {"/d1"};
    store = Store::Open(&fs, &clock, o).value();
    REQUIRE(store->CreateVolume(1).ok());
    REQUIRE(store->CreateVolume(2).ok());
    for (NeedleKey k = 1; k <= 100; k++) {
      REQUIRE(store->Put(1, k, 7, std::string(kNeedleData, static_cast<char>('a' + k % 26))).ok());
      REQUIRE(store->Put(2, k, 7, std::string(kNeedleData, 'z')).ok());
    }
    for (NeedleKey k = 1; k <= 80; k++) REQUIRE(store->Delete(1, k, 7).ok());  // 80% garbage
    for (NeedleKey k = 1; k <= 10; k++) REQUIRE(store->Delete(2, k, 7).ok());  // about 10%
  }
  VolumeStats Stats(VolumeId id) { return store->Stats()[id - 1]; }
};

TEST_CASE("the worker compacts volumes past both thresholds and reports what it reclaimed") {
  Fixture f;
  const uint64_t before = f.Stats(1).file_bytes;
  const uint64_t vol2_before = f.Stats(2).file_bytes;
  CompactionWorkerOptions o;
  o.min_garbage_ratio = 0.3;
  o.min_garbage_bytes = 100'000;
  o.max_bytes_per_second = 0;
  CompactionWorker worker(f.store.get(), o);
  CHECK(worker.RunOnce() == 1);

  const uint64_t live = 20 * format::NeedleLength(kNeedleData);
  CHECK(f.Stats(1).file_bytes == format::kSuperblockSize + live);
  CHECK(f.Stats(1).garbage_ratio == 0);
  CHECK(f.Stats(2).file_bytes == vol2_before);  // 10% garbage: left alone
  for (NeedleKey k = 81; k <= 100; k++)
    CHECK(f.store->Get(1, k, 7).value() == std::string(kNeedleData, static_cast<char>('a' + k % 26)));
  CHECK(f.store->Get(1, 5, 7).status().code() == Code::kNotFound);

  CompactionProgress p = worker.progress();
  CHECK_FALSE(p.running);
  CHECK(p.compactions == 1);
  CHECK(p.failures == 0);
  CHECK(p.backlog == 0);
  CHECK(p.reclaimed_bytes == before - (format::kSuperblockSize + live));
  CHECK(worker.RunOnce() == 0);  // nothing left past the thresholds
}

TEST_CASE("a volume under the garbage byte floor is not compacted") {
  Fixture f;
  CompactionWorkerOptions o;
  o.min_garbage_ratio = 0.05;
  o.min_garbage_bytes = 2'000'000;  // more than volume 1's 80 dead needles
  CompactionWorker worker(f.store.get(), o);
  CHECK(worker.RunOnce() == 0);
  CHECK(worker.progress().compactions == 0);
}

TEST_CASE("compaction is throttled to the configured read rate") {
  Fixture f;
  const uint64_t examined = f.Stats(1).file_bytes;  // about 1 MB
  CompactionWorkerOptions o;
  o.min_garbage_bytes = 1;
  o.max_bytes_per_second = 2'000'000;
  CompactionWorker worker(f.store.get(), o);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(worker.RunOnce() == 1);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The last needle is examined at (examined - one needle) bytes.
  double floor = static_cast<double>(examined - format::NeedleLength(kNeedleData)) / 2'000'000;
  CHECK(seconds >= floor * 0.95);
  CHECK(worker.progress().compactions == 1);
}

TEST_CASE("the throttle holds for needles that take longer than one sleep step to earn") {
  // 200 KB needles at 1 MB/s: each is owed 200 ms, twice the 100 ms step.
  FaultFileSystem fs;
  ManualClock clock;
  StoreOptions so;
  so.drives = {"/d1"};
  auto store = Store::Open(&fs, &clock, so).value();
  REQUIRE(store->CreateVolume(1).ok());
  for (NeedleKey k = 1; k <= 3; k++) REQUIRE(store->Put(1, k, 7, std::string(200'000, 'q')).ok());
  REQUIRE(store->Delete(1, 2, 7).ok());
  CompactionWorkerOptions o;
  o.min_garbage_bytes = 1;
  o.max_bytes_per_second = 1'000'000;
  CompactionWorker worker(store.get(), o);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(worker.RunOnce() == 1);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Examined at the last progress call: the whole file, about 600 KB.
  CHECK(seconds >= 0.57);
  CHECK(store->Get(1, 3, 7).value() == std::string(200'000, 'q'));
}

TEST_CASE("the background thread compacts without being asked and stops promptly") {
  Fixture f;
  CompactionWorkerOptions o;
  o.min_garbage_ratio = 0.05;
  o.min_garbage_bytes = 1;
  o.interval = std::chrono::milliseconds(20);
  o.max_bytes_per_second = 0;
  CompactionWorker worker(f.store.get(), o);
  worker.Start();
  for (int i = 0; i < 500 && worker.progress().compactions < 2; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(worker.progress().compactions == 2);  // volume 1 (80% garbage), then volume 2 (10%)
  CHECK(f.Stats(2).garbage_ratio == 0);
  worker.Stop();
}

}  // namespace
}  // namespace bale
