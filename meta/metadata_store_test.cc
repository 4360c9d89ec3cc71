#include "meta/metadata_store.h"

#include <doctest.h>

#include "meta/row_keys.h"
#include "meta/testing/each_kv_engine.h"
#include "meta/testing/object_records.h"

namespace bale::meta {
namespace {

using testing::ForEachKvEngine;
using testing::MakeBucket;
using testing::MakeObject;

std::unique_ptr<MetadataStore> OpenStore(KvStore& kv) {
  auto store = MetadataStore::Open(&kv);
  REQUIRE(store.ok());
  return std::move(*store);
}

TEST_CASE("open writes the layout version once and refuses another") {
  ForEachKvEngine([](KvStore& kv) {
    OpenStore(kv);
    CHECK(kv.Get(rows::kLayout).value() == std::string("\x01"));
    OpenStore(kv);  // reopening finds it
    REQUIRE(kv.Write(KvBatch().Put(rows::kLayout, "\x02")).ok());
    auto refused = MetadataStore::Open(&kv);
    CHECK(refused.status().code() == Code::kFailedPrecondition);
    CHECK(refused.status().message() ==
          "metadata layout version 2 is not supported (this build reads 1)");
  });
}

TEST_CASE("users and access keys") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    UserRecord bob{"bob", "Bob", false, true, 2};
    UserRecord alice{"alice", "Alice", true, false, 1};
    REQUIRE(store->PutUser(bob).ok());
    REQUIRE(store->PutUser(alice).ok());
    CHECK(store->GetUser("alice").value() == alice);
    CHECK(store->GetUser("carol").status().code() == Code::kNotFound);
    CHECK(store->ListUsers().value() == std::vector<UserRecord>{alice, bob});
    CHECK(store->PutUser(UserRecord{std::string("a\0b", 3), "", false, false, 0}).code() ==
          Code::kInvalidArgument);
    CHECK(store->PutUser(UserRecord{}).code() == Code::kInvalidArgument);

    AccessKeyRecord key{"AKIA1", "secret", "alice", true, 3};
    REQUIRE(store->PutAccessKey(key).ok());
    CHECK(store->GetAccessKey("AKIA1").value() == key);
    auto missing = store->GetAccessKey("AKIA2");
    CHECK(missing.status().code() == Code::kNotFound);
    CHECK(missing.status().reason() == "InvalidAccessKeyId");
    CHECK(store->PutAccessKey(AccessKeyRecord{"AKIA3", "s", "nobody", true, 0}).code() ==
          Code::kNotFound);
    key.active = false;
    REQUIRE(store->PutAccessKey(key).ok());
    CHECK_FALSE(store->GetAccessKey("AKIA1").value().active);
  });
}

TEST_CASE("keys listed by user, revoked; a user is deleted with its keys, not while it owns a bucket") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(store->PutUser(UserRecord{"alice", "Alice", false, false, 1}).ok());
    REQUIRE(store->PutUser(UserRecord{"bob", "Bob", false, false, 1}).ok());
    AccessKeyRecord a1{"AK1", "s1", "alice", true, 1};
    AccessKeyRecord a2{"AK2", "s2", "alice", true, 2};
    AccessKeyRecord b1{"AK3", "s3", "bob", true, 3};
    for (const auto& k : {a1, a2, b1}) REQUIRE(store->PutAccessKey(k).ok());
    CHECK(store->ListAccessKeys("alice").value() == std::vector<AccessKeyRecord>{a1, a2});
    CHECK(store->ListAccessKeys("carol").value().empty());

    REQUIRE(store->DeleteAccessKey("AK1").ok());
    CHECK(store->GetAccessKey("AK1").status().code() == Code::kNotFound);
    Status again = store->DeleteAccessKey("AK1");
    CHECK(again.code() == Code::kNotFound);
    CHECK(again.reason() == "NoSuchAccessKey");

    REQUIRE(store->CreateBucket(MakeBucket("alices", "alice")).ok());
    Status refused = store->DeleteUser("alice");
    CHECK(refused.code() == Code::kFailedPrecondition);
    CHECK(refused.reason() == "UserHasBuckets");
    CHECK(store->GetUser("alice").ok());
    CHECK(store->GetAccessKey("AK2").ok());

    REQUIRE(store->DeleteBucket("alices", 1).ok());
    REQUIRE(store->DeleteUser("alice").ok());
    CHECK(store->GetUser("alice").status().code() == Code::kNotFound);
    CHECK(store->GetAccessKey("AK2").status().code() == Code::kNotFound);
    CHECK(store->GetAccessKey("AK3").value() == b1);  // bob's key untouched
    CHECK(store->DeleteUser("alice").reason() == "NoSuchUser");

    REQUIRE(store->CreateBucket(MakeBucket("zeta", "bob")).ok());
    REQUIRE(store->CreateBucket(MakeBucket("alpha", "bob")).ok());
    auto all = store->ListAllBuckets().value();
    REQUIRE(all.size() == 2);
    CHECK(all[0].name == "alpha");
    CHECK(all[1].name == "zeta");
  });
}

