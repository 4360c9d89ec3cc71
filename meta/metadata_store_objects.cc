// MetadataStore: object rows and the usage counter that moves with them.
#include <set>
#include <thread>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"

namespace bale::meta {
namespace {

constexpr std::string_view kNoSuchKey = "NoSuchKey";
constexpr std::string_view kKeyTooLong = "KeyTooLongError";

Status ValidateObject(const ObjectRecord& object) {
  if (object.key.empty()) return InvalidArgumentError("empty object key");
  if (object.key.size() > kMaxObjectKeyBytes) {
    return InvalidArgumentError("object key of " + std::to_string(object.key.size()) +
                                " bytes exceeds " + std::to_string(kMaxObjectKeyBytes))
        .WithReason(kKeyTooLong);
  }
  uint64_t chunk_bytes = 0;
  bool overflow = false;
  for (const Chunk& c : object.chunks) {
    overflow |= chunk_bytes + c.size < chunk_bytes;
    chunk_bytes += c.size;
  }
  if (overflow || chunk_bytes != object.size) {
    return InvalidArgumentError("object " + PrintableKey(object.key) + " of " +
                                std::to_string(object.size) + " bytes lists chunks of " +
                                std::to_string(chunk_bytes) + " bytes");
  }
  return Status::Ok();
}

// The object row, read and decoded, or nullopt if the key has none.
struct ObjectRow {
  std::optional<std::string> bytes;
  std::optional<ObjectRecord> record;
};

Result<ObjectRow> ReadObjectRow(KvStore& kv, const std::string& row, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv.Get(row));
  if (!bytes.has_value()) return ObjectRow{};
  auto record = DecodeObject(key, *bytes);
  if (!record.ok()) return record.status().WithContext("object " + PrintableKey(key));
  return ObjectRow{std::move(bytes), std::move(*record)};
}

// Adds what replacing `before` by `after` changes to the usage counters.
void AddUsageDelta(uint64_t bucket_id, const std::optional<ObjectRecord>& before,
                   const std::optional<ObjectRecord>& after, KvBatch* batch) {
  auto count = [](const std::optional<ObjectRecord>& o) -> int64_t { return o ? 1 : 0; };
  auto bytes = [](const std::optional<ObjectRecord>& o) -> int64_t {
    return o ? static_cast<int64_t>(o->size) : 0;
  };
  const int64_t delta[] = {bytes(after) - bytes(before), count(after) - count(before)};
  if (delta[0] != 0 || delta[1] != 0) batch->AddToCounters(rows::Usage(bucket_id), delta);
}

Status TooMuchContention(std::string_view what, std::string_view key) {
  return AbortedError(std::string(what) + " " + PrintableKey(key) + ": gave up after " +
                      std::to_string(MetadataStore::kMaxAttempts) +
                      " attempts lost to concurrent writers");
}

}  // namespace

Result<std::optional<ObjectRecord>> MetadataStore::PutObject(std::string_view bucket,
                                                             const ObjectRecord& object,
                                                             const ObjectCondition& condition) {
  RETURN_IF_ERROR(ValidateObject(object));
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  const std::string row = rows::Object(b.bucket_id, object.key);
  const std::string encoded = EncodeObject(object);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(ObjectRow old, ReadObjectRow(*kv_, row, object.key));
    // The batch Expects the row read here, so the condition holds at the write.
    if (condition) RETURN_IF_ERROR(condition(old.record));
    KvBatch batch;
    batch.Expect(row, old.bytes).Put(row, encoded);
    AddUsageDelta(b.bucket_id, old.record, object, &batch);
    Status st = Write(batch);
    if (st.ok()) return std::move(old.record);
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("put object", object.key);
}

Result<ObjectRecord> MetadataStore::GetObject(std::string_view bucket, std::string_view key) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  ASSIGN_OR_RETURN(ObjectRow row, ReadObjectRow(*kv_, rows::Object(b.bucket_id, key), key));
  if (!row.record.has_value()) {
    return NotFoundError("no object " + PrintableKey(key) + " in bucket " + PrintableKey(bucket))
        .WithReason(kNoSuchKey);
  }
  return std::move(*row.record);
}

Result<ObjectRecord> MetadataStore::DeleteObject(std::string_view bucket, std::string_view key,
                                                 const ObjectCondition& condition) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  const std::string row = rows::Object(b.bucket_id, key);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(ObjectRow old, ReadObjectRow(*kv_, row, key));
    if (!old.record.has_value()) {
      return NotFoundError("no object " + PrintableKey(key) + " in bucket " + PrintableKey(bucket))
          .WithReason(kNoSuchKey);
    }
    if (condition) RETURN_IF_ERROR(condition(old.record));
    KvBatch batch;
    batch.Expect(row, old.bytes).Delete(row);
    AddUsageDelta(b.bucket_id, old.record, std::nullopt, &batch);
    Status st = Write(batch);
    if (st.ok()) return std::move(*old.record);
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("delete object", key);
}

Status MetadataStore::ForEachReferencedChunk(const std::function<void(const Chunk&)>& visit) {
  std::set<uint64_t> live;
  ASSIGN_OR_RETURN(std::vector<BucketRecord> buckets, ListAllBuckets());
  for (const BucketRecord& b : buckets) live.insert(b.bucket_id);
  auto in_live_bucket = [&](std::string_view key) {
    uint64_t id = 0;
    return rows::BucketIdOfRow(key, &id) && live.count(id) > 0;
  };
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, rows::kAllParts, [&](const KvPair& row) -> Status {
    if (!in_live_bucket(row.key)) return Status::Ok();
    auto part = DecodePart(row.value);
    if (!part.ok()) return part.status().WithContext(PrintableKey(row.key));
    for (const Chunk& c : part->chunks) visit(c);
    return Status::Ok();
  }));
  return ForEachRowWithPrefix(*kv_, rows::kAllObjects, [&](const KvPair& row) -> Status {
    if (!in_live_bucket(row.key)) return Status::Ok();
    auto object = DecodeObject("", row.value);
    if (!object.ok()) return object.status().WithContext(PrintableKey(row.key));
    for (const Chunk& c : object->chunks) visit(c);
    return Status::Ok();
  });
}

}  // namespace bale::meta
