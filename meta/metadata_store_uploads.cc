// MetadataStore: multipart uploads ('M' rows, with an 'N' index row by key
// written and deleted in the same batches) and their parts ('P' rows).
//
// Every write Expects the upload row as read, so a part is never written
// after its upload was completed or aborted. Completing and aborting also
// Expect every part row they read; a part committed between their scan and
// their write (its upload row was still there) is swept right after, since
// no part can be added once the upload row is gone.
#include <thread>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"

namespace bale::meta {
namespace {

constexpr std::string_view kNoSuchUpload = "NoSuchUpload";
constexpr size_t kMaxUploadIdBytes = 256;

Status NoSuchUpload(std::string_view upload_id) {
  return NotFoundError("no upload " + PrintableKey(upload_id)).WithReason(kNoSuchUpload);
}

Status CheckUploadId(std::string_view upload_id) {
  if (upload_id.empty() || upload_id.size() > kMaxUploadIdBytes ||
      upload_id.find('\0') != std::string_view::npos)
    return NoSuchUpload(upload_id);
  return Status::Ok();
}

struct UploadRow {
  std::string bytes;
  UploadRecord record;
};

Result<UploadRow> ReadUploadRow(KvStore& kv, uint64_t bucket_id, std::string_view upload_id) {
  RETURN_IF_ERROR(CheckUploadId(upload_id));
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv.Get(rows::Upload(bucket_id, upload_id)));
  if (!bytes.has_value()) return NoSuchUpload(upload_id);
  auto record = DecodeUpload(*bytes);
  if (!record.ok()) return record.status().WithContext("upload " + PrintableKey(upload_id));
  return UploadRow{std::move(*bytes), std::move(*record)};
}

struct PartRows {
  std::vector<KvPair> rows;
  std::vector<PartRecord> records;
};

Result<PartRows> ReadPartRows(KvStore& kv, uint64_t bucket_id, std::string_view upload_id) {
  PartRows out;
  RETURN_IF_ERROR(
      ForEachRowWithPrefix(kv, rows::Parts(bucket_id, upload_id), [&](const KvPair& row) -> Status {
        auto part = DecodePart(row.value);
        if (!part.ok()) return part.status().WithContext("part row " + PrintableKey(row.key));
        out.rows.push_back(row);
        out.records.push_back(std::move(*part));
        return Status::Ok();
      }));
  return out;
}

// Deletes parts committed after the upload row was read (see the top).
Status SweepStragglers(KvStore& kv, uint64_t bucket_id, std::string_view upload_id,
                       std::vector<PartRecord>* deleted) {
  ASSIGN_OR_RETURN(PartRows left, ReadPartRows(kv, bucket_id, upload_id));
  for (size_t i = 0; i < left.rows.size(); ++i) {
    Status st = kv.CompareAndSet(left.rows[i].key, left.rows[i].value, std::nullopt);
    if (st.ok())
      deleted->push_back(std::move(left.records[i]));
    else if (!IsConditionFailed(st))
      return st;
  }
  return Status::Ok();
}

// Deletes the upload row, its index row and the parts read.
void DeleteRows(uint64_t bucket_id, const UploadRow& upload, const std::string& upload_row,
                const PartRows& parts, KvBatch* batch) {
  batch->Expect(upload_row, upload.bytes).Delete(upload_row);
  batch->Delete(rows::UploadByKey(bucket_id, upload.record.key, upload.record.initiated_micros,
                                  upload.record.upload_id));
  for (const KvPair& row : parts.rows) batch->Expect(row.key, row.value).Delete(row.key);
}

Status TooMuchContention(std::string_view what, std::string_view id) {
  return AbortedError(std::string(what) + " " + PrintableKey(id) + ": gave up after " +
                      std::to_string(MetadataStore::kMaxAttempts) +
                      " attempts lost to concurrent writers");
}

}  // namespace

Status MetadataStore::CreateUpload(std::string_view bucket, const UploadRecord& upload) {
  if (CheckUploadId(upload.upload_id).code() != Code::kOk)
    return InvalidArgumentError("bad upload id " + PrintableKey(upload.upload_id));
  if (upload.key.empty()) return InvalidArgumentError("empty object key");
  if (upload.key.size() > kMaxObjectKeyBytes)
    return InvalidArgumentError("object key of " + std::to_string(upload.key.size()) +
                                " bytes exceeds " + std::to_string(kMaxObjectKeyBytes))
        .WithReason("KeyTooLongError");
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  const std::string row = rows::Upload(b.bucket_id, upload.upload_id);
  const std::string encoded = EncodeUpload(upload);
  const std::string index_row =
      rows::UploadByKey(b.bucket_id, upload.key, upload.initiated_micros, upload.upload_id);
  Status st = Write(KvBatch().Expect(row, std::nullopt).Put(row, encoded).Put(index_row, encoded));
  if (IsConditionFailed(st))
    return AlreadyExistsError("upload " + PrintableKey(upload.upload_id) + " exists");
  return st;
}

Result<UploadRecord> MetadataStore::GetUpload(std::string_view bucket, std::string_view upload_id) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  ASSIGN_OR_RETURN(UploadRow row, ReadUploadRow(*kv_, b.bucket_id, upload_id));
  return std::move(row.record);
}

