// MetadataStore: Bale's metadata as typed operations (users, access keys,
// buckets, objects, usage counters) over any KvStore, in the row layout of
// row_keys.h (docs/formats/metadata.md).
//
// Errors carry S3 error codes as reasons for the gateway's error table:
// NOT_FOUND/"NoSuchBucket", NOT_FOUND/"NoSuchKey", NOT_FOUND/"InvalidAccessKeyId",
// ALREADY_EXISTS/"BucketAlreadyExists" or "BucketAlreadyOwnedByYou",
// FAILED_PRECONDITION/"BucketNotEmpty", INVALID_ARGUMENT/"KeyTooLongError",
// NOT_FOUND/"NoSuchUpload".
// A corrupt record is DATA_LOSS naming its row.
//
// Concurrency: every read-modify-write is optimistic. It reads the row, then
// writes one batch that Expects the row unchanged; if another writer got there
// first (ConditionFailed) it reads again, up to kMaxAttempts (then ABORTED:
// "redo the whole request"). A bucket's usage counter changes in the same
// batch as the object row, by a commutative add of (size delta, count delta)
// computed from the row the batch Expects; so racing PutObject and
// DeleteObject calls on one key count each replacement exactly once, and
// writers of different keys never wait for each other (no per-bucket lock).
//
// Thread-safety: every method may be called concurrently. The KvStore is not
// owned and must outlive this object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "meta/kv_store.h"
#include "meta/record_cache.h"
#include "meta/records.h"

namespace bale::meta {

inline constexpr size_t kMaxObjectKeyBytes = 1024;  // S3's limit, in UTF-8 bytes
inline constexpr uint8_t kLayoutVersion = 1;

struct MetadataStoreOptions {
  // Entries in each of the access key, user and bucket caches (record_cache.h);
  // 0 turns caching off. Caching is exact only while this MetadataStore is the
  // one writer of its KvStore.
  size_t cache_entries = 65536;
};

// What DeleteRowsOfDeletedBuckets did.
struct DeletedBucketCleanup {
  uint64_t buckets = 0;  // deleted buckets looked at (markers found)
  uint64_t rows = 0;     // rows deleted under their ids
  uint64_t markers_removed = 0;
};

struct ListObjectsOptions {
  std::string prefix;
  std::string delimiter;    // empty: no common prefixes
  std::string start_after;  // exclusive: the v1 marker, v2 start-after or continuation
  size_t max_keys = 1000;   // the gateway caps it at 1000
};

// Contents and common prefixes are each in key order; merged, they are the
// listing in order, and together they are at most max_keys.
struct ObjectListing {
  std::vector<ObjectRecord> objects;
  std::vector<std::string> common_prefixes;
  // True only when another key or common prefix follows.
  bool is_truncated = false;
  // When truncated: the last key or common prefix returned (pass it back as
  // start_after). Empty otherwise.
  std::string next_marker;
};

struct PartListing {
  std::vector<PartRecord> parts;  // by part number
  bool is_truncated = false;
  uint32_t next_part_number_marker = 0;  // the last part returned, when truncated
};

struct ListUploadsOptions {
  std::string prefix;
  std::string delimiter;  // empty: no common prefixes
  // Uploads of keys after key_marker; with upload_id_marker too, also those
  // of key_marker itself initiated after that upload (S3's marker pair).
  std::string key_marker;
  std::string upload_id_marker;
  size_t max_uploads = 1000;  // the gateway caps it at 1000
};

// Uploads by key, then by initiation time (then upload id); common prefixes
// in order. Together at most max_uploads.
struct UploadListing {
  std::vector<UploadRecord> uploads;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;  // true only when another upload or prefix follows
  // When truncated: the last key or common prefix returned, and the last
  // upload's id (empty when a common prefix came last). Empty otherwise.
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// What CompleteUpload did: the object record written, the record it replaced
// (its chunks are garbage) and every part row deleted (the chunks of those
// not in `object` are garbage).
struct CompletedUpload {
  ObjectRecord object;
  std::optional<ObjectRecord> replaced;
  std::vector<PartRecord> parts;
};

class MetadataStore {
 public:
  static constexpr int kMaxAttempts = 1000;

