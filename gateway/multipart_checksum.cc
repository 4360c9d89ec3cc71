#include "gateway/multipart_checksum.h"

#include "auth/encoding.h"

namespace bale::s3 {
namespace {

struct CrcShape {
  int width;      // bits
  uint64_t poly;  // reflected
};

CrcShape ShapeOf(auth::ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case auth::ChecksumAlgorithm::kCrc32c:
      return {32, 0x82F63B78};
    case auth::ChecksumAlgorithm::kCrc64Nvme:
      return {64, 0x9A6C9329AC4BC9B5ull};
    default:
      return {32, 0xEDB88320};
  }
}

// a * b modulo the polynomial, in the reflected representation.
uint64_t MultModP(const CrcShape& s, uint64_t a, uint64_t b) {
  uint64_t m = 1ull << (s.width - 1), p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ s.poly : b >> 1;
  }
  return p;
}

// x^(8 * bytes) modulo the polynomial.
uint64_t XPowBytes(const CrcShape& s, uint64_t bytes) {
  uint64_t p = 1ull << (s.width - 1);       // x^0
  uint64_t square = 1ull << (s.width - 2);  // x^1, then x^2, x^4, ...
  for (int k = 0; k < 3; ++k) square = MultModP(s, square, square);  // x^8: one byte
  for (; bytes; bytes >>= 1) {
    if (bytes & 1) p = MultModP(s, square, p);
    square = MultModP(s, square, square);
  }
  return p;
}

uint64_t FromBigEndian(std::string_view raw) {
  uint64_t v = 0;
  for (unsigned char c : raw) v = (v << 8) | c;
  return v;
}

std::string ToBigEndian(uint64_t v, int width) {
  std::string out(width / 8, '\0');
  for (size_t i = out.size(); i-- > 0; v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

}  // namespace

bool IsFullObjectChecksum(auth::ChecksumAlgorithm algorithm) {
  return algorithm == auth::ChecksumAlgorithm::kCrc64Nvme;
}

std::string_view ChecksumTypeName(auth::ChecksumAlgorithm algorithm) {
  return IsFullObjectChecksum(algorithm) ? "FULL_OBJECT" : "COMPOSITE";
}

std::string CombineCrc(auth::ChecksumAlgorithm algorithm, std::string_view crc_a,
                       std::string_view crc_b, uint64_t length_b) {
  const CrcShape s = ShapeOf(algorithm);
  uint64_t a = FromBigEndian(crc_a), b = FromBigEndian(crc_b);
  return ToBigEndian(MultModP(s, XPowBytes(s, length_b), a) ^ b, s.width);
}

Result<std::string> MultipartChecksum(auth::ChecksumAlgorithm algorithm,
                                      const std::vector<PartChecksum>& parts) {
  std::string joined;  // composite: the raw digests; full object: the CRC so far
  for (const PartChecksum& part : parts) {
    auto raw = auth::Base64Decode(part.base64);
    if (!raw || raw->size() != auth::ChecksumDigestSize(algorithm))
      return InternalError("a part's stored " + std::string(auth::ChecksumAlgorithmName(algorithm)) +
                           " checksum is not valid: " + part.base64);
    if (!IsFullObjectChecksum(algorithm))
      joined += *raw;
    else
      joined = joined.empty() ? *raw : CombineCrc(algorithm, joined, *raw, part.size);
  }
  if (IsFullObjectChecksum(algorithm)) {
    if (joined.empty()) joined = auth::ComputeChecksum(algorithm, "");
    return auth::Base64Encode(joined);
  }
  return auth::Base64Encode(auth::ComputeChecksum(algorithm, joined)) + "-" +
         std::to_string(parts.size());
}

}  // namespace bale::s3
