#include "meta/records.h"

#include "meta/counters.h"
#include "meta/field_coding.h"

namespace bale::meta {
namespace {

constexpr uint8_t kUserKind = 'U';
constexpr uint8_t kAccessKeyKind = 'K';
constexpr uint8_t kBucketKind = 'B';
constexpr uint8_t kObjectKind = 'O';
constexpr uint8_t kUploadKind = 'M';
constexpr uint8_t kPartKind = 'P';

constexpr uint8_t kUserAdmin = 0x01;
constexpr uint8_t kUserDisabled = 0x02;
constexpr uint8_t kAccessKeyActive = 0x01;

// Smallest encodings, bounding element counts before anything is allocated.
constexpr size_t kMinPairBytes = 2;   // two empty strings
constexpr size_t kMinChunkBytes = 7;  // varint, varint, fixed32, varint

FieldWriter StartRecord(uint8_t kind, uint8_t version = kRecordFormatVersion) {
  FieldWriter w;
  w.Byte(kind);
  w.Byte(version);
  return w;
}

// Reads kind and version; returns the version (1..newest).
uint8_t ReadHeader(FieldReader& r, uint8_t kind, uint8_t newest = kRecordFormatVersion) {
  uint8_t got_kind = r.Byte();
  uint8_t version = r.Byte();
  if (!r.ok()) return 0;
  if (got_kind != kind) {
    r.Fail("record kind '" + std::string(1, static_cast<char>(kind)) + "' expected");
  } else if (version < kRecordFormatVersion || version > newest) {
    std::string readable = std::to_string(kRecordFormatVersion);
    if (newest != kRecordFormatVersion) readable += " to " + std::to_string(newest);
    r.Fail("format version " + std::to_string(version) + " is not supported (this build reads " +
           readable + ")");
  }
  return version;
}

// Flags byte: only `known` bits may be set.
uint8_t ReadFlags(FieldReader& r, uint8_t known) {
  uint8_t flags = r.Byte();
  if (flags & ~known) r.Fail("unknown flag bits");
  return flags;
}

CannedAcl ReadAcl(FieldReader& r) {
  uint8_t v = r.Byte();
  if (v > static_cast<uint8_t>(CannedAcl::kPublicRead)) r.Fail("unknown ACL");
  return static_cast<CannedAcl>(r.ok() ? v : 0);
}

Versioning ReadVersioning(FieldReader& r) {
  uint8_t v = r.Byte();
  if (v > static_cast<uint8_t>(Versioning::kSuspended)) r.Fail("unknown versioning state");
  return static_cast<Versioning>(r.ok() ? v : 0);
}

void WritePairs(FieldWriter& w, const NameValueList& pairs) {
  w.Varint(pairs.size());
  for (const auto& [name, value] : pairs) {
    w.String(name);
    w.String(value);
  }
}

NameValueList ReadPairs(FieldReader& r) {
  NameValueList pairs(r.Count(kMinPairBytes));
  for (auto& [name, value] : pairs) {
    name = r.String();
    value = r.String();
  }
  return pairs;
}

void WriteChecksums(FieldWriter& w, const std::map<std::string, std::string>& checksums) {
  w.Varint(checksums.size());
  for (const auto& [algorithm, value] : checksums) {
    w.String(algorithm);
    w.String(value);
  }
}

// Written in map order; strictly increasing names keep the encoding canonical.
std::map<std::string, std::string> ReadChecksums(FieldReader& r) {
  std::map<std::string, std::string> checksums;
  size_t n = r.Count(kMinPairBytes);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string algorithm = r.String();
    std::string value = r.String();
    if (!checksums.empty() && algorithm <= checksums.rbegin()->first) {
      r.Fail("checksum algorithms out of order");
    }
    checksums.emplace_hint(checksums.end(), std::move(algorithm), std::move(value));
  }
  return checksums;
}

void WriteChunks(FieldWriter& w, const std::vector<Chunk>& chunks) {
  w.Varint(chunks.size());
  for (const Chunk& c : chunks) {
    w.Varint(c.volume_id);
    w.Varint(c.needle_key);
    w.Fixed32(c.cookie);
    w.Varint(c.size);
  }
}

std::vector<Chunk> ReadChunks(FieldReader& r) {
  std::vector<Chunk> chunks(r.Count(kMinChunkBytes));
  for (Chunk& c : chunks) {
    c.volume_id = r.Varint32();
    c.needle_key = r.Varint();
    c.cookie = r.Fixed32();
    c.size = r.Varint();
  }
  return chunks;
}

// Version 2's part sizes: one per part (at least one), adding up to the size.
void ReadPartSizes(FieldReader& r, ObjectRecord* o) {
  o->part_sizes.resize(r.Count(1));
  uint64_t total = 0;
  for (uint64_t& size : o->part_sizes) {
    size = r.Varint();
    total += size;
  }
  if (!r.ok()) return;
  if (o->part_sizes.empty() || o->part_sizes.size() != o->part_count)
    r.Fail("part sizes do not match the part count");
  else if (total != o->size)
    r.Fail("part sizes do not add up to the size");
}

}  // namespace

