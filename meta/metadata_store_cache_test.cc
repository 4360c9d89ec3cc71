// The access key, user and bucket caches: what they save, and that no write
// through the MetadataStore leaves a stale record behind.
#include <doctest.h>

#include <functional>

#include "meta/metadata_store.h"
#include "meta/record_cache.h"
#include "meta/row_keys.h"
#include "meta/testing/forwarding_kv_store.h"
#include "meta/testing/memory_kv_store.h"
#include "meta/testing/object_records.h"

namespace bale::meta {
namespace {

using testing::MakeBucket;
using testing::MakeObject;

// Counts the Gets that reach the engine; runs `during_get` (once) between
// reading a row and returning it, as a writer racing the reader would.
class CountingKv : public testing::ForwardingKvStore {
 public:
  CountingKv() : ForwardingKvStore(memory_) {}  // only keeps the reference
  Result<std::optional<std::string>> Get(std::string_view key) override {
    ++gets;
    auto value = inner_.Get(key);
    if (during_get) std::exchange(during_get, nullptr)();
    return value;
  }

  int gets = 0;
  std::function<void()> during_get;

 private:
  testing::MemoryKvStore memory_;
};

std::unique_ptr<MetadataStore> OpenStore(KvStore& kv, size_t cache_entries = 65536) {
  MetadataStoreOptions options;
  options.cache_entries = cache_entries;
  auto store = MetadataStore::Open(&kv, options);
  REQUIRE(store.ok());
  return std::move(*store);
}

TEST_CASE("record cache: hits, invalidation, stale inserts, capacity") {
  RecordCache<int> cache(2);
  CHECK_FALSE(cache.Find("a").has_value());
  cache.Insert("a", 1, cache.generation());
  CHECK(cache.Find("a") == 1);

  const uint64_t before = cache.generation();
  cache.Invalidate("b");  // another key: still bumps the generation
  cache.Insert("b", 2, before);
  CHECK_FALSE(cache.Find("b").has_value());
  CHECK(cache.Find("a") == 1);

  cache.Invalidate("a");
  CHECK_FALSE(cache.Find("a").has_value());

  cache.Insert("a", 1, cache.generation());
  cache.Insert("b", 2, cache.generation());
  cache.Insert("b", 3, cache.generation());  // replacing one in place keeps the other
  CHECK(cache.size() == 2);
  CHECK(cache.Find("b") == 3);
  cache.Insert("c", 4, cache.generation());  // full: starts again
  CHECK(cache.size() == 1);
  CHECK(cache.Find("c") == 4);
  CHECK_FALSE(cache.Find("a").has_value());

  cache.Invalidate("c");
  CHECK(cache.size() == 0);

  RecordCache<int> off(0);
  off.Insert("a", 1, off.generation());
  CHECK_FALSE(off.Find("a").has_value());
}

TEST_CASE("a request's records are read from the engine once") {
  CountingKv kv;
  auto store = OpenStore(kv);
  REQUIRE(store->PutUser(UserRecord{"alice", "Alice", false, false, 1}).ok());
  const AccessKeyRecord key{"AKIA1", "secret", "alice", true, 2};
  REQUIRE(store->PutAccessKey(key).ok());
  const BucketRecord bucket = store->CreateBucket(MakeBucket("photos", "alice")).value();

  kv.gets = 0;
  for (int i = 0; i < 3; ++i) {
    CHECK(store->GetAccessKey("AKIA1").value() == key);
    CHECK(store->GetUser("alice").value().display_name == "Alice");
    CHECK(store->GetBucket("photos").value() == bucket);
  }
  // PutAccessKey read the user and CreateBucket wrote the bucket: only the key
  // and the bucket are read, once each.
  CHECK(kv.gets == 2);

  // PutObject and GetObject read the object row, and only it.
  kv.gets = 0;
  REQUIRE(store->PutObject("photos", MakeObject("cat.jpg", 10)).ok());
  CHECK(store->GetObject("photos", "cat.jpg").value().size == 10);
  CHECK(kv.gets == 2);

  // Unknown names are not cached: each look is a read.
  kv.gets = 0;
  CHECK(store->GetAccessKey("AKIA9").status().reason() == "InvalidAccessKeyId");
  CHECK(store->GetAccessKey("AKIA9").status().reason() == "InvalidAccessKeyId");
  CHECK(kv.gets == 2);
}

TEST_CASE("with the cache off every look is a read") {
  CountingKv kv;
  auto store = OpenStore(kv, 0);
  REQUIRE(store->CreateBucket(MakeBucket("photos", "alice")).ok());
  kv.gets = 0;
  REQUIRE(store->GetBucket("photos").ok());
  REQUIRE(store->GetBucket("photos").ok());
  CHECK(kv.gets == 2);
}

TEST_CASE("every write through the store is seen by the next read") {
  CountingKv kv;
  auto store = OpenStore(kv);
  REQUIRE(store->PutUser(UserRecord{"alice", "Alice", false, false, 1}).ok());
  REQUIRE(store->PutUser(UserRecord{"bob", "Bob", false, false, 1}).ok());
  REQUIRE(store->PutAccessKey(AccessKeyRecord{"AKIA1", "s1", "alice", true, 2}).ok());
  REQUIRE(store->PutAccessKey(AccessKeyRecord{"AKIA2", "s2", "alice", true, 2}).ok());
  REQUIRE(store->PutAccessKey(AccessKeyRecord{"AKIB1", "s3", "bob", true, 2}).ok());
  REQUIRE(store->CreateBucket(MakeBucket("photos", "alice")).ok());
  auto warm = [&] {
    for (const char* k : {"AKIA1", "AKIA2", "AKIB1"}) (void)store->GetAccessKey(k);
    for (const char* u : {"alice", "bob"}) (void)store->GetUser(u);
    (void)store->GetBucket("photos");
  };

  warm();
  REQUIRE(store->PutAccessKey(AccessKeyRecord{"AKIA1", "s1", "alice", false, 2}).ok());
  CHECK_FALSE(store->GetAccessKey("AKIA1").value().active);

  warm();
  REQUIRE(store->PutUser(UserRecord{"alice", "Alice", false, true, 1}).ok());
  CHECK(store->GetUser("alice").value().disabled);

  warm();
  BucketRecord updated = store->GetBucket("photos").value();
  updated.acl = CannedAcl::kPublicRead;
  updated.quota_max_objects = 7;
  REQUIRE(store->PutBucket(updated).ok());
  CHECK(store->GetBucket("photos").value() == updated);

  warm();
  REQUIRE(store->DeleteAccessKey("AKIA2").ok());
  CHECK(store->GetAccessKey("AKIA2").status().reason() == "InvalidAccessKeyId");

  // A bucket deleted and made again has a new id: objects go under it.
  warm();
  const uint64_t old_id = store->GetBucket("photos").value().bucket_id;
  REQUIRE(store->DeleteBucket("photos", 1).ok());
  CHECK(store->GetBucket("photos").status().reason() == "NoSuchBucket");
  CHECK(store->PutObject("photos", MakeObject("k", 1)).status().reason() == "NoSuchBucket");
  const BucketRecord again = store->CreateBucket(MakeBucket("photos", "bob")).value();
  CHECK(again.bucket_id != old_id);
  CHECK(store->GetBucket("photos").value() == again);
  REQUIRE(store->PutObject("photos", MakeObject("k", 1)).ok());
  CHECK(store->GetUsage("photos").value() == UsageRecord{1, 1});

  // Deleting a user deletes its keys: none of them still authenticates.
  REQUIRE(store->DeleteObject("photos", "k").ok());
  REQUIRE(store->DeleteBucket("photos", 1).ok());
  warm();
  REQUIRE(store->DeleteUser("bob").ok());
  CHECK(store->GetUser("bob").status().code() == Code::kNotFound);
  CHECK(store->GetAccessKey("AKIB1").status().reason() == "InvalidAccessKeyId");
  CHECK(store->GetAccessKey("AKIA1").ok());  // another user's key is untouched
}

TEST_CASE("a record read before a racing write is not kept after it") {
  CountingKv kv;
  auto store = OpenStore(kv);
  REQUIRE(store->PutUser(UserRecord{"alice", "Alice", false, false, 1}).ok());
  REQUIRE(store->PutAccessKey(AccessKeyRecord{"AKIA1", "s1", "alice", true, 2}).ok());

  // The key is deactivated after the reader got the old row from the engine
  // and before it returned: the reader may return the old row (the write had
  // not returned when the read began) but must not cache it.
  kv.during_get = [&] {
    REQUIRE(store->PutAccessKey(AccessKeyRecord{"AKIA1", "s1", "alice", false, 2}).ok());
  };
  CHECK(store->GetAccessKey("AKIA1").value().active);
  CHECK_FALSE(store->GetAccessKey("AKIA1").value().active);

  REQUIRE(store->CreateBucket(MakeBucket("photos", "alice")).ok());
  kv.during_get = [&] { REQUIRE(store->DeleteBucket("photos", 1).ok()); };
  CHECK(store->GetBucket("photos").ok());
  CHECK(store->GetBucket("photos").status().reason() == "NoSuchBucket");
}

}  // namespace
}  // namespace bale::meta
