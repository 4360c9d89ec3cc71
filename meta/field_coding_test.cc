#include "meta/field_coding.h"

#include <cstdint>

#include <doctest.h>

namespace bale::meta {
namespace {

std::string VarintBytes(uint64_t v) {
  FieldWriter w;
  w.Varint(v);
  return std::move(w).Finish();
}

TEST_CASE("varints are LEB128 and round-trip at every width boundary") {
  CHECK(VarintBytes(0) == std::string("\x00", 1));
  CHECK(VarintBytes(127) == "\x7f");
  CHECK(VarintBytes(128) == "\x80\x01");
  CHECK(VarintBytes(300) == "\xac\x02");
  CHECK(VarintBytes(UINT64_MAX) == "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
  for (int bits = 0; bits < 64; ++bits) {
    for (uint64_t v : {(uint64_t{1} << bits) - 1, uint64_t{1} << bits}) {
      std::string bytes = VarintBytes(v);  // the reader views it: keep it alive
      FieldReader r(bytes, "test");
      CHECK(r.Varint() == v);
      CHECK(r.Finish().ok());
    }
  }
}

TEST_CASE("malformed varints are data loss") {
  std::string eleven_bytes = std::string(10, '\x80') + "\x01";
  FieldReader eleven(eleven_bytes, "test");
  CHECK(eleven.Varint() == 0);
  CHECK(eleven.Finish().code() == Code::kDataLoss);
  FieldReader overflow("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", "test");
  overflow.Varint();
  CHECK(overflow.Finish().message() ==
        "test of 10 bytes is corrupt: varint overflows 64 bits at byte 10");
  FieldReader cut("\x80", "test");
  cut.Varint();
  CHECK(cut.Finish().message() == "test of 1 bytes is corrupt: truncated at byte 1");
  std::string wide_bytes = VarintBytes(uint64_t{1} << 32);
  FieldReader wide(wide_bytes, "test");
  CHECK(wide.Varint32() == 0);
  CHECK(wide.Finish().code() == Code::kDataLoss);
}

TEST_CASE("strings, fixed32 and bytes round-trip; the reader never reads past its input") {
  FieldWriter w;
  w.String("");
  w.String(std::string("a\0b", 3));
  w.Fixed32(0xAABBCCDD);
  w.Byte(7);
  std::string bytes = std::move(w).Finish();
  CHECK(bytes == std::string("\000\003a\0b\xdd\xcc\xbb\xaa\x07", 10));
  FieldReader r(bytes, "test");
  CHECK(r.String().empty());
  CHECK(r.String() == std::string("a\0b", 3));
  CHECK(r.Fixed32() == 0xAABBCCDD);
  CHECK(r.Byte() == 7);
  CHECK(r.Finish().ok());

  FieldReader beyond("\005abc", "test");
  CHECK(beyond.String().empty());
  CHECK(beyond.Finish().message() ==
        "test of 4 bytes is corrupt: string length beyond the record at byte 1");
  FieldReader after_error("\005abc", "test");
  after_error.String();
  CHECK(after_error.Byte() == 0);  // later reads return zeros
  CHECK(after_error.Fixed32() == 0);
}

TEST_CASE("counts are bounded by the bytes left, and trailing bytes are data loss") {
  std::string huge_bytes = VarintBytes(uint64_t{1} << 60);
  FieldReader huge(huge_bytes, "test");
  CHECK(huge.Count(1) == 0);
  CHECK(huge.Finish().code() == Code::kDataLoss);
  FieldReader fits("\002abcd", "test");
  CHECK(fits.Count(2) == 2);
  FieldReader trailing("\x01\x02", "test");
  CHECK(trailing.Byte() == 1);
  CHECK(trailing.Finish().message() == "test of 2 bytes is corrupt: trailing bytes at byte 1");
}

}  // namespace
}  // namespace bale::meta
