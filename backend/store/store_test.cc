#include "backend/store/store.h"

#include <doctest.h>

#include "common/testing/fault_file_system.h"

namespace bale {
namespace {

using testing::FaultFileSystem;

StoreOptions TwoDrives() {
  StoreOptions o;
  o.drives = {"/d1", "/d2"};
  return o;
}

TEST_CASE("a store spreads volumes over drives and finds them again") {
  FaultFileSystem fs;
  ManualClock clock;
  {
    auto store = Store::Open(&fs, &clock, TwoDrives()).value();
    for (VolumeId v = 1; v <= 4; v++) REQUIRE(store->CreateVolume(v).ok());
    CHECK(store->CreateVolume(2).code() == Code::kAlreadyExists);
    CHECK(fs.Exists("/d1/1.dat"));
    CHECK(fs.Exists("/d2/2.dat"));
    CHECK(fs.Exists("/d1/3.dat"));
    CHECK(fs.Exists("/d2/4.dat"));
    for (VolumeId v = 1; v <= 4; v++)
      REQUIRE(store->Put(v, 100 + v, 9, "data " + std::to_string(v)).ok());
    CHECK(store->Put(5, 1, 1, "x").code() == Code::kNotFound);
    CHECK(store->Get(5, 1, 1).status().ToString() == "NOT_FOUND: volume 5 does not exist");
  }
  auto store = Store::Open(&fs, &clock, TwoDrives()).value();
  auto stats = store->Stats();
  REQUIRE(stats.size() == 4);
  for (VolumeId v = 1; v <= 4; v++) {
    CHECK(stats[v - 1].id == v);
    CHECK(stats[v - 1].needles == 1);
    CHECK(store->Get(v, 100 + v, 9).value() == "data " + std::to_string(v));
    CHECK(store->Head(v, 100 + v, 9).value().size == 6);
  }
  REQUIRE(store->Delete(1, 101, 9).ok());
  CHECK(store->Get(1, 101, 9).status().code() == Code::kNotFound);
  REQUIRE(store->Seal(2).ok());
  CHECK(store->Put(2, 1, 1, "x").code() == Code::kFailedPrecondition);
  REQUIRE(store->Compact(1).ok());
  CHECK(store->Stats()[0].file_bytes == 8);
}

TEST_CASE("a broken volume is reported and the others keep serving") {
  FaultFileSystem fs;
  ManualClock clock;
  {
    auto store = Store::Open(&fs, &clock, TwoDrives()).value();
    REQUIRE(store->CreateVolume(1).ok());
    REQUIRE(store->Put(1, 1, 1, "fine").ok());
  }
  fs.SetContents("/d2/9.dat", "this is somebody's text file");
  fs.SetContents("/d1/1.dat.compact", "half a compaction");
  fs.SetContents("/d2/notes.txt", "ignored");
  auto store = Store::Open(&fs, &clock, TwoDrives()).value();
  auto stats = store->Stats();
  REQUIRE(stats.size() == 2);
  CHECK(stats[0].ok);
  CHECK_FALSE(stats[1].ok);
  CHECK(stats[1].id == 9);
  CHECK(stats[1].error ==
        "INVALID_ARGUMENT: volume 9: /d2/9.dat: not a Bale volume (bad superblock magic)");
  CHECK(store->Put(9, 1, 1, "x").code() == Code::kUnavailable);
  CHECK(store->Get(1, 1, 1).value() == "fine");
  CHECK(store->Put(1, 2, 2, "still writable").ok());
  CHECK_FALSE(fs.Exists("/d1/1.dat.compact"));
  CHECK(fs.Exists("/d2/notes.txt"));
  CHECK(fs.Contents("/d2/9.dat") == "this is somebody's text file");  // never modified
}

}  // namespace
}  // namespace bale