std::string EncodeUser(const UserRecord& user) {
  FieldWriter w = StartRecord(kUserKind);
  w.String(user.user_id);
  w.String(user.display_name);
  w.Byte((user.admin ? kUserAdmin : 0) | (user.disabled ? kUserDisabled : 0));
  w.Varint(static_cast<uint64_t>(user.created_micros));
  return std::move(w).Finish();
}

Result<UserRecord> DecodeUser(std::string_view bytes) {
  FieldReader r(bytes, "user record");
  ReadHeader(r, kUserKind);
  UserRecord user;
  user.user_id = r.String();
  user.display_name = r.String();
  uint8_t flags = ReadFlags(r, kUserAdmin | kUserDisabled);
  user.admin = flags & kUserAdmin;
  user.disabled = flags & kUserDisabled;
  user.created_micros = static_cast<int64_t>(r.Varint());
  RETURN_IF_ERROR(r.Finish());
  return user;
}

std::string EncodeAccessKey(const AccessKeyRecord& key) {
  FieldWriter w = StartRecord(kAccessKeyKind);
  w.String(key.access_key_id);
  w.String(key.secret_key);
  w.String(key.user_id);
  w.Byte(key.active ? kAccessKeyActive : 0);
  w.Varint(static_cast<uint64_t>(key.created_micros));
  return std::move(w).Finish();
}

Result<AccessKeyRecord> DecodeAccessKey(std::string_view bytes) {
  FieldReader r(bytes, "access key record");
  ReadHeader(r, kAccessKeyKind);
  AccessKeyRecord key;
  key.access_key_id = r.String();
  key.secret_key = r.String();
  key.user_id = r.String();
  key.active = ReadFlags(r, kAccessKeyActive) & kAccessKeyActive;
  key.created_micros = static_cast<int64_t>(r.Varint());
  RETURN_IF_ERROR(r.Finish());
  return key;
}

std::string EncodeBucket(const BucketRecord& bucket) {
  FieldWriter w = StartRecord(kBucketKind);
  w.String(bucket.name);
  w.Varint(bucket.bucket_id);
  w.String(bucket.owner_user_id);
  w.Varint(static_cast<uint64_t>(bucket.created_micros));
  w.String(bucket.region);
  w.Byte(static_cast<uint8_t>(bucket.acl));
  w.Varint(bucket.quota_max_bytes);
  w.Varint(bucket.quota_max_objects);
  w.Byte(static_cast<uint8_t>(bucket.versioning));
  return std::move(w).Finish();
}

Result<BucketRecord> DecodeBucket(std::string_view bytes) {
  FieldReader r(bytes, "bucket record");
  ReadHeader(r, kBucketKind);
  BucketRecord bucket;
  bucket.name = r.String();
  bucket.bucket_id = r.Varint();
  bucket.owner_user_id = r.String();
  bucket.created_micros = static_cast<int64_t>(r.Varint());
  bucket.region = r.String();
  bucket.acl = ReadAcl(r);
  bucket.quota_max_bytes = r.Varint();
  bucket.quota_max_objects = r.Varint();
  bucket.versioning = ReadVersioning(r);
  RETURN_IF_ERROR(r.Finish());
  return bucket;
}

std::string EncodeObject(const ObjectRecord& o) {
  const uint8_t version = o.part_sizes.empty()  ? kRecordFormatVersion
                          : o.upload_id.empty() ? kObjectPartSizesVersion
                                                : kObjectUploadIdVersion;
  FieldWriter w = StartRecord(kObjectKind, version);
  w.Varint(o.size);
  w.String(o.etag);
  w.Varint(static_cast<uint64_t>(o.last_modified_micros));
  for (const std::string* header : {&o.content_type, &o.content_encoding, &o.content_disposition,
                                    &o.content_language, &o.cache_control, &o.expires}) {
    w.String(*header);
  }
  WritePairs(w, o.user_metadata);
  WriteChecksums(w, o.checksums);
  w.Byte(static_cast<uint8_t>(o.acl));
  WritePairs(w, o.tags);
  w.String(o.storage_class);
  WriteChunks(w, o.chunks);
  w.Varint(o.part_count);
  if (!o.part_sizes.empty()) {
    w.Varint(o.part_sizes.size());
    for (uint64_t size : o.part_sizes) w.Varint(size);
  }
  if (version == kObjectUploadIdVersion) w.String(o.upload_id);
  return std::move(w).Finish();
}