TEST_CASE("buckets: create once, reasons for a taken name, get, update, list by owner") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    auto created = store->CreateBucket(MakeBucket("photos", "alice"));
    REQUIRE(created.ok());
    CHECK(created->bucket_id == 1);
    CHECK(store->GetBucket("photos").value() == *created);

    auto mine = store->CreateBucket(MakeBucket("photos", "alice"));
    CHECK(mine.status().code() == Code::kAlreadyExists);
    CHECK(mine.status().reason() == "BucketAlreadyOwnedByYou");
    auto theirs = store->CreateBucket(MakeBucket("photos", "bob"));
    CHECK(theirs.status().reason() == "BucketAlreadyExists");

    auto missing = store->GetBucket("nope");
    CHECK(missing.status().code() == Code::kNotFound);
    CHECK(missing.status().reason() == "NoSuchBucket");

    REQUIRE(store->CreateBucket(MakeBucket("zeta", "alice")).ok());
    REQUIRE(store->CreateBucket(MakeBucket("alpha", "alice")).ok());
    REQUIRE(store->CreateBucket(MakeBucket("bobs", "bob")).ok());
    auto names = [&](std::string_view owner) {
      std::vector<std::string> out;
      std::vector<BucketRecord> buckets = store->ListBuckets(owner).value();
      for (const auto& b : buckets) out.push_back(b.name);
      return out;
    };
    CHECK(names("alice") == std::vector<std::string>{"alpha", "photos", "zeta"});
    CHECK(names("bob") == std::vector<std::string>{"bobs"});
    CHECK(names("carol").empty());
    // "ali" must not see "alice"'s buckets: the owner component ends with 00.
    CHECK(names("ali").empty());

    BucketRecord update = *created;
    update.bucket_id = 999;  // ignored: the id is kept
    update.acl = CannedAcl::kPublicRead;
    update.quota_max_bytes = 1 << 30;
    update.owner_user_id = "bob";
    REQUIRE(store->PutBucket(update).ok());
    BucketRecord stored = store->GetBucket("photos").value();
    CHECK(stored.bucket_id == created->bucket_id);
    CHECK(stored.acl == CannedAcl::kPublicRead);
    CHECK(stored.quota_max_bytes == 1 << 30);
    CHECK(names("alice") == std::vector<std::string>{"alpha", "zeta"});
    CHECK(names("bob") == std::vector<std::string>{"bobs", "photos"});
    CHECK(store->PutBucket(MakeBucket("nope", "alice")).reason() == "NoSuchBucket");
  });
}

