// MetadataStore::ListUploadsInitiatedBefore.
#include <doctest.h>

#include "meta/metadata_store.h"
#include "meta/testing/each_kv_engine.h"
#include "meta/testing/object_records.h"

namespace bale::meta {
namespace {

UploadRecord Upload(std::string id, int64_t initiated) {
  UploadRecord u;
  u.upload_id = std::move(id);
  u.key = "key-" + u.upload_id;
  u.initiated_micros = initiated;
  u.owner_user_id = "alice";
  u.object.key = u.key;
  return u;
}

TEST_CASE("uploads initiated before a time, in one bucket only, at most a limit") {
  testing::ForEachKvEngine([](KvStore& kv) {
    auto store = MetadataStore::Open(&kv).value();
    REQUIRE(store->CreateBucket(testing::MakeBucket("b", "alice")).ok());
    REQUIRE(store->CreateBucket(testing::MakeBucket("other", "alice")).ok());
    REQUIRE(store->CreateUpload("b", Upload("u1", 100)).ok());
    REQUIRE(store->CreateUpload("b", Upload("u2", 300)).ok());
    REQUIRE(store->CreateUpload("b", Upload("u3", 199)).ok());
    REQUIRE(store->CreateUpload("other", Upload("u4", 50)).ok());

    auto old = store->ListUploadsInitiatedBefore("b", 200, 10).value();
    REQUIRE(old.size() == 2);
    CHECK(old[0] == Upload("u1", 100));
    CHECK(old[1] == Upload("u3", 199));
    CHECK(store->ListUploadsInitiatedBefore("b", 200, 1).value().size() == 1);
    CHECK(store->ListUploadsInitiatedBefore("b", 100, 10).value().empty());
    CHECK(store->ListUploadsInitiatedBefore("other", 1000, 10).value().size() == 1);
    CHECK(store->ListUploadsInitiatedBefore("nosuch", 1000, 10).status().reason() == "NoSuchBucket");
  });
}

}  // namespace
}  // namespace bale::meta
