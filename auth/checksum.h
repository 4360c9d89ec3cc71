// Checksums S3 clients send and expect back: the flexible-checksum algorithms
// (x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}), MD5 for ETags and
// Content-MD5, behind one incremental Hasher interface.
//
// Wire form: S3 sends and returns a checksum as base64 of the digest bytes,
// CRCs in big-endian order (CRC32 of "" is "AAAAAA=="); ETags are lowercase
// hex MD5.
//
// Thread-safety: a Hasher is used by one thread at a time; the free functions
// are pure.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bale::auth {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// "x-amz-checksum-crc32" -> kCrc32 (any case); nullopt for other names.
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeaderName(std::string_view header_name);
// The value of x-amz-sdk-checksum-algorithm / x-amz-checksum-algorithm:
// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" (any case).
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromName(std::string_view name);
// "x-amz-checksum-crc32"
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);
// "CRC32"
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
// Digest length in bytes: 4, 4, 8, 20, 32.
size_t ChecksumDigestSize(ChecksumAlgorithm algorithm);

// An incremental hash. Finish() returns the digest bytes (big-endian for the
// CRCs) and resets the hasher to its initial state.
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void Update(std::string_view data) = 0;
  virtual std::string Finish() = 0;
};

std::unique_ptr<Hasher> NewHasher(ChecksumAlgorithm algorithm);
std::unique_ptr<Hasher> NewMd5Hasher();

// One-shot digests, as raw bytes.
std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data);
std::string Md5(std::string_view data);
std::string Sha256(std::string_view data);
// Lowercase hex SHA-256, the form SigV4 uses everywhere.
std::string Sha256Hex(std::string_view data);

}  // namespace bale::auth
