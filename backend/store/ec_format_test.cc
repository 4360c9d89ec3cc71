#include "backend/store/ec_format.h"

#include <doctest.h>

#include <random>

#include "backend/store/ec_build.h"

namespace bale::ec {
namespace {

TEST_CASE("the layout cuts a .dat into rows of k blocks and a short last row") {
  Layout L{4, 2, 1024, 10000};
  REQUIRE(L.Check().ok());
  // 10000 bytes: two full rows of 4 KiB (8192), then 1808 bytes in 4 blocks of 456.
  CHECK(L.rows() == 3);
  CHECK(L.last_block() == 456);
  CHECK(L.shard_size() == 2 * 1024 + 456);
  CHECK(L.row_block(0) == 1024);
  CHECK(L.row_block(2) == 456);
  // Padding: 4 × 456 = 1824 for the last 1808 bytes.
  CHECK(L.shard_size() * 4 - L.dat_size == 16);

  auto p = MapRange(L, 0, 8);
  REQUIRE(p.size() == 1);
  CHECK((p[0].shard == 0 && p[0].shard_offset == 0 && p[0].length == 8));
  // Bytes 1020..1032 straddle blocks 0 and 1 of row 0.
  p = MapRange(L, 1016, 16);
  REQUIRE(p.size() == 2);
  CHECK((p[0].shard == 0 && p[0].shard_offset == 1016 && p[0].length == 8));
  CHECK((p[1].shard == 1 && p[1].shard_offset == 0 && p[1].length == 8));
  // Row 1, block 3.
  p = MapRange(L, 4096 + 3 * 1024 + 40, 8);
  REQUIRE(p.size() == 1);
  CHECK((p[0].shard == 3 && p[0].shard_offset == 1024 + 40));
  // The last row: block 2 of 456 starts at .dat offset 8192 + 912.
  p = MapRange(L, 8192 + 912, 456 + 8);
  REQUIRE(p.size() == 2);
  CHECK((p[0].shard == 2 && p[0].shard_offset == 2048 && p[0].length == 456));
  CHECK((p[1].shard == 3 && p[1].shard_offset == 2048 && p[1].length == 8));
}

TEST_CASE("every byte of the .dat maps to exactly one shard byte") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; trial++) {
    Layout L{1 + int(rng() % 10), 1 + int(rng() % 4), 8 * (1 + rng() % 64), 8 + rng() % 20000};
    REQUIRE(L.Check().ok());
    std::vector<std::vector<int>> seen(L.k, std::vector<int>(L.shard_size(), 0));
    uint64_t total = 0;
    for (const auto& piece : MapRange(L, 0, L.dat_size)) {
      REQUIRE(piece.shard < L.k);
      REQUIRE(piece.shard_offset + piece.length <= L.shard_size());
      for (uint64_t i = 0; i < piece.length; i++) seen[piece.shard][piece.shard_offset + i]++;
      total += piece.length;
    }
    CHECK(total == L.dat_size);
    for (const auto& s : seen)
      for (int n : s) REQUIRE(n <= 1);
    CHECK(L.shard_size() * L.k - L.dat_size < 8 * uint64_t(L.k) + 8);
  }
}

TEST_CASE("layouts outside the codec's range are refused") {
  CHECK(Layout{0, 2, 1024, 10}.Check().code() == Code::kInvalidArgument);
  CHECK(Layout{33, 2, 1024, 10}.Check().code() == Code::kInvalidArgument);
  CHECK(Layout{4, 9, 1024, 10}.Check().code() == Code::kInvalidArgument);
  CHECK(Layout{4, 2, 1020, 10}.Check().code() == Code::kInvalidArgument);
  CHECK(Layout{4, 2, 1024, 0}.Check().code() == Code::kInvalidArgument);
}

