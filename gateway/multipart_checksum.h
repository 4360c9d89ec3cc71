// The checksum of a multipart object from its parts' checksums, as AWS
// computes it: for CRC32, CRC32C, SHA1 and SHA256 (AWS's COMPOSITE type) the
// digest of the parts' raw digests concatenated, base64, then "-" and the
// part count; for CRC64NVME (AWS's FULL_OBJECT type) the CRC of the whole
// object, combined from the parts' CRCs and sizes without reading any data.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/checksum.h"
#include "common/status.h"

namespace bale::s3 {

struct PartChecksum {
  std::string base64;  // the part's checksum of the upload's algorithm
  uint64_t size = 0;   // the part's size in bytes
};

// True for the algorithms AWS keeps as a full-object checksum (CRC64NVME).
bool IsFullObjectChecksum(auth::ChecksumAlgorithm algorithm);

// "COMPOSITE" or "FULL_OBJECT" (x-amz-checksum-type).
std::string_view ChecksumTypeName(auth::ChecksumAlgorithm algorithm);

// The object's checksum value (base64, with "-N" when composite). INTERNAL if
// a part's value is not the base64 of a digest of the algorithm.
Result<std::string> MultipartChecksum(auth::ChecksumAlgorithm algorithm,
                                      const std::vector<PartChecksum>& parts);

// CRC(A + B) from CRC(A), CRC(B) and B's length; raw big-endian digests of
// kCrc32, kCrc32c or kCrc64Nvme (zlib's crc32_combine, for any width).
std::string CombineCrc(auth::ChecksumAlgorithm algorithm, std::string_view crc_a,
                       std::string_view crc_b, uint64_t length_b);

}  // namespace bale::s3
