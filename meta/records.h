// The metadata records and their byte encodings (docs/formats/metadata.md has
// them byte by byte). Every record starts with two bytes: its kind (the ASCII
// letter of its row family: 'U', 'K', 'B', 'O', 'M', 'P') and its format version (1);
// then its fields in a fixed order (field_coding.h). Decoding checks the kind,
// the version (objects: 1 or 2), every length against the bytes left, every enum and flag bit,
// and that no byte is left over: anything else is DATA_LOSS, never a crash or
// an out-of-bounds read.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace bale::meta {

inline constexpr uint8_t kRecordFormatVersion = 1;
// Object records with part boundaries (ObjectRecord::part_sizes) are version
// 2; without them they are still written as version 1, so both decode.
inline constexpr uint8_t kObjectPartSizesVersion = 2;
// ... and those that also name the multipart upload that completed them
// (ObjectRecord::upload_id) are version 3.
inline constexpr uint8_t kObjectUploadIdVersion = 3;
inline constexpr std::string_view kDefaultRegion = "us-east-1";
inline constexpr std::string_view kDefaultStorageClass = "STANDARD";

// Canned ACLs Bale understands, for buckets and objects.
enum class CannedAcl : uint8_t { kPrivate = 0, kPublicRead = 1 };
// Stored for the gateway's GetBucketVersioning; objects are unversioned (one
// row per key) whatever this says.
enum class Versioning : uint8_t { kOff = 0, kEnabled = 1, kSuspended = 2 };

struct UserRecord {
  std::string user_id;  // non-empty, no '\0' (it ends a row-key component)
  std::string display_name;
  bool admin = false;
  bool disabled = false;
  int64_t created_micros = 0;
  bool operator==(const UserRecord&) const = default;
};

struct AccessKeyRecord {
  std::string access_key_id;
  std::string secret_key;  // in clear: SigV4 needs it to sign
  std::string user_id;
  bool active = true;
  int64_t created_micros = 0;
  bool operator==(const AccessKeyRecord&) const = default;
};

struct BucketRecord {
  std::string name;
  // Assigned by MetadataStore::CreateBucket, unique over the store's life, so
  // the objects of a deleted bucket never show in a new one of the same name.
  uint64_t bucket_id = 0;
  std::string owner_user_id;
  int64_t created_micros = 0;
  std::string region = std::string(kDefaultRegion);
  CannedAcl acl = CannedAcl::kPrivate;
  uint64_t quota_max_bytes = 0;    // 0: no quota
  uint64_t quota_max_objects = 0;  // 0: no quota
  Versioning versioning = Versioning::kOff;
  bool operator==(const BucketRecord&) const = default;
};

// One needle holding a piece of an object's data, in object order.
struct Chunk {
  uint32_t volume_id = 0;  // logical volume
  uint64_t needle_key = 0;
  uint32_t cookie = 0;
  uint64_t size = 0;
  bool operator==(const Chunk&) const = default;
};

using NameValueList = std::vector<std::pair<std::string, std::string>>;

struct ObjectRecord {
  std::string key;  // the row key holds it; not repeated in the encoding
  uint64_t size = 0;
  // Lowercase hex MD5 without quotes ("d41d8cd98f00b204e9800998ecf8427e"), or
  // for a multipart object hex + "-" + part count. The gateway adds the quotes.
  std::string etag;
  int64_t last_modified_micros = 0;
  std::string content_type;
  std::string content_encoding;
  std::string content_disposition;
  std::string content_language;
  std::string cache_control;
  std::string expires;  // the Expires header as the client sent it
  // x-amz-meta-* headers: name without the prefix, lowercase, in order.
  NameValueList user_metadata;
  // Algorithm ("CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME") -> base64 value.
  std::map<std::string, std::string> checksums;
  CannedAcl acl = CannedAcl::kPrivate;
  NameValueList tags;
  std::string storage_class = std::string(kDefaultStorageClass);
  std::vector<Chunk> chunks;  // sizes add up to `size`
  uint32_t part_count = 0;    // 0: not a multipart object
  // A multipart object's part sizes in order (part_count of them, adding up
  // to `size`), for GetObject ?partNumber. Empty for other objects and for
  // multipart objects written before part boundaries were kept.
  std::vector<uint64_t> part_sizes;
  // The multipart upload this object was completed from, so a repeated
  // CompleteMultipartUpload (a client retrying after a lost answer) gets
  // S3's 200 again. Kept only with part_sizes; empty otherwise.
  std::string upload_id;
  bool operator==(const ObjectRecord&) const = default;
};

// A multipart upload in progress (row 'M'). `object` holds what the object
// will carry besides its data: content headers, user metadata, ACL, tags,
// storage class (its key is `key`; size, etag, chunks and checksums empty).
struct UploadRecord {
  std::string upload_id;  // non-empty, no '\0' (it ends a row-key component)
  std::string key;        // the object key
  int64_t initiated_micros = 0;
  std::string owner_user_id;
  std::string checksum_algorithm;  // x-amz-checksum-algorithm ("CRC32"...), or empty
  ObjectRecord object;
  bool operator==(const UploadRecord&) const = default;
};

inline constexpr uint32_t kMaxPartNumber = 10000;

// One uploaded part of a multipart upload (row 'P').
struct PartRecord {
  uint32_t part_number = 0;  // 1..kMaxPartNumber
  uint64_t size = 0;         // the chunk sizes add up to it
  std::string etag;          // lowercase hex MD5, no quotes
  int64_t last_modified_micros = 0;
  std::map<std::string, std::string> checksums;  // as in ObjectRecord
  std::vector<Chunk> chunks;
  bool operator==(const PartRecord&) const = default;
};

// A bucket's usage counter row. Not a versioned record: engines add to it
// without reading it (counters.h), so it is two big-endian int64 counters.
struct UsageRecord {
  int64_t bytes = 0;
  int64_t objects = 0;
  bool operator==(const UsageRecord&) const = default;
};

std::string EncodeUser(const UserRecord& user);
Result<UserRecord> DecodeUser(std::string_view bytes);

std::string EncodeAccessKey(const AccessKeyRecord& key);
Result<AccessKeyRecord> DecodeAccessKey(std::string_view bytes);

std::string EncodeBucket(const BucketRecord& bucket);
Result<BucketRecord> DecodeBucket(std::string_view bytes);

// The encoding leaves out object.key; decoding takes it from the row key.
std::string EncodeObject(const ObjectRecord& object);
Result<ObjectRecord> DecodeObject(std::string_view key, std::string_view bytes);

// The encoding keeps upload.key and upload.object (without its key).
std::string EncodeUpload(const UploadRecord& upload);
Result<UploadRecord> DecodeUpload(std::string_view bytes);

std::string EncodePart(const PartRecord& part);
Result<PartRecord> DecodePart(std::string_view bytes);

std::string EncodeUsage(const UsageRecord& usage);
// DATA_LOSS unless `bytes` is exactly two counters (16 bytes).
Result<UsageRecord> DecodeUsage(std::string_view bytes);

}  // namespace bale::meta