Result<std::optional<PartRecord>> MetadataStore::PutPart(std::string_view bucket,
                                                         std::string_view upload_id,
                                                         const PartRecord& part) {
  if (part.part_number == 0 || part.part_number > kMaxPartNumber)
    return InvalidArgumentError("part number " + std::to_string(part.part_number) +
                                " out of range");
  uint64_t chunk_bytes = 0;
  for (const Chunk& c : part.chunks) chunk_bytes += c.size;
  if (chunk_bytes != part.size) return InvalidArgumentError("part chunks do not add up");
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  const std::string upload_row = rows::Upload(b.bucket_id, upload_id);
  const std::string row = rows::Part(b.bucket_id, upload_id, part.part_number);
  const std::string encoded = EncodePart(part);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(UploadRow upload, ReadUploadRow(*kv_, b.bucket_id, upload_id));
    ASSIGN_OR_RETURN(std::optional<std::string> old_bytes, kv_->Get(row));
    std::optional<PartRecord> old;
    if (old_bytes) {
      auto decoded = DecodePart(*old_bytes);
      if (!decoded.ok()) return decoded.status().WithContext("part row " + PrintableKey(row));
      old = std::move(*decoded);
    }
    KvBatch batch;
    batch.Expect(upload_row, upload.bytes).Expect(row, old_bytes).Put(row, encoded);
    Status st = Write(batch);
    if (st.ok()) return old;
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("put part of upload", upload_id);
}

Result<PartListing> MetadataStore::ListParts(std::string_view bucket, std::string_view upload_id,
                                             uint32_t part_number_marker, size_t max_parts) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  ASSIGN_OR_RETURN(UploadRow upload, ReadUploadRow(*kv_, b.bucket_id, upload_id));
  PartListing listing;
  if (max_parts == 0 || part_number_marker >= kMaxPartNumber) return listing;
  const std::string start = rows::Part(b.bucket_id, upload_id, part_number_marker + 1);
  const std::string end = rows::PrefixSuccessor(rows::Parts(b.bucket_id, upload_id));
  ASSIGN_OR_RETURN(std::vector<KvPair> found, kv_->Scan(start, end, max_parts + 1));
  for (const KvPair& row : found) {
    if (listing.parts.size() == max_parts) {
      listing.is_truncated = true;
      listing.next_part_number_marker = listing.parts.back().part_number;
      break;
    }
    auto part = DecodePart(row.value);
    if (!part.ok()) return part.status().WithContext("part row " + PrintableKey(row.key));
    listing.parts.push_back(std::move(*part));
  }
  return listing;
}

Result<std::vector<PartRecord>> MetadataStore::DeleteUpload(std::string_view bucket,
                                                            std::string_view upload_id) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  const std::string upload_row = rows::Upload(b.bucket_id, upload_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(UploadRow upload, ReadUploadRow(*kv_, b.bucket_id, upload_id));
    ASSIGN_OR_RETURN(PartRows parts, ReadPartRows(*kv_, b.bucket_id, upload_id));
    KvBatch batch;
    DeleteRows(b.bucket_id, upload, upload_row, parts, &batch);
    Status st = Write(batch);
    if (st.ok()) {
      RETURN_IF_ERROR(SweepStragglers(*kv_, b.bucket_id, upload_id, &parts.records));
      return std::move(parts.records);
    }
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("abort upload", upload_id);
}

Result<CompletedUpload> MetadataStore::CompleteUpload(std::string_view bucket,
                                                      std::string_view upload_id,
                                                      const UploadBuilder& build,
                                                      const ObjectCondition& condition) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  const std::string upload_row = rows::Upload(b.bucket_id, upload_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(UploadRow upload, ReadUploadRow(*kv_, b.bucket_id, upload_id));
    ASSIGN_OR_RETURN(PartRows parts, ReadPartRows(*kv_, b.bucket_id, upload_id));
    CompletedUpload done;
    auto built = build(upload.record, parts.records);
    if (!built.ok()) {
      // The parts were read after the upload: an abort in between leaves none.
      // The builder's verdict stands only if the upload is still as read;
      // otherwise look again (and find it gone: NoSuchUpload).
      ASSIGN_OR_RETURN(std::optional<std::string> now, kv_->Get(upload_row));
      if (now != upload.bytes) continue;
      return built.status();
    }
    done.object = std::move(*built);
    done.object.key = upload.record.key;
    uint64_t chunk_bytes = 0;
    for (const Chunk& c : done.object.chunks) chunk_bytes += c.size;
    if (chunk_bytes != done.object.size)
      return InvalidArgumentError("completed object's chunks do not add up to its size");
    const std::string object_row = rows::Object(b.bucket_id, done.object.key);
    ASSIGN_OR_RETURN(std::optional<std::string> old_bytes, kv_->Get(object_row));
    if (old_bytes) {
      auto old = DecodeObject(done.object.key, *old_bytes);
      if (!old.ok()) return old.status().WithContext("object " + PrintableKey(done.object.key));
      done.replaced = std::move(*old);
    }
    // Atomic with the write: the batch expects the row as it was read.
    if (condition) RETURN_IF_ERROR(condition(done.replaced));
    KvBatch batch;
    DeleteRows(b.bucket_id, upload, upload_row, parts, &batch);
    batch.Expect(object_row, old_bytes).Put(object_row, EncodeObject(done.object));
    const int64_t delta[] = {static_cast<int64_t>(done.object.size) -
                                 (done.replaced ? static_cast<int64_t>(done.replaced->size) : 0),
                             done.replaced ? 0 : 1};
    if (delta[0] != 0 || delta[1] != 0) batch.AddToCounters(rows::Usage(b.bucket_id), delta);
    Status st = Write(batch);
    if (st.ok()) {
      done.parts = std::move(parts.records);
      RETURN_IF_ERROR(SweepStragglers(*kv_, b.bucket_id, upload_id, &done.parts));
      return done;
    }
    if (!IsConditionFailed(st)) return st;
    std::this_thread::yield();
  }
  return TooMuchContention("complete upload", upload_id);
}

}  // namespace bale::meta