TEST_CASE("conditional bucket update sees the current record and writes nothing on refusal") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    BucketRecord read = store->CreateBucket(MakeBucket("b", "alice")).value();
    auto unchanged = [&](const BucketRecord& current) -> Status {
      if (current.bucket_id != read.bucket_id || current.owner_user_id != read.owner_user_id)
        return AbortedError("bucket changed").WithReason("ConditionalRequestConflict");
      return Status::Ok();
    };
    BucketRecord update = read;
    update.acl = CannedAcl::kPublicRead;
    REQUIRE(store->PutBucket(update, unchanged).ok());
    CHECK(store->GetBucket("b").value().acl == CannedAcl::kPublicRead);

    // Deleted and created again by bob: alice's stale update must not land.
    REQUIRE(store->DeleteBucket("b", 1).ok());
    REQUIRE(store->CreateBucket(MakeBucket("b", "bob")).ok());
    update.acl = CannedAcl::kPrivate;
    CHECK(store->PutBucket(update, unchanged).reason() == "ConditionalRequestConflict");
    BucketRecord now = store->GetBucket("b").value();
    CHECK(now.owner_user_id == "bob");
    CHECK(now.bucket_id != read.bucket_id);
  });
}

TEST_CASE("delete bucket: not while an object is in it; a new bucket of the name starts empty") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
    REQUIRE(store->PutObject("b", MakeObject("k", 10)).ok());
    Status st = store->DeleteBucket("b", 1);
    CHECK(st.code() == Code::kFailedPrecondition);
    CHECK(st.reason() == "BucketNotEmpty");
    REQUIRE(store->DeleteObject("b", "k").ok());
    REQUIRE(store->DeleteBucket("b", 1).ok());
    CHECK(store->GetBucket("b").status().reason() == "NoSuchBucket");
    CHECK(store->DeleteBucket("b", 1).reason() == "NoSuchBucket");
    CHECK(store->ListBuckets("alice").value().empty());
    CHECK(store->GetObject("b", "k").status().reason() == "NoSuchBucket");
    CHECK(store->PutObject("b", MakeObject("k", 1)).status().reason() == "NoSuchBucket");

    // An object row left behind under the old id (a PutObject that raced the
    // delete) is not part of a new bucket of the same name.
    REQUIRE(
        kv.Write(KvBatch().Put(rows::Object(1, "ghost"), EncodeObject(MakeObject("", 3)))).ok());
    auto again = store->CreateBucket(MakeBucket("b", "bob"));
    REQUIRE(again.ok());
    CHECK(again->bucket_id == 2);
    CHECK(store->GetObject("b", "ghost").status().reason() == "NoSuchKey");
    CHECK(store->ListObjects("b", {}).value().objects.empty());
    CHECK(store->GetUsage("b").value() == UsageRecord{0, 0});
    REQUIRE(store->DeleteBucket("b", 1).ok());
  });
}

// Every row whose key starts with `prefix`.
size_t RowsWithPrefix(KvStore& kv, std::string_view prefix) {
  return kv.Scan(prefix, rows::PrefixSuccessor(prefix), 1'000'000).value().size();
}

size_t RowsOfBucketId(KvStore& kv, uint64_t id) {
  size_t n = 0;
  for (const std::string& prefix : rows::BucketIdPrefixes(id)) n += RowsWithPrefix(kv, prefix);
  return n;
}

