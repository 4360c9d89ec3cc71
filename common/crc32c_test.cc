#include "common/crc32c.h"

#include <string>

#include <doctest.h>

namespace bale {
namespace {

TEST_CASE("crc32c matches the published check values") {
  // RFC 3720 B.4 and the CRC catalogue's check value for "123456789".
  CHECK(crc32c::Value("123456789") == 0xE3069283u);
  std::string zeros(32, '\0');
  CHECK(crc32c::Value(zeros) == 0x8A9136AAu);
  std::string ones(32, '\xff');
  CHECK(crc32c::Value(ones) == 0x62A8AB43u);
}

TEST_CASE("crc32c extends across split buffers and any length") {
  std::string data;
  for (int i = 0; i < 1000; i++) data.push_back(static_cast<char>(i * 7 + 3));
  uint32_t whole = crc32c::Value(data);
  for (size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
    uint32_t a = crc32c::Extend(0, data.data(), cut);
    CHECK(crc32c::Extend(a, data.data() + cut, data.size() - cut) == whole);
  }
}

// Bit at a time, straight from the definition.
uint32_t ReferenceCrc(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char ch : data) {
    crc ^= ch;
    for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
  }
  return ~crc;
}

TEST_CASE("crc32c of long buffers (three interleaved streams) equals the definition") {
  std::string data;
  uint32_t x = 12345;
  for (int i = 0; i < 3 * 8192 * 2 + 3 * 256 * 3 + 77; i++) {
    x = x * 1103515245u + 12345u;
    data.push_back(static_cast<char>(x >> 24));
  }
  for (size_t len : {size_t{767}, size_t{768}, size_t{769}, size_t{3 * 8192 - 1},
                     size_t{3 * 8192}, size_t{3 * 8192 + 5}, data.size() - 3}) {
    for (size_t start : {size_t{0}, size_t{1}, size_t{3}}) {
      std::string piece = data.substr(start, len);
      CAPTURE(len);
      CAPTURE(start);
      CHECK(crc32c::Value(piece) == ReferenceCrc(piece));
      uint32_t half = crc32c::Extend(0, piece.data(), len / 2);
      CHECK(crc32c::Extend(half, piece.data() + len / 2, len - len / 2) == ReferenceCrc(piece));
    }
  }
}

}  // namespace
}  // namespace bale
