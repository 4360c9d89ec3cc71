#include "backend/store/needle_format.h"

#include <doctest.h>

namespace bale::format {
namespace {

TEST_CASE("superblock round trip and refusal of foreign bytes") {
  Superblock sb{kVersion, kSuperblockSealed, 513};
  std::string bytes = EncodeSuperblock(sb);
  CHECK(bytes == std::string("BALV\x01\x01\x01\x02", 8));
  auto back = DecodeSuperblock(bytes);
  REQUIRE(back.ok());
  CHECK(back->flags == kSuperblockSealed);
  CHECK(back->revision == 513);
  CHECK(DecodeSuperblock("GIF89a\0\0").status().code() == Code::kInvalidArgument);
  CHECK(DecodeSuperblock("BAL").status().code() == Code::kInvalidArgument);
  auto v2 = DecodeSuperblock(std::string("BALV\x02\x00\x00\x00", 8));
  CHECK(v2.status().code() == Code::kFailedPrecondition);
  CHECK(v2.status().message() ==
        "volume format version 2 is not supported (this build reads version 1)");
}

TEST_CASE("needle bytes are exactly as documented") {
  NeedleHeader h{0xAABBCCDD, 0x0102030405060708ull, 0, 2, 0x1122334455667788};
  std::string out;
  AppendNeedle(h, "hi", &out);
  REQUIRE(out.size() == 48);  // 32 header + 2 data + 8 footer = 42, padded to 48
  CHECK(out.substr(0, 4) == "NDL1");
  CHECK(out.substr(4, 4) == std::string("\xDD\xCC\xBB\xAA", 4));
  CHECK(out.substr(8, 8) == std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  CHECK(out.substr(16, 4) == std::string("\0\0\0\0", 4));
  CHECK(out.substr(20, 4) == std::string("\x02\0\0\0", 4));
  CHECK(out.substr(24, 8) == std::string("\x88\x77\x66\x55\x44\x33\x22\x11", 8));
  CHECK(out.substr(32, 2) == "hi");
  CHECK(out.substr(34, 4) == "NEND");
  CHECK(out.substr(42, 6) == std::string(6, '\0'));
  auto v = VerifyNeedle(out, "t");
  REQUIRE(v.ok());
  CHECK(v->key == h.key);
  CHECK(v->cookie == h.cookie);
  CHECK(v->append_time_micros == h.append_time_micros);
}

TEST_CASE("needle lengths are 8-byte aligned for every size") {
  for (uint32_t size : {0u, 1u, 7u, 8u, 9u, 23u, 24u, 4096u, 1u << 20}) {
    std::string out;
    std::string data(size, 'x');
    AppendNeedle(NeedleHeader{1, 2, 0, size, 3}, data, &out);
    CHECK(out.size() == NeedleLength(size));
    CHECK(out.size() % 8 == 0);
    CHECK(out.size() >= 40 + size);
    CHECK(out.size() < 48 + size);
    CHECK(VerifyNeedle(out, "t").ok());
  }
}

TEST_CASE("one flipped bit anywhere in a needle is detected") {
  std::string needle;
  AppendNeedle(NeedleHeader{77, 99, 0, 13, 5}, "thirteen byte", &needle);
  for (size_t bit = 0; bit < needle.size() * 8; bit++) {
    std::string bad = needle;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
    auto v = VerifyNeedle(bad, "volume 1 at offset 8");
    CAPTURE(bit);
    REQUIRE_FALSE(v.ok());
    CHECK(v.status().code() == Code::kDataLoss);
    CHECK(v.status().message().starts_with("volume 1 at offset 8: "));
  }
}

TEST_CASE("a needle checked in three pieces: the data piece must be exactly the size field") {
  std::string needle;
  AppendNeedle(NeedleHeader{77, 99, 0, 13, 5}, "thirteen byte", &needle);
  std::string_view n = needle;
  auto head = n.substr(0, kNeedleHeaderSize);
  auto v = VerifyNeedleParts(head, n.substr(32, 13), n.substr(45), "t");
  REQUIRE(v.ok());
  CHECK(v->key == 99);
  CHECK(v->size == 13);
  // The same bytes split one byte off: the data piece is not the size field's.
  auto off = VerifyNeedleParts(head, n.substr(32, 12), n.substr(44), "v 1 at 8");
  REQUIRE_FALSE(off.ok());
  CHECK(off.status().code() == Code::kDataLoss);
  CHECK(off.status().message() ==
        "v 1 at 8: needle data of 12 bytes does not match its size field 13");
  std::string data = "thirteen bytE";
  auto flipped = VerifyNeedleParts(head, data, n.substr(45), "v 1 at 8");
  REQUIRE_FALSE(flipped.ok());
  CHECK(flipped.status().message().starts_with("v 1 at 8: checksum mismatch (stored "));
}

TEST_CASE("idx header and records round trip") {
  CHECK(EncodeIdxHeader(7) == std::string("BALI\x01\x00\x07\x00", 8));
  CHECK(DecodeIdxHeader(EncodeIdxHeader(65535)).value() == 65535);
  CHECK(DecodeIdxHeader("BALV\x01\x00\x00\x00").status().code() == Code::kInvalidArgument);
  std::string out;
  AppendIdxRecord(IdxRecord{0xFEDCBA9876543210ull, 0xDEADBEEF, kIdxTombstoneSize}, &out);
  REQUIRE(out.size() == kIdxRecordSize);
  IdxRecord r = DecodeIdxRecord(out.data());
  CHECK(r.key == 0xFEDCBA9876543210ull);
  CHECK(r.offset_units == 0xDEADBEEF);
  CHECK(r.size == kIdxTombstoneSize);
}

}  // namespace
}  // namespace bale::format
