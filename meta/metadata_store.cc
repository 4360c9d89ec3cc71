// MetadataStore: opening, users, access keys, buckets and usage.
// Objects are in metadata_store_objects.cc, listing in metadata_store_list.cc.
#include "meta/metadata_store.h"

#include <thread>

#include "meta/row_keys.h"

namespace bale::meta {
namespace {

constexpr std::string_view kNoSuchBucket = "NoSuchBucket";
constexpr std::string_view kInvalidAccessKeyId = "InvalidAccessKeyId";
constexpr std::string_view kBucketAlreadyExists = "BucketAlreadyExists";
constexpr std::string_view kBucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou";
constexpr std::string_view kBucketNotEmpty = "BucketNotEmpty";

// User ids end a component of the owner index row ("I" owner 00 bucket).
Status ValidateUserId(std::string_view user_id) {
  if (user_id.empty() || user_id.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("user id " + PrintableKey(user_id) +
                                " must be non-empty and hold no NUL byte");
  }
  return Status::Ok();
}

Status ValidateBucketName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("empty bucket name");
  return Status::Ok();
}

Status TooMuchContention(std::string_view what) {
  return AbortedError(std::string(what) + ": gave up after " +
                      std::to_string(MetadataStore::kMaxAttempts) +
                      " attempts lost to concurrent writers");
}

// The record under `key`: from the cache, or read and kept there.
template <class Record, class ReadFn>
Result<Record> ReadThrough(RecordCache<Record>& cache, std::string_view key, const ReadFn& read) {
  if (std::optional<Record> hit = cache.Find(key)) return std::move(*hit);
  const uint64_t generation = cache.generation();
  ASSIGN_OR_RETURN(Record record, read());
  cache.Insert(key, record, generation);
  return record;
}

}  // namespace

Result<std::unique_ptr<MetadataStore>> MetadataStore::Open(KvStore* kv,
                                                           const MetadataStoreOptions& options) {
  const std::string expected(1, static_cast<char>(kLayoutVersion));
  ASSIGN_OR_RETURN(std::optional<std::string> layout, kv->Get(rows::kLayout));
  if (!layout.has_value()) {
    Status st = kv->CompareAndSet(rows::kLayout, std::nullopt, expected);
    if (!st.ok() && !IsConditionFailed(st)) return st.WithContext("write layout version");
    ASSIGN_OR_RETURN(layout, kv->Get(rows::kLayout));  // ours, or a racing opener's
  }
  if (layout != expected) {
    std::string got = layout.has_value() && layout->size() == 1
                          ? std::to_string(static_cast<uint8_t>((*layout)[0]))
                          : "of " + std::to_string(layout.value_or("").size()) + " bytes";
    return FailedPreconditionError("metadata layout version " + got +
                                   " is not supported (this build reads " +
                                   std::to_string(kLayoutVersion) + ")");
  }
  return std::unique_ptr<MetadataStore>(new MetadataStore(kv, options));
}

// Every write of this class goes through here. Whatever the outcome (a failed
// write's is unknown), the cached records of the rows it names are dropped, so
// the next read of them goes to the engine.
Status MetadataStore::Write(const KvBatch& batch) {
  Status st = kv_->Write(batch);
  for (const KvBatch::Mutation& m : batch.mutations()) {
    std::string_view key = m.key;
    if (key.starts_with(rows::kUsers))
      users_.Invalidate(key.substr(rows::kUsers.size()));
    else if (key.starts_with(rows::kAccessKeys))
      access_keys_.Invalidate(key.substr(rows::kAccessKeys.size()));
    else if (key.starts_with(rows::kBuckets))
      buckets_.Invalidate(key.substr(rows::kBuckets.size()));
  }
  return st;
}

// ----- Users and access keys -----

Status MetadataStore::PutUser(const UserRecord& user) {
  RETURN_IF_ERROR(ValidateUserId(user.user_id));
  return Write(KvBatch().Put(rows::User(user.user_id), EncodeUser(user)));
}

