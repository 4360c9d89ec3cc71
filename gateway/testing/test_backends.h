// The backends of gateway unit tests: a real store of one volume on a
// temporary directory, its directory, in-memory metadata, a manual clock, and
// user "u" owning bucket "b".
#pragma once

#include <doctest.h>

#include <memory>

#include "backend/directory/directory.h"
#include "backend/store/store.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "gateway/s3_service.h"
#include "meta/metadata_store.h"
#include "meta/testing/memory_kv_store.h"
#include "meta/testing/temp_dir.h"

namespace bale::s3::testing {

class TestBackends {
 public:
  TestBackends() {
    REQUIRE(dir_.ok());
    StoreOptions so;
    so.drives = {dir_.path() + "/drive0"};
    so.volume.size_limit = 64 << 20;
    store = std::move(Store::Open(FileSystem::Posix(), &clock, so).value());
    REQUIRE(store->CreateVolume(1).ok());
    directory = std::move(Directory::Open(store.get(), &clock).value());
    meta = std::move(meta::MetadataStore::Open(&kv_).value());
    REQUIRE(meta->PutUser(meta::UserRecord{"u", "U", false, false, 0}).ok());
    meta::BucketRecord b;
    b.name = "b";
    b.owner_user_id = "u";
    bucket = meta->CreateBucket(b).value();
  }

  S3Backends backends() { return {meta.get(), store.get(), directory.get(), &clock}; }

 private:
  meta::testing::ScopedTempDir dir_;  // first made, last gone
  meta::testing::MemoryKvStore kv_;

 public:
  ManualClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<Directory> directory;
  std::unique_ptr<meta::MetadataStore> meta;
  meta::BucketRecord bucket;
};

}  // namespace bale::s3::testing
