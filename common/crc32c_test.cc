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

}  // namespace
}  // namespace bale
