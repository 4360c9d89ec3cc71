#include "auth/checksum.h"

#include <random>
#include <string>

#include <doctest.h>

#include "auth/crc.h"
#include "auth/encoding.h"

namespace bale::auth {
namespace {

std::string Base64Checksum(ChecksumAlgorithm algorithm, std::string_view data) {
  return Base64Encode(ComputeChecksum(algorithm, data));
}

// Bit-at-a-time reflected CRC, the definition the table code must match.
template <typename Word>
Word ReferenceCrc(Word poly, std::string_view data) {
  Word crc = ~Word{0};
  for (unsigned char c : data) {
    crc ^= c;
    for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
  }
  return ~crc;
}

TEST_CASE("CRCs match the published check values for \"123456789\"") {
  CHECK(Crc32Extend(0, "123456789", 9) == 0xCBF43926u);
  CHECK(Crc64NvmeExtend(0, "123456789", 9) == 0xAE8B14860A799888ull);
  // As S3 sends them: base64 of the big-endian bytes.
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc32, "123456789") == "y/Q5Jg==");
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc32c, "123456789") == "4waSgw==");
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc64Nvme, "123456789") == "rosUhgp5mIg=");
}

TEST_CASE("checksums of S3 examples and the empty body") {
  // The unsigned aws-chunked example body "toto\n" (boto3#4435).
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc32, "toto\n") == "+H0IvQ==");
  // AWS sigv4-streaming-trailers example: 66560 bytes of 'a'.
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc32c, std::string(66560, 'a')) == "sOO8/Q==");
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc32, "") == "AAAAAA==");
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc64Nvme, "") == "AAAAAAAAAAA=");
  CHECK(Base64Checksum(ChecksumAlgorithm::kCrc64Nvme, "Hello world") == "OOJZ0D8xKts=");
}

TEST_CASE("SHA-1, SHA-256 and MD5 match FIPS and RFC 1321 vectors") {
  CHECK(HexEncode(ComputeChecksum(ChecksumAlgorithm::kSha1, "abc")) ==
        "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(HexEncode(ComputeChecksum(ChecksumAlgorithm::kSha256, "abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HexEncode(Md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(HexEncode(Md5("message digest")) == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(Base64Encode(Md5("")) == "1B2M2Y8AsgTpgAmY7PhCfg==");  // Content-MD5 form
}

TEST_CASE("table CRCs equal the bitwise definition at every length and alignment") {
  std::mt19937 rng(7);
  std::string data(1000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t start : {0u, 1u, 3u, 7u}) {
    for (size_t len = 0; start + len <= data.size(); len += (len < 40 ? 1 : 97)) {
      std::string_view piece(data.data() + start, len);
      CHECK(Crc32Extend(0, piece.data(), piece.size()) ==
            ReferenceCrc<uint32_t>(0xEDB88320u, piece));
      CHECK(Crc64NvmeExtend(0, piece.data(), piece.size()) ==
            ReferenceCrc<uint64_t>(0x9A6C9329AC4BC9B5ull, piece));
    }
  }
}

TEST_CASE("every hasher gives the same digest however the input is split") {
  std::string data;
  for (int i = 0; i < 5000; i++) data.push_back(static_cast<char>(i * 31 + 7));
  for (ChecksumAlgorithm a :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
        ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    std::string whole = ComputeChecksum(a, data);
    CHECK(whole.size() == ChecksumDigestSize(a));
    auto hasher = NewHasher(a);
    for (size_t pos = 0, step = 1; pos < data.size(); pos += step, step = step * 3 % 1021 + 1) {
      hasher->Update(std::string_view(data).substr(pos, step));
    }
    CHECK(hasher->Finish() == whole);
    // Finish() resets: the hasher is reusable.
    hasher->Update(data);
    CHECK(hasher->Finish() == whole);
  }
}

TEST_CASE("algorithms parse from header names and x-amz-sdk-checksum-algorithm values") {
  CHECK(ChecksumAlgorithmFromHeaderName("x-amz-checksum-crc32") == ChecksumAlgorithm::kCrc32);
  CHECK(ChecksumAlgorithmFromHeaderName("X-Amz-Checksum-CRC32C") == ChecksumAlgorithm::kCrc32c);
  CHECK(ChecksumAlgorithmFromHeaderName("x-amz-checksum-crc64nvme") ==
        ChecksumAlgorithm::kCrc64Nvme);
  CHECK(ChecksumAlgorithmFromHeaderName("x-amz-checksum-sha1") == ChecksumAlgorithm::kSha1);
  CHECK(ChecksumAlgorithmFromHeaderName("x-amz-checksum-sha256") == ChecksumAlgorithm::kSha256);
  CHECK(!ChecksumAlgorithmFromHeaderName("x-amz-checksum-md5"));
  CHECK(!ChecksumAlgorithmFromHeaderName("x-amz-checksum-type"));
  CHECK(ChecksumAlgorithmFromName("CRC32") == ChecksumAlgorithm::kCrc32);
  CHECK(ChecksumAlgorithmFromName("CRC32C") == ChecksumAlgorithm::kCrc32c);
  CHECK(ChecksumAlgorithmFromName("CRC64NVME") == ChecksumAlgorithm::kCrc64Nvme);
  CHECK(ChecksumAlgorithmFromName("SHA1") == ChecksumAlgorithm::kSha1);
  CHECK(ChecksumAlgorithmFromName("sha256") == ChecksumAlgorithm::kSha256);
  CHECK(!ChecksumAlgorithmFromName("MD5"));
  CHECK(ChecksumHeaderName(ChecksumAlgorithm::kCrc64Nvme) == "x-amz-checksum-crc64nvme");
  CHECK(ChecksumAlgorithmName(ChecksumAlgorithm::kCrc32c) == "CRC32C");
}

}  // namespace
}  // namespace bale::auth
