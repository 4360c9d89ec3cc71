#include "meta/row_keys.h"

#include <algorithm>

namespace bale::meta::rows {
namespace {

constexpr char kOwnerBucketsTag = 'I';
constexpr char kUsageTag = 'C';
constexpr char kDeletedBucketTag = 'D';
constexpr char kObjectsTag = 'O';
constexpr char kUploadsTag = 'M';
constexpr char kPartsTag = 'P';
constexpr char kUploadIndexTag = 'N';
constexpr char kEscapedZero = '\xff';   // 00 in a key is 00 FF in an index row
constexpr char kEscapedKeyEnd = '\x01';  // an escaped key ends with 00 01
constexpr char kComponentEnd = '\0';

std::string Tagged(char tag, std::string_view rest) {
  std::string out;
  out.reserve(1 + rest.size());
  out.push_back(tag);
  out.append(rest);
  return out;
}

}  // namespace

std::string User(std::string_view user_id) { return std::string(kUsers) + std::string(user_id); }
std::string AccessKey(std::string_view id) { return std::string(kAccessKeys) + std::string(id); }
std::string Bucket(std::string_view name) { return std::string(kBuckets) + std::string(name); }

std::string OwnerBuckets(std::string_view owner_user_id) {
  std::string out = Tagged(kOwnerBucketsTag, owner_user_id);
  out.push_back(kComponentEnd);
  return out;
}

std::string OwnerBucket(std::string_view owner_user_id, std::string_view bucket_name) {
  return OwnerBuckets(owner_user_id).append(bucket_name);
}

std::string Usage(uint64_t bucket_id) { return Tagged(kUsageTag, EncodeU64(bucket_id)); }
std::string DeletedBucket(uint64_t bucket_id) {
  return Tagged(kDeletedBucketTag, EncodeU64(bucket_id));
}
std::vector<std::string> BucketIdPrefixes(uint64_t bucket_id) {
  std::vector<std::string> prefixes;
  for (char tag : {kUsageTag, kObjectsTag, kUploadsTag, kPartsTag, kUploadIndexTag})
    prefixes.push_back(Tagged(tag, EncodeU64(bucket_id)));
  return prefixes;
}
std::string Objects(uint64_t bucket_id) { return Tagged(kObjectsTag, EncodeU64(bucket_id)); }
std::string Object(uint64_t bucket_id, std::string_view key) {
  return Objects(bucket_id).append(key);
}

std::string Upload(uint64_t bucket_id, std::string_view upload_id) {
  return Tagged(kUploadsTag, EncodeU64(bucket_id)).append(upload_id);
}

std::string Parts(uint64_t bucket_id, std::string_view upload_id) {
  std::string out = Tagged(kPartsTag, EncodeU64(bucket_id)).append(upload_id);
  out.push_back(kComponentEnd);
  return out;
}

std::string Part(uint64_t bucket_id, std::string_view upload_id, uint32_t part_number) {
  std::string out = Parts(bucket_id, upload_id);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((part_number >> shift) & 0xff));
  return out;
}

std::string UploadKeyPrefix(uint64_t bucket_id, std::string_view key_prefix) {
  std::string out = Tagged(kUploadIndexTag, EncodeU64(bucket_id));
  for (char c : key_prefix) {
    out.push_back(c);
    if (c == kComponentEnd) out.push_back(kEscapedZero);
  }
  return out;
}

std::string UploadsOfKey(uint64_t bucket_id, std::string_view key) {
  std::string out = UploadKeyPrefix(bucket_id, key);
  out.push_back(kComponentEnd);
  out.push_back(kEscapedKeyEnd);
  return out;
}

std::string UploadByKey(uint64_t bucket_id, std::string_view key, int64_t initiated_micros,
                        std::string_view upload_id) {
  return UploadsOfKey(bucket_id, key)
      .append(EncodeU64(static_cast<uint64_t>(std::max<int64_t>(initiated_micros, 0))))
      .append(upload_id);
}

std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

bool BucketIdOfRow(std::string_view row, uint64_t* bucket_id) {
  return row.size() >= 9 && DecodeU64(row.substr(1, 8), bucket_id);
}

bool DecodeU64(std::string_view bytes, uint64_t* v) {
  if (bytes.size() != 8) return false;
  *v = 0;
  for (char c : bytes) *v = (*v << 8) | static_cast<uint8_t>(c);
  return true;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty() && static_cast<uint8_t>(out.back()) == 0xff) out.pop_back();
  if (!out.empty()) out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) + 1);
  return out;
}

}  // namespace bale::meta::rows