  // Checks (or, on an empty store, writes) the layout version row.
  // FAILED_PRECONDITION for a layout this build cannot read.
  // Access keys, users and buckets are cached (MetadataStoreOptions).
  static Result<std::unique_ptr<MetadataStore>> Open(KvStore* kv,
                                                     const MetadataStoreOptions& options = {});

  // Users and access keys. Put* create or replace.
  Status PutUser(const UserRecord& user);
  Result<UserRecord> GetUser(std::string_view user_id);
  Result<std::vector<UserRecord>> ListUsers();  // by user id
  // NOT_FOUND if key.user_id names no user.
  Status PutAccessKey(const AccessKeyRecord& key);
  Result<AccessKeyRecord> GetAccessKey(std::string_view access_key_id);
  // The user's keys, by key id.
  Result<std::vector<AccessKeyRecord>> ListAccessKeys(std::string_view user_id);
  // NOT_FOUND ("NoSuchAccessKey") if there is no such key.
  Status DeleteAccessKey(std::string_view access_key_id);
  // Deletes a user and all its keys. NOT_FOUND ("NoSuchUser"); FAILED_PRECONDITION
  // ("UserHasBuckets") while it owns a bucket.
  Status DeleteUser(std::string_view user_id);

  // Buckets. CreateBucket assigns bucket_id and returns the stored record.
  Result<BucketRecord> CreateBucket(const BucketRecord& bucket);
  Result<BucketRecord> GetBucket(std::string_view name);
  // Replaces an existing bucket's record; its bucket_id is kept. A
  // `condition` is called with the current record and checked atomically with
  // the write (as PutObject's), e.g. to refuse when the bucket was deleted and
  // created again by someone else since it was read.
  using BucketCondition = std::function<Status(const BucketRecord& current)>;
  Status PutBucket(const BucketRecord& bucket, const BucketCondition& condition = nullptr);
  // Refuses a bucket with objects (BucketNotEmpty). Open uploads do not stop
  // it (S3 deletes them with the bucket); their rows, and any row a write
  // racing the deletion commits under the old bucket id, are left behind with
  // a marker saying the id died at `now_micros`, for DeleteRowsOfDeletedBuckets.
  Status DeleteBucket(std::string_view name, int64_t now_micros);
  // Deletes every row left under the id of a deleted bucket (usage counters,
  // objects, uploads, parts, upload index). A marker is removed too, once its
  // rows are gone, when the bucket was deleted before `settled_before_micros`:
  // the caller's promise that no write can commit under that id any more
  // (the gateway refuses commits whose data is older than half the orphan
  // grace, so it passes now − grace). Other markers stay for the next call.
  Result<DeletedBucketCleanup> DeleteRowsOfDeletedBuckets(int64_t settled_before_micros);
  Result<std::vector<BucketRecord>> ListBuckets(std::string_view owner_user_id);  // by name
  Result<std::vector<BucketRecord>> ListAllBuckets();                            // by name
  // The bucket's counters, kept exact by PutObject and DeleteObject.
  Result<UsageRecord> GetUsage(std::string_view bucket);
  // The same for a bucket record already read (one row read, not two).
  Result<UsageRecord> GetUsage(const BucketRecord& bucket);
  // The counters recomputed by scanning every object row (for checks and repair).
  Result<UsageRecord> RecountUsage(std::string_view bucket);

  // Objects. The caller has written the chunks' needles first. Returns the
  // record replaced, if any: its chunks are now garbage. A `condition` (S3's
  // If-Match / If-None-Match) is called with the current record (nullopt:
  // none) and checked atomically with the write: if it returns an error,
  // nothing is written and that error is returned. It may be called more than
  // once (once per attempt).
  using ObjectCondition = std::function<Status(const std::optional<ObjectRecord>& current)>;
  Result<std::optional<ObjectRecord>> PutObject(std::string_view bucket, const ObjectRecord& object,
                                                const ObjectCondition& condition = nullptr);
  Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key);
  // Returns the record deleted (its chunks are garbage); NoSuchKey if none.
  // `condition` as in PutObject, called only when the object exists.
  Result<ObjectRecord> DeleteObject(std::string_view bucket, std::string_view key,
                                    const ObjectCondition& condition = nullptr);
  Result<ObjectListing> ListObjects(std::string_view bucket, const ListObjectsOptions& options);