Result<UserRecord> MetadataStore::GetUser(std::string_view user_id) {
  return ReadThrough(users_, user_id, [&]() -> Result<UserRecord> {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(rows::User(user_id)));
    if (!bytes.has_value()) return NotFoundError("no user " + PrintableKey(user_id));
    return DecodeUser(*bytes);
  });
}

Result<std::vector<UserRecord>> MetadataStore::ListUsers() {
  std::vector<UserRecord> users;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, rows::kUsers, [&](const KvPair& row) -> Status {
    ASSIGN_OR_RETURN(UserRecord user, DecodeUser(row.value));
    users.push_back(std::move(user));
    return Status::Ok();
  }));
  return users;
}

Status MetadataStore::PutAccessKey(const AccessKeyRecord& key) {
  if (key.access_key_id.empty()) return InvalidArgumentError("empty access key id");
  RETURN_IF_ERROR(GetUser(key.user_id).status().WithContext("access key's user"));
  return Write(KvBatch().Put(rows::AccessKey(key.access_key_id), EncodeAccessKey(key)));
}

Result<AccessKeyRecord> MetadataStore::GetAccessKey(std::string_view access_key_id) {
  return ReadThrough(access_keys_, access_key_id, [&]() -> Result<AccessKeyRecord> {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(rows::AccessKey(access_key_id)));
    if (!bytes.has_value()) {
      return NotFoundError("no access key " + PrintableKey(access_key_id))
          .WithReason(kInvalidAccessKeyId);
    }
    return DecodeAccessKey(*bytes);
  });
}

Result<std::vector<AccessKeyRecord>> MetadataStore::ListAccessKeys(std::string_view user_id) {
  std::vector<AccessKeyRecord> keys;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, rows::kAccessKeys, [&](const KvPair& row) -> Status {
    ASSIGN_OR_RETURN(AccessKeyRecord key, DecodeAccessKey(row.value));
    if (key.user_id == user_id) keys.push_back(std::move(key));
    return Status::Ok();
  }));
  return keys;
}

Status MetadataStore::DeleteAccessKey(std::string_view access_key_id) {
  const std::string row = rows::AccessKey(access_key_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(row));
    if (!bytes.has_value())
      return NotFoundError("no access key " + PrintableKey(access_key_id))
          .WithReason("NoSuchAccessKey");
    Status st = Write(KvBatch().Expect(row, bytes).Delete(row));
    if (!IsConditionFailed(st)) return st;  // else replaced meanwhile: look again
    std::this_thread::yield();
  }
  return TooMuchContention("delete access key " + PrintableKey(access_key_id));
}

Status MetadataStore::DeleteUser(std::string_view user_id) {
  const std::string row = rows::User(user_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<std::string> user, kv_->Get(row));
    if (!user.has_value())
      return NotFoundError("no user " + PrintableKey(user_id)).WithReason("NoSuchUser");
    ASSIGN_OR_RETURN(std::vector<BucketRecord> owned, ListBuckets(user_id));
    if (!owned.empty())
      return FailedPreconditionError("user " + PrintableKey(user_id) + " owns " +
                                     std::to_string(owned.size()) + " bucket(s), " +
                                     PrintableKey(owned.front().name) + " first")
          .WithReason("UserHasBuckets");
    ASSIGN_OR_RETURN(std::vector<AccessKeyRecord> keys, ListAccessKeys(user_id));
    KvBatch batch;
    batch.Expect(row, user).Delete(row);
    for (const auto& k : keys) batch.Delete(rows::AccessKey(k.access_key_id));
    Status st = Write(batch);
    if (!IsConditionFailed(st)) return st;  // else changed meanwhile: look again
    std::this_thread::yield();
  }
  return TooMuchContention("delete user " + PrintableKey(user_id));
}

// ----- Buckets -----

Result<MetadataStore::BucketRow> MetadataStore::ReadBucketRow(std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(rows::Bucket(name)));
  if (!bytes.has_value()) {
    return NotFoundError("no bucket " + PrintableKey(name)).WithReason(kNoSuchBucket);
  }
  ASSIGN_OR_RETURN(BucketRecord record, DecodeBucket(*bytes));
  return BucketRow{std::move(*bytes), std::move(record)};
}

