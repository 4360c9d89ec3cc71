#include "erasure/reed_solomon.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include <doctest.h>

namespace bale::erasure {
namespace {

using Buffers = std::vector<std::vector<uint8_t>>;
constexpr uint8_t kScribble = 0xA5;

std::vector<std::span<uint8_t>> Spans(Buffers& b) { return {b.begin(), b.end()}; }

// k + m shards of `size` bytes: random data, then parity encoded by `rs`.
Buffers EncodedShards(const ReedSolomon& rs, size_t size, std::mt19937_64& rng) {
  Buffers shards(rs.k() + rs.m(), std::vector<uint8_t>(size));
  for (int i = 0; i < rs.k(); ++i) {
    for (auto& byte : shards[i]) byte = static_cast<uint8_t>(rng());
  }
  std::vector<std::span<const uint8_t>> data(shards.begin(), shards.begin() + rs.k());
  std::vector<std::span<uint8_t>> parity(shards.begin() + rs.k(), shards.end());
  REQUIRE(rs.Encode(data, parity).ok());
  return shards;
}

std::vector<int> Ids(uint32_t mask) {
  std::vector<int> ids;
  for (int id = 0; id < 32; ++id) {
    if (mask & (1u << id)) ids.push_back(id);
  }
  return ids;
}

// A multiple of 8 bytes whose count of 8-byte words is odd, below `limit`.
size_t OddWords(std::mt19937_64& rng, size_t limit) { return 8 * (2 * (rng() % (limit / 16)) + 1); }

TEST_CASE("every erasure pattern of up to m shards reconstructs byte-exact") {
  std::mt19937_64 rng(42);
  for (auto [k, m] : {std::pair{4, 2}, {6, 3}, {10, 4}}) {
    auto rs = ReedSolomon::Create(k, m);
    REQUIRE(rs.ok());
    // One word, an odd number of words, and more than two column blocks.
    for (size_t size : {size_t{8}, OddWords(rng, 2048), (40 << 10) + OddWords(rng, 512)}) {
      CAPTURE(k);
      CAPTURE(m);
      CAPTURE(size);
      const Buffers original = EncodedShards(*rs, size, rng);
      int patterns = 0;
      for (uint32_t mask = 1; mask < (1u << (k + m)); ++mask) {
        if (std::popcount(mask) > m) continue;
        Buffers shards = original;
        const std::vector<int> missing = Ids(mask);
        for (int id : missing) std::fill(shards[id].begin(), shards[id].end(), kScribble);
        REQUIRE(rs->Reconstruct(Spans(shards), missing).ok());
        CAPTURE(mask);
        REQUIRE(shards == original);
        patterns++;
      }
      CHECK(patterns > 0);
    }
  }
}

TEST_CASE("the first parity shard is the XOR of the data shards") {
  std::mt19937_64 rng(7);
  auto rs = ReedSolomon::Create(6, 3);
  REQUIRE(rs.ok());
  Buffers shards = EncodedShards(*rs, 64, rng);
  for (size_t i = 0; i < 64; ++i) {
    uint8_t x = 0;
    for (int d = 0; d < 6; ++d) x ^= shards[d][i];
    CHECK(shards[6][i] == x);
  }
}

TEST_CASE("a range decode equals the same range of the full decode, touching nothing else") {
  std::mt19937_64 rng(1234);
  for (auto [k, m] : {std::pair{4, 2}, {6, 3}, {10, 4}}) {
    auto rs = ReedSolomon::Create(k, m);
    REQUIRE(rs.ok());
    for (int round = 0; round < 40; ++round) {
      const size_t size = 8 + 8 * (rng() % 6000);
      const Buffers original = EncodedShards(*rs, size, rng);
      const size_t words = size / 8;
      const size_t offset = 8 * (rng() % words);
      const size_t length = 8 * (rng() % (words - offset / 8 + 1));
      std::vector<int> missing;
      for (int id = 0; id < k + m; ++id) {
        if (static_cast<int>(missing.size()) < m && rng() % 3 == 0) missing.push_back(id);
      }
      CAPTURE(size);
      CAPTURE(offset);
      CAPTURE(length);
      Buffers full = original;
      for (int id : missing) std::fill(full[id].begin(), full[id].end(), kScribble);
      REQUIRE(rs->Reconstruct(Spans(full), missing).ok());
      // Outside the range every byte is scribbled: the decode must not read it.
      Buffers ranged(k + m, std::vector<uint8_t>(size, kScribble));
      for (int id = 0; id < k + m; ++id) {
        std::copy_n(original[id].begin() + offset, length, ranged[id].begin() + offset);
      }
      for (int id : missing) std::fill_n(ranged[id].begin() + offset, length, uint8_t{0});
      REQUIRE(rs->ReconstructRange(Spans(ranged), missing, offset, length).ok());
      for (int id = 0; id < k + m; ++id) {
        CHECK(std::equal(ranged[id].begin() + offset, ranged[id].begin() + offset + length,
                         full[id].begin() + offset));
        auto scribbled = [](uint8_t b) { return b == kScribble; };
        CHECK(std::all_of(ranged[id].begin(), ranged[id].begin() + offset, scribbled));
        CHECK(std::all_of(ranged[id].begin() + offset + length, ranged[id].end(), scribbled));
      }
    }
  }
}

TEST_CASE("only the k lowest surviving shards are read") {
  std::mt19937_64 rng(99);
  auto rs = ReedSolomon::Create(10, 4);
  REQUIRE(rs.ok());
  const Buffers original = EncodedShards(*rs, 4096, rng);
  Buffers shards = original;
  const std::vector<int> missing = {3};
  std::fill(shards[3].begin(), shards[3].end(), kScribble);
  for (int id = 11; id < 14; ++id) std::fill(shards[id].begin(), shards[id].end(), kScribble);
  REQUIRE(rs->Reconstruct(Spans(shards), missing).ok());
  CHECK(shards[3] == original[3]);
  CHECK(shards[11] == std::vector<uint8_t>(4096, kScribble));  // not rebuilt, not asked for
}

TEST_CASE("buffers at any address, not 16-aligned alike, encode and decode") {
  // gf-complete's SIMD multiply aborts when source and destination differ
  // modulo 16; the codec must bounce such buffers instead.
  std::mt19937_64 rng(5);
  auto rs = ReedSolomon::Create(4, 2);
  REQUIRE(rs.ok());
  const size_t size = (20 << 10) + 24;
  const Buffers aligned = EncodedShards(*rs, size, rng);
  Buffers storage(6, std::vector<uint8_t>(size + 16));
  std::vector<std::span<uint8_t>> shards;
  for (int id = 0; id < 6; ++id) {
    shards.emplace_back(storage[id].data() + id * 3 % 16, size);
    if (id < 4) std::copy(aligned[id].begin(), aligned[id].end(), shards[id].begin());
  }
  std::vector<std::span<const uint8_t>> data(shards.begin(), shards.begin() + 4);
  REQUIRE(rs->Encode(data, std::span(shards).subspan(4)).ok());
  for (int id = 4; id < 6; ++id)
    CHECK(std::equal(shards[id].begin(), shards[id].end(), aligned[id].begin()));
  const std::vector<int> missing = {0, 2};
  for (int id : missing) std::fill(shards[id].begin(), shards[id].end(), kScribble);
  REQUIRE(rs->Reconstruct(shards, missing).ok());
  for (int id : missing)
    CHECK(std::equal(shards[id].begin(), shards[id].end(), aligned[id].begin()));
}

TEST_CASE("concurrent decodes with one codec agree") {
  auto rs = ReedSolomon::Create(10, 4);
  REQUIRE(rs.ok());
  std::mt19937_64 rng(11);
  const Buffers original = EncodedShards(*rs, 64 << 10, rng);
  std::vector<int> ok(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        Buffers shards = original;
        const std::vector<int> missing = {t, 5, 10 + t, 13};
        for (int id : missing) std::fill(shards[id].begin(), shards[id].end(), kScribble);
        if (rs->Reconstruct(Spans(shards), missing).ok() && shards == original) ok[t]++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>{20, 20});
}

TEST_CASE("more than m missing is an error and writes nothing") {
  std::mt19937_64 rng(3);
  auto rs = ReedSolomon::Create(4, 2);
  REQUIRE(rs.ok());
  Buffers shards = EncodedShards(*rs, 256, rng);
  const Buffers before = shards;
  const std::vector<int> missing = {0, 1, 5};
  Status s = rs->Reconstruct(Spans(shards), missing);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message().find("at most 2") != std::string_view::npos);
  CHECK(shards == before);
  CHECK(rs->ReconstructRange(Spans(shards), missing, 0, 8).code() == Code::kInvalidArgument);
  CHECK(shards == before);
}

TEST_CASE("bad arguments are InvalidArgument, never a crash") {
  for (auto [k, m] : {std::pair{0, 2}, {-1, 1}, {33, 2}, {4, 0}, {4, 9}, {4, -3}}) {
    CAPTURE(k);
    CAPTURE(m);
    CHECK(ReedSolomon::Create(k, m).status().code() == Code::kInvalidArgument);
  }
  CHECK(ReedSolomon::Create(32, 8).ok());
  CHECK(ReedSolomon::Create(1, 1).ok());

  auto rs = ReedSolomon::Create(4, 2);
  REQUIRE(rs.ok());
  auto encode = [&](std::vector<size_t> data_sizes, std::vector<size_t> parity_sizes) {
    Buffers d, p;
    for (size_t s : data_sizes) d.emplace_back(s);
    for (size_t s : parity_sizes) p.emplace_back(s);
    std::vector<std::span<const uint8_t>> data(d.begin(), d.end());
    return rs->Encode(data, Spans(p)).code();
  };
  CHECK(encode({64, 64, 64, 64}, {64, 64}) == Code::kOk);
  CHECK(encode({64, 64, 64}, {64, 64}) == Code::kInvalidArgument);          // too few data
  CHECK(encode({64, 64, 64, 64}, {64, 64, 64}) == Code::kInvalidArgument);  // too much parity
  CHECK(encode({64, 64, 72, 64}, {64, 64}) == Code::kInvalidArgument);      // unequal data
  CHECK(encode({64, 64, 64, 64}, {64, 56}) == Code::kInvalidArgument);      // unequal parity
  CHECK(encode({64, 64, 64, 64}, {72, 72}) == Code::kInvalidArgument);      // parity ≠ data
  CHECK(encode({12, 12, 12, 12}, {12, 12}) == Code::kInvalidArgument);      // not a multiple of 8

  auto reconstruct = [&](std::vector<size_t> sizes, std::vector<int> missing, size_t offset,
                         size_t length) {
    Buffers b;
    for (size_t s : sizes) b.emplace_back(s);
    return rs->ReconstructRange(Spans(b), missing, offset, length).code();
  };
  const std::vector<size_t> six(6, 64);
  CHECK(reconstruct(six, {1}, 0, 64) == Code::kOk);
  CHECK(reconstruct(six, {}, 0, 64) == Code::kOk);
  CHECK(reconstruct({64, 64, 64, 64, 64}, {1}, 0, 64) == Code::kInvalidArgument);  // 5 shards
  CHECK(reconstruct({64, 64, 64, 64, 64, 56}, {1}, 0, 56) == Code::kInvalidArgument);
  CHECK(reconstruct(std::vector<size_t>(6, 20), {1}, 0, 16) == Code::kInvalidArgument);
  CHECK(reconstruct(six, {-1}, 0, 64) == Code::kInvalidArgument);
  CHECK(reconstruct(six, {6}, 0, 64) == Code::kInvalidArgument);
  CHECK(reconstruct(six, {2, 2}, 0, 64) == Code::kInvalidArgument);         // duplicate
  CHECK(reconstruct(six, {1}, 4, 8) == Code::kInvalidArgument);             // offset not aligned
  CHECK(reconstruct(six, {1}, 8, 12) == Code::kInvalidArgument);            // length not aligned
  CHECK(reconstruct(six, {1}, 56, 16) == Code::kInvalidArgument);           // past the end
  CHECK(reconstruct(six, {1}, 72, 0) == Code::kInvalidArgument);            // starts past the end
  CHECK(reconstruct(six, {1}, 8, SIZE_MAX - 7) == Code::kInvalidArgument);  // overflows
  CHECK(reconstruct(six, {1}, 64, 0) == Code::kOk);  // empty range at the end
  Buffers none;
  CHECK(rs->Reconstruct(Spans(none), std::vector<int>{1}).code() == Code::kInvalidArgument);
}

}  // namespace
}  // namespace bale::erasure