TEST_CASE("rows left under a deleted bucket's id are deleted; its marker once settled") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    const uint64_t dead = store->CreateBucket(MakeBucket("b", "alice")).value().bucket_id;
    UploadRecord upload;
    upload.upload_id = "0123456789abcdef0123456789abcdef";
    upload.key = "open";
    REQUIRE(store->CreateUpload("b", upload).ok());
    PartRecord part;
    part.part_number = 1;
    part.size = 5;
    part.etag = "0123456789abcdef0123456789abcdef";
    part.chunks = {Chunk{1, 77, 1, 5}};
    REQUIRE(store->PutPart("b", upload.upload_id, part).ok());
    REQUIRE(store->DeleteBucket("b", 1000).ok());  // an open upload does not stop it
    CHECK(kv.Get(rows::DeletedBucket(dead)).value() == rows::EncodeU64(1000));

    // 2,500 objects committed by writes racing the delete, and their counters.
    for (int i = 0; i < 2500; i++) {
      const int64_t add[] = {1, 1};
      REQUIRE(kv.Write(KvBatch()
                           .Put(rows::Object(dead, "late" + std::to_string(i)),
                                EncodeObject(MakeObject("", 1)))
                           .AddToCounters(rows::Usage(dead), add))
                  .ok());
    }
    // C, 2,500 O, M, P and N rows.
    REQUIRE(RowsOfBucketId(kv, dead) == 2504);

    // Live buckets, one of them of the same name, keep every row.
    const uint64_t again = store->CreateBucket(MakeBucket("b", "bob")).value().bucket_id;
    REQUIRE(store->PutObject("b", MakeObject("x", 3)).ok());
    REQUIRE(store->CreateBucket(MakeBucket("keep", "alice")).ok());
    REQUIRE(store->PutObject("keep", MakeObject("k", 4)).ok());
    REQUIRE(store->CreateUpload("keep", upload).ok());
    REQUIRE(store->PutPart("keep", upload.upload_id, part).ok());
    const size_t live_rows = RowsOfBucketId(kv, again) + RowsOfBucketId(kv, again + 1);
    CHECK(live_rows == 2 + 5);  // C O; C O M P N

    // Deleted at 1000: not settled before 1000, so the marker stays.
    DeletedBucketCleanup done = store->DeleteRowsOfDeletedBuckets(1000).value();
    CHECK(done.buckets == 1);
    CHECK(done.rows == 2504);
    CHECK(done.markers_removed == 0);
    CHECK(RowsOfBucketId(kv, dead) == 0);
    CHECK(RowsWithPrefix(kv, rows::kDeletedBuckets) == 1);
    CHECK(RowsOfBucketId(kv, again) + RowsOfBucketId(kv, again + 1) == live_rows);
    CHECK(store->GetObject("b", "x").value().size == 3);
    CHECK(store->GetUsage("b").value() == UsageRecord{3, 1});
    CHECK(store->GetObject("keep", "k").value().size == 4);
    CHECK(store->ListParts("keep", upload.upload_id, 0, 10).value().parts.size() == 1);

    // One more racing row; settled now: its rows and then the marker go.
    REQUIRE(
        kv.Write(KvBatch().Put(rows::Object(dead, "later"), EncodeObject(MakeObject("", 1)))).ok());
    done = store->DeleteRowsOfDeletedBuckets(1001).value();
    CHECK(done.buckets == 1);
    CHECK(done.rows == 1);
    CHECK(done.markers_removed == 1);
    CHECK(RowsWithPrefix(kv, rows::kDeletedBuckets) == 0);
    CHECK(RowsOfBucketId(kv, dead) == 0);

    done = store->DeleteRowsOfDeletedBuckets(2000).value();
    CHECK((done.buckets == 0 && done.rows == 0 && done.markers_removed == 0));
    CHECK(RowsOfBucketId(kv, again) + RowsOfBucketId(kv, again + 1) == live_rows);
  });
}

TEST_CASE("a malformed deleted-bucket marker is DATA_LOSS, naming it") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(kv.Write(KvBatch().Put(rows::DeletedBucket(7), "abc")).ok());
    Status st = store->DeleteRowsOfDeletedBuckets(0).status();
    CHECK(st.code() == Code::kDataLoss);
    CHECK(st.message().find("holds 3 bytes (8 expected)") != std::string::npos);
  });
}

TEST_CASE("objects: put returns what it replaced, get, delete returns what it deleted") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
    ObjectRecord first = MakeObject("dir/k", 100, 11);
    first.user_metadata = {{"color", "blue"}};
    auto replaced = store->PutObject("b", first);
    REQUIRE(replaced.ok());
    CHECK(*replaced == std::nullopt);
    CHECK(store->GetObject("b", "dir/k").value() == first);

    ObjectRecord second = MakeObject("dir/k", 50, 12);
    replaced = store->PutObject("b", second);
    REQUIRE(replaced.ok());
    REQUIRE(replaced->has_value());
    CHECK(**replaced == first);  // its chunk (needle 11) is garbage now
    CHECK(store->GetObject("b", "dir/k").value() == second);

    auto deleted = store->DeleteObject("b", "dir/k");
    REQUIRE(deleted.ok());
    CHECK(*deleted == second);
    auto gone = store->DeleteObject("b", "dir/k");
    CHECK(gone.status().code() == Code::kNotFound);
    CHECK(gone.status().reason() == "NoSuchKey");
    CHECK(store->GetObject("b", "dir/k").status().reason() == "NoSuchKey");
    CHECK(store->GetObject("nope", "k").status().reason() == "NoSuchBucket");
  });
}

