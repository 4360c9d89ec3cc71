#include "meta/counters.h"

#include <cstdint>
#include <limits>

#include <doctest.h>

namespace bale::meta {
namespace {

TEST_CASE("counters are 8-byte big-endian two's complement") {
  const int64_t values[] = {1, -1, 0x0102030405060708};
  std::string bytes = EncodeCounters(values);
  CHECK(bytes == std::string("\0\0\0\0\0\0\0\x01"
                             "\xff\xff\xff\xff\xff\xff\xff\xff"
                             "\x01\x02\x03\x04\x05\x06\x07\x08",
                             24));
  auto back = DecodeCounters(bytes);
  REQUIRE(back.ok());
  CHECK(*back == std::vector<int64_t>{1, -1, 0x0102030405060708});
  CHECK(DecodeCounters("").value().empty());
}

TEST_CASE("counters that are not whole 8-byte words are refused") {
  for (size_t n : {1, 7, 9, 15, 17}) {
    CHECK(DecodeCounters(std::string(n, 'x')).status().code() == Code::kDataLoss);
  }
  std::string out = "untouched";
  CHECK_FALSE(AddCounters(std::string(7, '\0'), EncodeCounters(std::vector<int64_t>{1}), &out));
  CHECK_FALSE(AddCounters("", std::string(9, '\0'), &out));
  CHECK(out == "untouched");
}

TEST_CASE("adding counters is element-wise, extends, and wraps instead of overflowing") {
  std::string out;
  const int64_t a[] = {10, 20};
  const int64_t b[] = {-3, 5, 7};
  REQUIRE(AddCounters(EncodeCounters(a), EncodeCounters(b), &out));
  CHECK(DecodeCounters(out).value() == std::vector<int64_t>{7, 25, 7});
  REQUIRE(AddCounters("", EncodeCounters(a), &out));  // a missing row is zeros
  CHECK(DecodeCounters(out).value() == std::vector<int64_t>{10, 20});
  const int64_t max[] = {std::numeric_limits<int64_t>::max()};
  const int64_t one[] = {1};
  REQUIRE(AddCounters(EncodeCounters(max), EncodeCounters(one), &out));
  CHECK(DecodeCounters(out).value() == std::vector<int64_t>{std::numeric_limits<int64_t>::min()});
}

}  // namespace
}  // namespace bale::meta
