#include "backend/directory/directory.h"

#include "backend/store/needle_format.h"

#include <cerrno>
#include <set>
#include <vector>

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

TEST_CASE("small needles keep to one volume while it has room; large ones take turns") {
  testing::FaultFileSystem fs;
  ManualClock clock(1'000'000);
  StoreOptions o;
  o.drives = {"/d"};
  o.volume.size_limit = 64ull << 20;
  auto store = Store::Open(&fs, &clock, o).value();
  for (VolumeId v = 1; v <= 3; v++) REQUIRE(store->CreateVolume(v).ok());
  auto dir = Directory::Open(store.get(), &clock).value();

  std::set<VolumeId> small;
  for (int i = 0; i < 20; i++) small.insert(dir->WriteNeedle(std::string(4096, 's')).value().volume);
  CHECK(small.size() == 1);  // all share that volume's group commits
  std::vector<VolumeId> large;
  for (int i = 0; i < 3; i++)
    large.push_back(dir->WriteNeedle(std::string((1 << 20) + 1, 'l')).value().volume);
  CHECK(std::set<VolumeId>(large.begin(), large.end()).size() == 3);
  // Once the small needles' volume refuses writes, they move to another, and stay there.
  const VolumeId first = *small.begin();
  REQUIRE(store->Seal(first).ok());
  std::set<VolumeId> after;
  for (int i = 0; i < 10; i++) after.insert(dir->WriteNeedle(std::string(100, 't')).value().volume);
  CHECK(after.size() == 1);
  CHECK(*after.begin() != first);
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

// Regression: a part upload on a full disk answered 412 PreconditionFailed.
// Its chunks were written in parallel; one's ENOSPC made a volume read-only
// while another's write waited on it, and that one's last refusal
// (FAILED_PRECONDITION: read-only) was returned as if it were the reason.
TEST_CASE("a write every volume refuses fails as out of space if any lacked it, else unavailable") {
  testing::FaultFileSystem fs;
  ManualClock clock(1'000'000);
  StoreOptions o;
  o.drives = {"/d"};
  auto store = Store::Open(&fs, &clock, o).value();
  for (VolumeId v = 1; v <= 8; v++) REQUIRE(store->CreateVolume(v).ok());
  auto dir = Directory::Open(store.get(), &clock).value();

  fs.InjectFault(testing::FsOp::kWrite, ENOSPC, "/d/1.dat");  // the disk is full for one write,
  for (const char* v : {"/d/2.dat", "/d/3.dat", "/d/4.dat"})  // the next volumes fail with EIO
    fs.InjectFault(testing::FsOp::kWrite, EIO, v);
  auto refused = dir->WriteNeedle("data");
  CHECK(refused.status().code() == Code::kResourceExhausted);
  CHECK(refused.status().reason() == "SlowDown");
  CHECK(refused.status().message() ==
        "no volume took a needle of 4 bytes in 4 attempts; the last: DATA_LOSS: volume 4: "
        "appending 48 bytes at offset 8: pwrite /d/4.dat at offset 8: Input/output error");

  for (const char* v : {"/d/5.dat", "/d/6.dat", "/d/7.dat", "/d/8.dat"})  // EIO everywhere
    fs.InjectFault(testing::FsOp::kWrite, EIO, v);
  refused = dir->WriteNeedle("data");
  CHECK(refused.status().code() == Code::kUnavailable);
  CHECK(refused.status().reason().empty());

  auto placed = dir->WriteNeedle("data");  // a new volume takes it
  REQUIRE(placed.ok());
  CHECK(placed->volume == 9);
}

TEST_CASE("a disk that stays full does not collect an empty volume per retry") {
  testing::FaultFileSystem fs;
  ManualClock clock(1'000'000);
  StoreOptions o;
  o.drives = {"/d"};
  o.volume.size_limit = 4096;
  auto store = Store::Open(&fs, &clock, o).value();
  REQUIRE(store->CreateVolume(1).ok());
  auto dir = Directory::Open(store.get(), &clock).value();
  REQUIRE(dir->WriteNeedle(std::string(3000, 'a')).ok());  // volume 1 is nearly full
  // The disk is all but full: a new volume's headers fit, its first needle does not.
  uint64_t used = 0;
  const std::vector<std::string> names = fs.ListDir("/d").value();
  for (const auto& name : names) used += fs.Contents("/d/" + name).size();
  fs.SetCapacity(used + 64);
  for (int i = 0; i < 10; i++) {
    auto p = dir->WriteNeedle(std::string(3000, 'b'));
    CHECK(p.status().code() == Code::kResourceExhausted);
  }
  // Volume 1 and at most one empty broken volume, not one per attempt.
  auto stats = store->Stats();
  REQUIRE(!stats.empty());
  CHECK(stats.size() == 2);
  CHECK(stats[0].id == 1);
  CHECK(stats[0].needles == 1);
  int dats = 0;
  const std::vector<std::string> after = fs.ListDir("/d").value();
  for (const auto& name : after) dats += name.ends_with(".dat");
  CHECK(dats == static_cast<int>(stats.size()));
  // Space comes back: the next write lands in a fresh volume.
  fs.SetCapacity(UINT64_MAX);
  auto p = dir->WriteNeedle(std::string(3000, 'c'));
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  CHECK(store->Get(p->volume, p->key, p->cookie).value() == std::string(3000, 'c'));
}

}  // namespace
}  // namespace bale
