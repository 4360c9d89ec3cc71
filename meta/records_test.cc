#include "meta/records.h"

#include <cstdint>
#include <functional>
#include <random>

#include <doctest.h>

namespace bale::meta {
namespace {

ObjectRecord FullObject() {
  ObjectRecord o;
  o.key = "photos/2024/cat.jpg";
  o.size = 9 * 1024 * 1024 + 5;
  o.etag = "0f343b0931126a20f133d67c2b018a3b-2";
  o.last_modified_micros = 1'700'000'000'123'456;
  o.content_type = "image/jpeg";
  o.content_encoding = "gzip";
  o.content_disposition = "attachment; filename=\"cat.jpg\"";
  o.content_language = "en";
  o.cache_control = "max-age=60";
  o.expires = "Thu, 01 Dec 2094 16:00:00 GMT";
  o.user_metadata = {{"z-first", "1"}, {"a-second", std::string("\0\xff", 2)}};
  o.checksums = {{"CRC32", "AAAAAA=="}, {"SHA256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}};
  o.acl = CannedAcl::kPublicRead;
  o.tags = {{"project", "bale"}, {"", ""}};
  o.storage_class = "STANDARD_IA";
  o.chunks = {{7, 0x1234567890ull, 0xDEADBEEF, 8 * 1024 * 1024},
              {UINT32_MAX, UINT64_MAX, 0, 1024 * 1024 + 5}};
  o.part_count = 2;
  return o;
}

BucketRecord FullBucket() {
  return BucketRecord{"photos",
                      42,
                      "alice",
                      1'700'000'000'000'000,
                      "eu-west-1",
                      CannedAcl::kPublicRead,
                      1ull << 40,
                      1'000'000,
                      Versioning::kSuspended};
}

// Every proper prefix of a valid encoding, and the encoding with a byte
// appended, decode to DATA_LOSS.
void CheckTruncationsAndTrailingBytes(const std::string& bytes,
                                      const std::function<Status(std::string_view)>& decode) {
  REQUIRE(decode(bytes).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Status st = decode(std::string_view(bytes).substr(0, n));
    CHECK_MESSAGE(st.code() == Code::kDataLoss, "truncated to ", n, " bytes: ", st.ToString());
  }
  CHECK(decode(bytes + "x").code() == Code::kDataLoss);
}

// Flipping any bit either still decodes or is DATA_LOSS; never a crash.
void CheckBitFlips(const std::string& bytes,
                   const std::function<Status(std::string_view)>& decode) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      Status st = decode(flipped);
      CHECK((st.ok() || st.code() == Code::kDataLoss));
    }
  }
}

Status DecodeUserStatus(std::string_view b) { return DecodeUser(b).status(); }
Status DecodeAccessKeyStatus(std::string_view b) { return DecodeAccessKey(b).status(); }
Status DecodeBucketStatus(std::string_view b) { return DecodeBucket(b).status(); }
Status DecodeObjectStatus(std::string_view b) { return DecodeObject("k", b).status(); }

TEST_CASE("user record bytes are exactly as documented") {
  UserRecord user{"u1", "Alice", true, false, 300};
  std::string bytes = EncodeUser(user);
  CHECK(bytes == std::string("U\001\002u1\005Alice\001\xac\x02", 14));
  CHECK(DecodeUser(bytes).value() == user);
  CheckTruncationsAndTrailingBytes(bytes, DecodeUserStatus);
  CheckBitFlips(bytes, DecodeUserStatus);
}

TEST_CASE("access key record round trip, default and full") {
  for (const AccessKeyRecord& key :
       {AccessKeyRecord{},
        AccessKeyRecord{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "u1",
                        false, INT64_MAX}}) {
    std::string bytes = EncodeAccessKey(key);
    CHECK(DecodeAccessKey(bytes).value() == key);
    CheckTruncationsAndTrailingBytes(bytes, DecodeAccessKeyStatus);
  }
}

TEST_CASE("bucket record round trip, default and full") {
  BucketRecord defaults;
  CHECK(defaults.region == "us-east-1");
  for (const BucketRecord& bucket : {defaults, FullBucket()}) {
    std::string bytes = EncodeBucket(bucket);
    CHECK(DecodeBucket(bytes).value() == bucket);
    CheckTruncationsAndTrailingBytes(bytes, DecodeBucketStatus);
    CheckBitFlips(bytes, DecodeBucketStatus);
  }
}

TEST_CASE("object record round trip: empty, full, negative time, and max-size fields") {
  ObjectRecord empty;
  empty.key = "k";
  empty.storage_class = "";
  std::string empty_bytes = EncodeObject(empty);
  // kind, version, then 15 empty or zero fields and the ACL byte: one byte each.
  CHECK(empty_bytes.size() == 2 + 16);
  CHECK(DecodeObject("k", empty_bytes).value() == empty);
  CheckTruncationsAndTrailingBytes(empty_bytes, DecodeObjectStatus);

  ObjectRecord full = FullObject();
  std::string bytes = EncodeObject(full);
  CHECK(DecodeObject(full.key, bytes).value() == full);
  CheckTruncationsAndTrailingBytes(bytes, DecodeObjectStatus);
  CheckBitFlips(bytes, DecodeObjectStatus);

  ObjectRecord big = FullObject();
  big.key = std::string(1024, '\xff');
  big.last_modified_micros = -1;
  big.size = UINT64_MAX;
  big.part_count = UINT32_MAX;
  big.content_type = std::string(70'000, 'c');  // lengths past 2 bytes of varint
  for (int i = 0; i < 100; ++i) big.user_metadata.emplace_back("n" + std::to_string(i), "v");
  big.chunks.assign(10'000, Chunk{UINT32_MAX, UINT64_MAX, UINT32_MAX, UINT64_MAX});
  std::string big_bytes = EncodeObject(big);
  CHECK(DecodeObject(big.key, big_bytes).value() == big);
  CHECK(DecodeObject(big.key, big_bytes.substr(0, big_bytes.size() - 1)).status().code() ==
        Code::kDataLoss);
}

TEST_CASE("a multipart object's part sizes make a version 2 record; version 1 still decodes") {
  ObjectRecord mp = FullObject();
  mp.size = 5 + 7;
  mp.part_count = 2;
  mp.part_sizes = {5, 7};
  std::string v2 = EncodeObject(mp);
  CHECK(v2[1] == 2);
  CHECK(v2.ends_with(std::string("\x02\x02\x05\x07", 4)));  // part_count, then the list
  CHECK(DecodeObject(mp.key, v2).value() == mp);
  CheckTruncationsAndTrailingBytes(v2, DecodeObjectStatus);
  CheckBitFlips(v2, DecodeObjectStatus);

  // The same object as written before part sizes were kept: version 1.
  ObjectRecord old = mp;
  old.part_sizes.clear();
  std::string v1 = EncodeObject(old);
  CHECK(v1[1] == 1);
  CHECK(v1 == v2.substr(0, v2.size() - 3).replace(1, 1, "\x01"));
  CHECK(DecodeObject(mp.key, v1).value() == old);

  // Version 2 must carry one size per part, adding up to the size.
  std::string bad_sum = v2;
  bad_sum.back() = 8;
  CHECK(DecodeObject(mp.key, bad_sum).status().code() == Code::kDataLoss);
  std::string no_sizes = v1 + std::string(1, '\0');
  no_sizes[1] = 2;
  CHECK(DecodeObject(mp.key, no_sizes).status().code() == Code::kDataLoss);
  std::string v4 = v2;
  v4[1] = 4;
  CHECK(DecodeObject(mp.key, v4).status().message() ==
        "object record of " + std::to_string(v4.size()) +
            " bytes is corrupt: format version 4 is not supported (this build reads 1 to 3) at "
            "byte 2");
}

TEST_CASE("a completed upload's id makes a version 3 record: version 2 plus the id") {
  ObjectRecord mp = FullObject();
  mp.size = 5 + 7;
  mp.part_count = 2;
  mp.part_sizes = {5, 7};
  const std::string v2 = EncodeObject(mp);
  mp.upload_id = "3f9a";
  std::string v3 = EncodeObject(mp);
  CHECK(v3[1] == 3);
  CHECK(v3 == v2.substr(0, 1) + "\x03" + v2.substr(2) + std::string(1, '\x04') + "3f9a");
  CHECK(DecodeObject(mp.key, v3).value() == mp);
  CheckTruncationsAndTrailingBytes(v3, DecodeObjectStatus);
  CheckBitFlips(v3, DecodeObjectStatus);
  std::string empty_id = v3.substr(0, v3.size() - 5) + std::string(1, '\0');
  CHECK(DecodeObject(mp.key, empty_id).status().code() == Code::kDataLoss);
  // Without part sizes there is no version 3: the id is not kept.
  ObjectRecord plain = FullObject();
  plain.upload_id = "3f9a";
  CHECK(EncodeObject(plain)[1] == 1);
}

TEST_CASE("the key is not in the object encoding: it comes from the row key") {
  ObjectRecord o = FullObject();
  std::string bytes = EncodeObject(o);
  CHECK(bytes.find(o.key) == std::string::npos);
  CHECK(DecodeObject("other", bytes).value().key == "other");
}

TEST_CASE("wrong kind, unknown version, unknown enum values and flag bits are data loss") {
  std::string user = EncodeUser(UserRecord{"u", "", false, false, 0});
  CHECK(DecodeBucket(user).status().code() == Code::kDataLoss);
  CHECK(DecodeObject("k", user).status().message() ==
        "object record of 7 bytes is corrupt: record kind 'O' expected at byte 2");
  std::string v2 = user;
  v2[1] = 2;
  CHECK(DecodeUser(v2).status().message() ==
        "user record of 7 bytes is corrupt: format version 2 is not supported (this build "
        "reads 1) at byte 2");
  std::string flags = user;
  flags[5] = 0x04;  // flags byte after "U" 01 01 'u' 00
  CHECK(DecodeUser(flags).status().code() == Code::kDataLoss);

  std::string bucket = EncodeBucket(BucketRecord{});
  std::string bad_versioning = bucket;
  bad_versioning.back() = 3;
  CHECK(DecodeBucket(bad_versioning).status().code() == Code::kDataLoss);
}

TEST_CASE("checksum algorithms must be strictly increasing (one encoding per record)") {
  ObjectRecord o;
  o.checksums = {{"A", "1"}, {"B", "2"}};
  std::string bytes = EncodeObject(o);
  size_t at = bytes.find("\001A\0011\001B");
  REQUIRE(at != std::string::npos);
  bytes[at + 5] = 'A';  // "B" -> "A": a duplicate name
  CHECK(DecodeObject("k", bytes).status().code() == Code::kDataLoss);
}

TEST_CASE("random garbage never decodes out of bounds") {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20'000; ++i) {
    std::string garbage(rng() % 64, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    if (!garbage.empty() && i % 2 == 0) garbage[0] = "UKBO"[rng() % 4];
    if (garbage.size() > 1 && i % 4 == 0) garbage[1] = kRecordFormatVersion;
    for (auto decode :
         {DecodeUserStatus, DecodeAccessKeyStatus, DecodeBucketStatus, DecodeObjectStatus}) {
      Status st = decode(garbage);
      CHECK((st.ok() || st.code() == Code::kDataLoss));
    }
  }
}

TEST_CASE("usage is two big-endian counters") {
  UsageRecord usage{1 << 20, 3};
  std::string bytes = EncodeUsage(usage);
  CHECK(bytes == std::string("\0\0\0\0\0\x10\0\0\0\0\0\0\0\0\0\x03", 16));
  CHECK(DecodeUsage(bytes).value() == usage);
  for (size_t n = 0; n < 16; ++n) {
    CHECK(DecodeUsage(bytes.substr(0, n)).status().code() == Code::kDataLoss);
  }
  CHECK(DecodeUsage(bytes + bytes).status().code() == Code::kDataLoss);
}

}  // namespace
}  // namespace bale::meta
