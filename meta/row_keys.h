// The row keys of the metadata (docs/formats/metadata.md, "Row keys"). One
// leading byte names the row family; families never share a prefix, so each
// is one contiguous range of the key space.
//
//   !layout                    layout version of this store (1 byte: 1)
//   !bucket_id                 last bucket id handed out (u64 big-endian)
//   U <user id>                UserRecord
//   K <access key id>          AccessKeyRecord
//   B <bucket name>            BucketRecord
//   I <owner user id> 00 <bucket name>   empty: the owner's bucket index
//   C <bucket id: u64 BE>      usage counters (bytes, objects)
//   D <bucket id: u64 BE>      deleted: when (u64 BE micros); its C, O, M, P and N rows
//                              are left for MetadataStore::DeleteRowsOfDeletedBuckets
//   O <bucket id: u64 BE> <object key>   ObjectRecord
//   M <bucket id: u64 BE> <upload id>    UploadRecord
//   P <bucket id: u64 BE> <upload id> 00 <part number: u32 BE>   PartRecord
//   N <bucket id: u64 BE> <escaped key> 00 01 <initiated: u64 BE> <upload id>
//                              UploadRecord again: the uploads by key, then
//                              initiation (ListMultipartUploads)
//
// An escaped key has each 00 byte written as 00 FF; the 00 01 that ends it
// sorts below any escaped byte, so escaped keys sort as the keys do and the
// uploads of every key with a given prefix are one range.
//
// The fixed-width bucket id ends the bucket part of an object row, so object
// keys may hold any byte and a bucket's objects sort by key in unsigned byte
// order (S3's UTF-8 binary order): ListObjects is one range scan.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bale::meta::rows {

inline constexpr std::string_view kLayout = "!layout";
inline constexpr std::string_view kBucketIdSequence = "!bucket_id";
inline constexpr std::string_view kUsers = "U";
inline constexpr std::string_view kAccessKeys = "K";
inline constexpr std::string_view kBuckets = "B";
inline constexpr std::string_view kAllObjects = "O";  // every bucket's object rows
inline constexpr std::string_view kAllParts = "P";    // every upload's part rows
inline constexpr std::string_view kDeletedBuckets = "D";  // every deleted bucket's marker

std::string User(std::string_view user_id);
std::string AccessKey(std::string_view access_key_id);
std::string Bucket(std::string_view name);
std::string OwnerBuckets(std::string_view owner_user_id);  // prefix of the owner's index rows
std::string OwnerBucket(std::string_view owner_user_id, std::string_view bucket_name);
std::string Usage(uint64_t bucket_id);
std::string DeletedBucket(uint64_t bucket_id);
// The prefixes of every row family keyed by bucket id (C, O, M, P, N), for
// one bucket id.
std::vector<std::string> BucketIdPrefixes(uint64_t bucket_id);
std::string Objects(uint64_t bucket_id);  // prefix of the bucket's object rows
std::string Object(uint64_t bucket_id, std::string_view key);
std::string Upload(uint64_t bucket_id, std::string_view upload_id);
std::string Parts(uint64_t bucket_id, std::string_view upload_id);  // prefix of its part rows
std::string Part(uint64_t bucket_id, std::string_view upload_id, uint32_t part_number);
// Upload index rows ('N'): the prefix of the uploads of every key starting
// with `key_prefix`, of the uploads of exactly `key`, and one upload's row.
// A negative initiation time counts as 0.
std::string UploadKeyPrefix(uint64_t bucket_id, std::string_view key_prefix);
std::string UploadsOfKey(uint64_t bucket_id, std::string_view key);
std::string UploadByKey(uint64_t bucket_id, std::string_view key, int64_t initiated_micros,
                        std::string_view upload_id);

// The bucket id of a row of a family keyed by one (C, D, O, M, P, N: a
// letter, then the id); false when `row` is too short to hold one.
bool BucketIdOfRow(std::string_view row, uint64_t* bucket_id);

// u64 big-endian, as in bucket ids; false when `bytes` is not 8 bytes.
std::string EncodeU64(uint64_t v);
bool DecodeU64(std::string_view bytes, uint64_t* v);

// The smallest string greater than every string that starts with `prefix`;
// empty (meaning "to the end" in KvStore::Scan) when there is none, i.e. the
// prefix is empty or all 0xFF.
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace bale::meta::rows