TEST_CASE("a shard header round-trips and any flipped byte is caught") {
  ShardHeader h{{7, 3, 0x1234567890abcdefull}, {10, 4, 1 << 20, 123456789}, 12, 65536};
  std::string b = EncodeShardHeader(h);
  REQUIRE(b.size() == kShardHeaderSize);
  auto d = DecodeShardHeader(b).value();
  CHECK(d.id == h.id);
  CHECK(d.index == 12);
  CHECK(d.layout.k == 10);
  CHECK(d.layout.m == 4);
  CHECK(d.layout.dat_size == 123456789);
  CHECK(d.chunk_size == 65536);
  CHECK(d.file_size() ==
        kShardHeaderSize + h.layout.shard_size() + 4 * d.chunks() + kShardFooterSize);
  for (size_t i : {0, 5, 9, 17, 40, 2000, 4095}) {
    std::string bad = b;
    bad[i] ^= 0x20;
    CHECK(DecodeShardHeader(bad).status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("the checksum table is checked against its footer") {
  std::vector<uint32_t> crcs{1, 2, 3, 0xdeadbeef};
  std::string t = EncodeShardTrailer(crcs);
  CHECK(DecodeShardTrailer(t, 4).value() == crcs);
  CHECK(DecodeShardTrailer(t, 3).status().code() == Code::kInvalidArgument);
  t[2] ^= 1;
  CHECK(DecodeShardTrailer(t, 4).status().code() == Code::kInvalidArgument);
}

TEST_CASE("shard names parse back, other names do not") {
  CHECK(ShardName(7, 3) == "7.ec03");
  CHECK(ShardName(12, 13) == "12.ec13");
  CHECK(ParseShardName("7.ec03") == std::make_pair(VolumeId{7}, 3));
  CHECK_FALSE(ParseShardName("7.ec3"));
  CHECK_FALSE(ParseShardName("07.ec03"));
  CHECK_FALSE(ParseShardName("7.ec03.tmp"));
  CHECK_FALSE(ParseShardName("7.ecx"));
  CHECK_FALSE(ParseShardName(".ec01"));
}

TEST_CASE("the index round-trips and refuses damage") {
  IndexFile x{{9, 2, 42}, {4, 2, 4096, 99999}, 1024, {{1, 1, 10}, {5, 7, 0}, {900, 30, 4096}}};
  std::string b = EncodeIndex(x);
  auto d = DecodeIndex(b).value();
  CHECK(d.id == x.id);
  CHECK(d.layout.block_size == 4096);
  CHECK(d.chunk_size == 1024);
  REQUIRE(d.records.size() == 3);
  CHECK((d.records[2].key == 900 && d.records[2].offset_units == 30 && d.records[2].size == 4096));
  CHECK(DecodeIndex(b.substr(0, b.size() - 1)).status().code() == Code::kInvalidArgument);
  std::string bad = b;
  bad[kIndexHeaderSize + 3] ^= 1;
  CHECK(DecodeIndex(bad).status().code() == Code::kInvalidArgument);
}

TEST_CASE("journal records of another encoding or volume do not decode") {
  Identity a{3, 0, 111}, b{3, 0, 222}, c{4, 0, 111};
  std::string r = EncodeJournalRecord(a, 77, 5);
  CHECK(DecodeJournalRecord(a, r) == std::make_pair(NeedleKey{77}, Cookie{5}));
  CHECK_FALSE(DecodeJournalRecord(b, r));
  CHECK_FALSE(DecodeJournalRecord(c, r));
  r[3] ^= 1;
  CHECK_FALSE(DecodeJournalRecord(a, r));
  CHECK(DecodeJournalHeader(EncodeJournalHeader(a), 3).value() == a);
}

TEST_CASE("a checkpoint round-trips and refuses a damaged one") {
  Checkpoint c;
  c.id = {5, 1, 987654321};
  c.layout = {4, 2, 1 << 20, 5000000};
  c.chunk_size = 65536;
  c.rows_done = 3;
  c.outputs = {{0, "/d 1/5.ec00"}, {5, "/d6/5.ec05"}};
  std::string t = EncodeCheckpoint(c);
  auto d = DecodeCheckpoint(t).value();
  CHECK(d.id == c.id);
  CHECK(d.rows_done == 3);
  REQUIRE(d.outputs.size() == 2);
  CHECK(d.outputs[0].path == "/d 1/5.ec00");
  CHECK(d.outputs[1].index == 5);
  t[t.find("rows 3") + 5] = '4';
  CHECK(DecodeCheckpoint(t).status().code() == Code::kInvalidArgument);
}

}  // namespace
}  // namespace bale::ec
