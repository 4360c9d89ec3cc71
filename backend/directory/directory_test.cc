#include "backend/directory/directory.h"

#include "backend/store/needle_format.h"

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
  auto full = dir->Allocate(100);
  CHECK(full.status().code() == Code::kResourceExhausted);
  CHECK(full.status().reason() == "SlowDown");

  REQUIRE(store->Seal(1).ok());  // a sealed volume is never chosen
  NeedleKey max_key = *keys.rbegin();
  ManualClock earlier(1);  // the clock went back across a restart
  auto again = Directory::Open(store.get(), &earlier).value();
  CHECK(again->NextKey() == max_key + 1);
}

}  // namespace
}  // namespace bale