TEST_CASE("conditional put and delete see the current record and write nothing on refusal") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
    auto if_none_match = [](const std::optional<ObjectRecord>& current) -> Status {
      if (current) return FailedPreconditionError("exists").WithReason("PreconditionFailed");
      return Status::Ok();
    };
    auto if_match = [](std::string etag) {
      return [etag](const std::optional<ObjectRecord>& current) -> Status {
        if (!current) return NotFoundError("none").WithReason("NoSuchKey");
        if (current->etag != etag)
          return FailedPreconditionError("etag").WithReason("PreconditionFailed");
        return Status::Ok();
      };
    };
    REQUIRE(store->PutObject("b", MakeObject("k", 10), if_none_match).ok());
    auto refused = store->PutObject("b", MakeObject("k", 20), if_none_match);
    CHECK(refused.status().reason() == "PreconditionFailed");
    CHECK(store->GetObject("b", "k").value().size == 10);
    CHECK(store->PutObject("b", MakeObject("k", 30), if_match("other")).status().reason() ==
          "PreconditionFailed");
    CHECK(store->PutObject("b", MakeObject("none", 1), if_match("x")).status().reason() ==
          "NoSuchKey");
    ObjectRecord next = MakeObject("k", 40);
    next.etag = "new";
    REQUIRE(store->PutObject("b", next, if_match(MakeObject("k", 10).etag)).ok());
    CHECK(store->DeleteObject("b", "k", if_match("stale")).status().reason() ==
          "PreconditionFailed");
    REQUIRE(store->DeleteObject("b", "k", if_match("new")).ok());
    CHECK(store->GetUsage("b").value() == UsageRecord{0, 0});
  });
}

TEST_CASE("objects: keys up to 1024 bytes of any value; chunks must add up to the size") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
    std::string longest(kMaxObjectKeyBytes, '\xff');
    REQUIRE(store->PutObject("b", MakeObject(longest, 1)).ok());
    CHECK(store->GetObject("b", longest).value().key == longest);
    std::string nul_key("a\0b", 3);
    REQUIRE(store->PutObject("b", MakeObject(nul_key, 2)).ok());
    CHECK(store->GetObject("b", nul_key).value().size == 2);
    CHECK(store->GetObject("b", "a").status().reason() == "NoSuchKey");

    auto too_long = store->PutObject("b", MakeObject(longest + "x", 1));
    CHECK(too_long.status().code() == Code::kInvalidArgument);
    CHECK(too_long.status().reason() == "KeyTooLongError");
    CHECK(store->PutObject("b", MakeObject("", 1)).status().code() == Code::kInvalidArgument);
    ObjectRecord mismatch = MakeObject("m", 10);
    mismatch.chunks.push_back(Chunk{1, 2, 3, 4});
    CHECK(store->PutObject("b", mismatch).status().code() == Code::kInvalidArgument);
    ObjectRecord wraps = MakeObject("w", 0);
    wraps.chunks = {Chunk{1, 1, 1, UINT64_MAX}, Chunk{1, 2, 1, 1}};  // sums to 0 mod 2^64
    CHECK(store->PutObject("b", wraps).status().code() == Code::kInvalidArgument);
    CHECK(store->GetUsage("b").value() == UsageRecord{3, 2});
  });
}

