#include "backend/directory/directory.h"

#include "backend/store/needle_format.h"

#include <cerrno>
#include <set>

#include <doctest.h>

#include "common/testing/fault_file_system.h"

namespace bale {
namespace {

TEST_CASE("directory spreads needles over writable volumes and never reuses a key") {
  testing::FaultFileSystem fs;
  ManualClock clock(1'000'000);
  StoreOptions o;
  o.drives = {"/d"};
  o.volume.size_limit = 8 + 3 * format::NeedleLength(100);
  auto store = Store::Open(&fs, &clock, o).value();
  for (VolumeId v = 1; v <= 3; v++) REQUIRE(store->CreateVolume(v).ok());
  auto dir = Directory::Open(store.get(), &clock).value();

  std::set<VolumeId> used;
  std::set<NeedleKey> keys;
  for (int i = 0; i < 9; i++) {  // 3 volumes x 3 needles of 100 bytes fill the store
    auto p = dir->Allocate(100);
    REQUIRE(p.ok());
    used.insert(p->volume);
    CHECK(keys.insert(p->key).second);
    REQUIRE(store->Put(p->volume, p->key, p->cookie, std::string(100, 'x')).ok());
  }
  CHECK(used == std::set<VolumeId>{1, 2, 3});
  // Every volume is full: the store grows by one volume.
  auto grown = dir->Allocate(100);
  REQUIRE(grown.ok());
  CHECK(grown->volume == 4);
  CHECK(store->Stats().size() == 4);
  // A full disk: no volume can be added, and the answer is SlowDown.
  for (int i = 0; i < 3; i++) {  // fill volume 4
    auto p = dir->WriteNeedle(std::string(100, 'y'));
    REQUIRE(p.ok());
    CHECK(p->volume == 4);
    keys.insert(p->key);
  }
  fs.SetCapacity(0);
  auto full = dir->Allocate(100);
  CHECK(full.status().code() == Code::kResourceExhausted);
  CHECK(full.status().reason() == "SlowDown");
  fs.SetCapacity(UINT64_MAX);

  REQUIRE(store->Seal(1).ok());  // a sealed volume is never chosen
  NeedleKey max_key = *keys.rbegin();
  ManualClock earlier(1);  // the clock went back across a restart
  auto again = Directory::Open(store.get(), &earlier).value();
  CHECK(again->NextKey() == max_key + 1);
}

TEST_CASE("a volume that fails a write is left behind and the write lands elsewhere") {
  testing::FaultFileSystem fs;
  ManualClock clock(1'000'000);
  StoreOptions o;
  o.drives = {"/d"};
  auto store = Store::Open(&fs, &clock, o).value();
  for (VolumeId v = 1; v <= 2; v++) REQUIRE(store->CreateVolume(v).ok());
  auto dir = Directory::Open(store.get(), &clock).value();
  fs.InjectFault(testing::FsOp::kWrite, ENOSPC, "/d/1.dat", 1);  // volume 1's disk fills once
  for (int i = 0; i < 6; i++) {
    auto p = dir->WriteNeedle("data " + std::to_string(i));
    REQUIRE_MESSAGE(p.ok(), p.status().ToString());
    CHECK(store->Get(p->volume, p->key, p->cookie).value() == "data " + std::to_string(i));
  }
  auto stats = store->Stats();
  CHECK(stats[0].read_only);  // volume 1 went read-only and is no longer chosen
  CHECK(stats[0].needles == 0);
  CHECK(stats[1].needles == 6);
}

}  // namespace
}  // namespace bale