Result<ObjectRecord> DecodeObject(std::string_view key, std::string_view bytes) {
  FieldReader r(bytes, "object record");
  const uint8_t version = ReadHeader(r, kObjectKind, kObjectUploadIdVersion);
  ObjectRecord o;
  o.key = key;
  o.size = r.Varint();
  o.etag = r.String();
  o.last_modified_micros = static_cast<int64_t>(r.Varint());
  for (std::string* header : {&o.content_type, &o.content_encoding, &o.content_disposition,
                              &o.content_language, &o.cache_control, &o.expires}) {
    *header = r.String();
  }
  o.user_metadata = ReadPairs(r);
  o.checksums = ReadChecksums(r);
  o.acl = ReadAcl(r);
  o.tags = ReadPairs(r);
  o.storage_class = r.String();
  o.chunks = ReadChunks(r);
  o.part_count = r.Varint32();
  if (version >= kObjectPartSizesVersion) ReadPartSizes(r, &o);
  if (version == kObjectUploadIdVersion) {
    o.upload_id = r.String();
    if (r.ok() && o.upload_id.empty()) r.Fail("empty upload id");
  }
  RETURN_IF_ERROR(r.Finish());
  return o;
}

std::string EncodeUpload(const UploadRecord& u) {
  FieldWriter w = StartRecord(kUploadKind);
  w.String(u.upload_id);
  w.String(u.key);
  w.Varint(static_cast<uint64_t>(u.initiated_micros));
  w.String(u.owner_user_id);
  w.String(u.checksum_algorithm);
  w.String(EncodeObject(u.object));
  return std::move(w).Finish();
}

Result<UploadRecord> DecodeUpload(std::string_view bytes) {
  FieldReader r(bytes, "upload record");
  ReadHeader(r, kUploadKind);
  UploadRecord u;
  u.upload_id = r.String();
  u.key = r.String();
  u.initiated_micros = static_cast<int64_t>(r.Varint());
  u.owner_user_id = r.String();
  u.checksum_algorithm = r.String();
  std::string object = r.String();
  if (r.ok()) {
    auto decoded = DecodeObject(u.key, object);
    if (decoded.ok())
      u.object = std::move(*decoded);
    else
      r.Fail("embedded object record is corrupt");
  }
  RETURN_IF_ERROR(r.Finish());
  return u;
}

std::string EncodePart(const PartRecord& p) {
  FieldWriter w = StartRecord(kPartKind);
  w.Varint(p.part_number);
  w.Varint(p.size);
  w.String(p.etag);
  w.Varint(static_cast<uint64_t>(p.last_modified_micros));
  WriteChecksums(w, p.checksums);
  WriteChunks(w, p.chunks);
  return std::move(w).Finish();
}

Result<PartRecord> DecodePart(std::string_view bytes) {
  FieldReader r(bytes, "part record");
  ReadHeader(r, kPartKind);
  PartRecord p;
  p.part_number = r.Varint32();
  if (r.ok() && (p.part_number == 0 || p.part_number > kMaxPartNumber))
    r.Fail("part number out of range");
  p.size = r.Varint();
  p.etag = r.String();
  p.last_modified_micros = static_cast<int64_t>(r.Varint());
  p.checksums = ReadChecksums(r);
  p.chunks = ReadChunks(r);
  RETURN_IF_ERROR(r.Finish());
  return p;
}

std::string EncodeUsage(const UsageRecord& usage) {
  const int64_t counters[] = {usage.bytes, usage.objects};
  return EncodeCounters(counters);
}

Result<UsageRecord> DecodeUsage(std::string_view bytes) {
  constexpr size_t kUsageCounters = 2;
  if (bytes.size() != kUsageCounters * kCounterBytes) {
    return DataLossError("usage counter row of " + std::to_string(bytes.size()) +
                         " bytes (16 expected)");
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> counters, DecodeCounters(bytes));
  return UsageRecord{counters[0], counters[1]};
}

}  // namespace bale::meta