  // Multipart uploads (metadata_store_uploads.cc). An unknown upload id is
  // NOT_FOUND/"NoSuchUpload". CreateUpload refuses an id in use (ALREADY_EXISTS).
  Status CreateUpload(std::string_view bucket, const UploadRecord& upload);
  Result<UploadRecord> GetUpload(std::string_view bucket, std::string_view upload_id);
  // Creates or replaces a part (the caller has written its needles); returns
  // the part replaced, if any. Atomic with the upload's existence: a part is
  // never written after its upload was completed or aborted.
  Result<std::optional<PartRecord>> PutPart(std::string_view bucket, std::string_view upload_id,
                                            const PartRecord& part);
  // Parts numbered above `part_number_marker`, at most `max_parts`.
  Result<PartListing> ListParts(std::string_view bucket, std::string_view upload_id,
                                uint32_t part_number_marker, size_t max_parts);
  // Uploads of `bucket` initiated before `micros`, at most `limit` (for the
  // expiry of abandoned uploads; metadata_store_expiry.cc).
  Result<std::vector<UploadRecord>> ListUploadsInitiatedBefore(std::string_view bucket,
                                                               int64_t micros, size_t limit);
  // S3's ListMultipartUploads (metadata_store_upload_list.cc): one range scan
  // of the 'N' index rows, jumping over the rows under each common prefix.
  Result<UploadListing> ListUploads(std::string_view bucket, const ListUploadsOptions& options);
  // Deletes the upload and its parts; returns the parts (their chunks are garbage).
  Result<std::vector<PartRecord>> DeleteUpload(std::string_view bucket, std::string_view upload_id);
  // Atomically writes the object `build` returns (called with the upload and
  // all its parts, by part number, once per attempt; its error aborts the
  // completion), updates the usage counters as PutObject, and deletes the
  // upload and part rows. `condition` as in PutObject, on the record the
  // object replaces: its error leaves the upload as it was.
  using UploadBuilder = std::function<Result<ObjectRecord>(const UploadRecord& upload,
                                                           const std::vector<PartRecord>& parts)>;
  Result<CompletedUpload> CompleteUpload(std::string_view bucket, std::string_view upload_id,
                                         const UploadBuilder& build,
                                         const ObjectCondition& condition = nullptr);

  // Calls `visit` on every chunk a record names, for the orphan sweep
  // (gateway/orphan_sweep.h): the parts' rows first, then the objects', so a
  // completion that moves chunks from parts to an object during the scan is
  // seen on one side or the other. Every record committed before the call is
  // visited; one committed during it may not be. Rows of buckets that no
  // longer exist are not: nothing can reach them (the parts of uploads left
  // open when their bucket was deleted, as S3 allows; an object committed by
  // a PutObject racing its bucket's deletion). Stops at the first error.
  Status ForEachReferencedChunk(const std::function<void(const Chunk&)>& visit);

 private:
  MetadataStore(KvStore* kv, const MetadataStoreOptions& options)
      : kv_(kv),
        access_keys_(options.cache_entries),
        users_(options.cache_entries),
        buckets_(options.cache_entries) {}

  struct BucketRow {
    std::string bytes;
    BucketRecord record;
  };
  Result<BucketRow> ReadBucketRow(std::string_view name);
  Result<uint64_t> NextBucketId();
  // kv_->Write, then the caches drop the records of the rows it names.
  Status Write(const KvBatch& batch);

  KvStore* kv_;
  RecordCache<AccessKeyRecord> access_keys_;
  RecordCache<UserRecord> users_;
  RecordCache<BucketRecord> buckets_;
};

}  // namespace bale::meta