Result<uint64_t> MetadataStore::NextBucketId() {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(rows::kBucketIdSequence));
    uint64_t last = 0;
    if (bytes.has_value() && !rows::DecodeU64(*bytes, &last)) {
      return DataLossError("bucket id sequence row holds " + std::to_string(bytes->size()) +
                           " bytes (8 expected)");
    }
    Status st = kv_->CompareAndSet(rows::kBucketIdSequence, bytes, rows::EncodeU64(last + 1));
    if (st.ok()) return last + 1;
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("allocate a bucket id");
}

Result<BucketRecord> MetadataStore::CreateBucket(const BucketRecord& bucket) {
  RETURN_IF_ERROR(ValidateBucketName(bucket.name));
  RETURN_IF_ERROR(ValidateUserId(bucket.owner_user_id));
  BucketRecord record = bucket;
  ASSIGN_OR_RETURN(record.bucket_id, NextBucketId());
  KvBatch batch;
  batch.Expect(rows::Bucket(record.name), std::nullopt)
      .Put(rows::Bucket(record.name), EncodeBucket(record))
      .Put(rows::OwnerBucket(record.owner_user_id, record.name), "");
  Status st = Write(batch);
  if (st.ok()) return record;
  if (!IsConditionFailed(st)) return st;
  // Someone holds the name (the id just taken is skipped: ids need only be unique).
  auto existing = GetBucket(record.name);
  bool ours = existing.ok() && existing->owner_user_id == record.owner_user_id;
  return AlreadyExistsError("bucket " + PrintableKey(record.name) + " exists")
      .WithReason(ours ? kBucketAlreadyOwnedByYou : kBucketAlreadyExists);
}

Result<BucketRecord> MetadataStore::GetBucket(std::string_view name) {
  return ReadThrough(buckets_, name, [&]() -> Result<BucketRecord> {
    ASSIGN_OR_RETURN(BucketRow row, ReadBucketRow(name));
    return std::move(row.record);
  });
}

Status MetadataStore::PutBucket(const BucketRecord& bucket, const BucketCondition& condition) {
  RETURN_IF_ERROR(ValidateUserId(bucket.owner_user_id));
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(BucketRow current, ReadBucketRow(bucket.name));
    if (condition) RETURN_IF_ERROR(condition(current.record));
    BucketRecord next = bucket;
    next.bucket_id = current.record.bucket_id;
    KvBatch batch;
    batch.Expect(rows::Bucket(bucket.name), current.bytes)
        .Put(rows::Bucket(bucket.name), EncodeBucket(next));
    if (next.owner_user_id != current.record.owner_user_id) {
      batch.Delete(rows::OwnerBucket(current.record.owner_user_id, bucket.name))
          .Put(rows::OwnerBucket(next.owner_user_id, bucket.name), "");
    }
    Status st = Write(batch);
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("update bucket " + PrintableKey(bucket.name));
}

Status MetadataStore::DeleteBucket(std::string_view name, int64_t now_micros) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(BucketRow current, ReadBucketRow(name));
    const uint64_t id = current.record.bucket_id;
    const std::string objects = rows::Objects(id);
    ASSIGN_OR_RETURN(std::vector<KvPair> first,
                     kv_->Scan(objects, rows::PrefixSuccessor(objects), 1));
    if (!first.empty()) {
      return FailedPreconditionError("bucket " + PrintableKey(name) + " is not empty")
          .WithReason(kBucketNotEmpty);
    }
    KvBatch batch;
    batch.Expect(rows::Bucket(name), current.bytes)
        .Delete(rows::Bucket(name))
        .Delete(rows::OwnerBucket(current.record.owner_user_id, name))
        .Delete(rows::Usage(id))
        .Put(rows::DeletedBucket(id), rows::EncodeU64(static_cast<uint64_t>(now_micros)));
    Status st = Write(batch);
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("delete bucket " + PrintableKey(name));
}