TEST_CASE("usage counters stay exact through creates, overwrites and deletes") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
    REQUIRE(store->CreateBucket(MakeBucket("other", "alice")).ok());
    CHECK(store->GetUsage("b").value() == UsageRecord{0, 0});
    REQUIRE(store->PutObject("b", MakeObject("x", 100)).ok());
    REQUIRE(store->PutObject("b", MakeObject("y", 7)).ok());
    REQUIRE(store->PutObject("b", MakeObject("x", 40)).ok());  // overwrite: -60 bytes
    REQUIRE(store->PutObject("b", MakeObject("z", 0)).ok());   // an empty object counts
    REQUIRE(store->PutObject("b", MakeObject("z", 0)).ok());   // same size: no change
    REQUIRE(store->PutObject("other", MakeObject("x", 1000)).ok());
    CHECK(store->GetUsage("b").value() == UsageRecord{47, 3});
    REQUIRE(store->DeleteObject("b", "y").ok());
    CHECK(store->DeleteObject("b", "y").status().code() == Code::kNotFound);  // no change
    CHECK(store->GetUsage("b").value() == UsageRecord{40, 2});
    CHECK(store->RecountUsage("b").value() == UsageRecord{40, 2});
    CHECK(store->GetUsage("other").value() == UsageRecord{1000, 1});
    CHECK(store->GetUsage("nope").status().reason() == "NoSuchBucket");
  });
}

TEST_CASE("corrupt rows are data loss naming the object, not a crash") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenStore(kv);
    auto b = store->CreateBucket(MakeBucket("b", "alice"));
    REQUIRE(b.ok());
    REQUIRE(kv.Write(KvBatch().Put(rows::Object(b->bucket_id, "bad"), "O\x01garbage")).ok());
    auto got = store->GetObject("b", "bad");
    CHECK(got.status().code() == Code::kDataLoss);
    CHECK(got.status().message().find("object \"bad\": object record of 9 bytes is corrupt") == 0);
    CHECK(store->PutObject("b", MakeObject("bad", 1)).status().code() == Code::kDataLoss);
    CHECK(store->ListObjects("b", {}).status().code() == Code::kDataLoss);
    REQUIRE(kv.Write(KvBatch().Put(rows::Bucket("c"), "nonsense")).ok());
    CHECK(store->GetBucket("c").status().code() == Code::kDataLoss);
  });
}

TEST_CASE("engine failures reach the caller unchanged") {
  testing::MemoryKvStore kv;
  auto store = OpenStore(kv);
  REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
  kv.FailAllCalls(UnavailableError("disk gone"));
  CHECK(store->PutObject("b", MakeObject("k", 1)).status().code() == Code::kUnavailable);
  CHECK(store->ListObjects("b", {}).status().message() == "disk gone");
  kv.ClearFailure();
  CHECK(store->PutObject("b", MakeObject("k", 1)).ok());
}

TEST_CASE("rocksdb: reopen finds users, keys, buckets, objects and usage") {
  testing::ScopedTempDir dir;
  REQUIRE(dir.ok());
  {
    auto kv = OpenRocksKvStore(dir.path());
    REQUIRE(kv.ok());
    auto store = OpenStore(**kv);
    REQUIRE(store->PutUser(UserRecord{"alice", "Alice", true, false, 1}).ok());
    REQUIRE(store->PutAccessKey(AccessKeyRecord{"AK", "SK", "alice", true, 2}).ok());
    REQUIRE(store->CreateBucket(MakeBucket("b", "alice")).ok());
    for (int i = 0; i < 100; ++i) {
      REQUIRE(store->PutObject("b", MakeObject("k" + std::to_string(i), i)).ok());
    }
    REQUIRE(store->DeleteObject("b", "k7").ok());
  }
  auto kv = OpenRocksKvStore(dir.path());
  REQUIRE(kv.ok());
  auto store = OpenStore(**kv);
  CHECK(store->GetUser("alice").value().display_name == "Alice");
  CHECK(store->GetAccessKey("AK").value().secret_key == "SK");
  CHECK(store->ListBuckets("alice").value().size() == 1);
  CHECK(store->GetObject("b", "k42").value() == MakeObject("k42", 42));
  CHECK(store->GetObject("b", "k7").status().reason() == "NoSuchKey");
  CHECK(store->GetUsage("b").value() == UsageRecord{4950 - 7, 99});
  CHECK(store->RecountUsage("b").value() == UsageRecord{4950 - 7, 99});
  ListObjectsOptions all;
  CHECK(store->ListObjects("b", all).value().objects.size() == 99);
  CHECK(store->CreateBucket(MakeBucket("c", "alice")).value().bucket_id == 2);
}

}  // namespace
}  // namespace bale::meta