Result<DeletedBucketCleanup> MetadataStore::DeleteRowsOfDeletedBuckets(
    int64_t settled_before_micros) {
  constexpr size_t kRowsPerBatch = 1000;
  DeletedBucketCleanup done;
  std::vector<KvPair> markers;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, rows::kDeletedBuckets, [&](const KvPair& row) {
    markers.push_back(row);
    return Status::Ok();
  }));
  for (const KvPair& marker : markers) {
    uint64_t id = 0, deleted_micros = 0;
    if (marker.key.size() != 9 || !rows::BucketIdOfRow(marker.key, &id))
      return DataLossError("deleted-bucket row " + PrintableKey(marker.key) + " has a key of " +
                           std::to_string(marker.key.size()) + " bytes (9 expected)");
    if (!rows::DecodeU64(marker.value, &deleted_micros))
      return DataLossError("deleted-bucket row " + PrintableKey(marker.key) + " holds " +
                           std::to_string(marker.value.size()) + " bytes (8 expected)");
    done.buckets++;
    for (const std::string& prefix : rows::BucketIdPrefixes(id)) {
      const std::string end = rows::PrefixSuccessor(prefix);
      for (;;) {
        ASSIGN_OR_RETURN(std::vector<KvPair> left, kv_->Scan(prefix, end, kRowsPerBatch));
        if (left.empty()) break;
        KvBatch batch;
        for (const KvPair& row : left) batch.Delete(row.key);
        RETURN_IF_ERROR(Write(batch));
        done.rows += left.size();
      }
    }
    if (static_cast<int64_t>(deleted_micros) < settled_before_micros) {
      RETURN_IF_ERROR(Write(KvBatch().Delete(marker.key)));
      done.markers_removed++;
    }
  }
  return done;
}

Result<std::vector<BucketRecord>> MetadataStore::ListBuckets(std::string_view owner_user_id) {
  RETURN_IF_ERROR(ValidateUserId(owner_user_id));
  const std::string prefix = rows::OwnerBuckets(owner_user_id);
  std::vector<BucketRecord> buckets;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, prefix, [&](const KvPair& row) -> Status {
    auto bucket = GetBucket(std::string_view(row.key).substr(prefix.size()));
    // An index row without its bucket (or with a new owner's) is one a racing
    // delete or update is about to remove: not a bucket of this owner.
    if (bucket.status().code() == Code::kNotFound) return Status::Ok();
    RETURN_IF_ERROR(bucket.status());
    if (bucket->owner_user_id == owner_user_id) buckets.push_back(std::move(*bucket));
    return Status::Ok();
  }));
  return buckets;
}

Result<std::vector<BucketRecord>> MetadataStore::ListAllBuckets() {
  std::vector<BucketRecord> buckets;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, rows::kBuckets, [&](const KvPair& row) -> Status {
    ASSIGN_OR_RETURN(BucketRecord bucket, DecodeBucket(row.value));
    buckets.push_back(std::move(bucket));
    return Status::Ok();
  }));
  return buckets;
}

Result<UsageRecord> MetadataStore::GetUsage(std::string_view bucket) {
  ASSIGN_OR_RETURN(BucketRecord record, GetBucket(bucket));
  return GetUsage(record);
}

Result<UsageRecord> MetadataStore::GetUsage(const BucketRecord& bucket) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(rows::Usage(bucket.bucket_id)));
  if (!bytes.has_value()) return UsageRecord{};
  auto usage = DecodeUsage(*bytes);
  if (!usage.ok()) return usage.status().WithContext("bucket " + PrintableKey(bucket.name));
  return usage;
}

Result<UsageRecord> MetadataStore::RecountUsage(std::string_view bucket) {
  ASSIGN_OR_RETURN(BucketRecord record, GetBucket(bucket));
  const std::string prefix = rows::Objects(record.bucket_id);
  UsageRecord usage;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, prefix, [&](const KvPair& row) -> Status {
    ASSIGN_OR_RETURN(ObjectRecord object,
                     DecodeObject(std::string_view(row.key).substr(prefix.size()), row.value));
    usage.bytes += static_cast<int64_t>(object.size);
    usage.objects += 1;
    return Status::Ok();
  }));
  return usage;
}

}  // namespace bale::meta
