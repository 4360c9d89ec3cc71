#include "auth/crc.h"

namespace bale::auth {
namespace {

constexpr uint32_t kCrc32Poly = 0xEDB88320u;
constexpr uint64_t kCrc64NvmePoly = 0x9A6C9329AC4BC9B5ull;

// Tables for slicing-by-8 of a reflected CRC: table[0] is the classic
// byte-at-a-time table; table[s][b] is the CRC of byte b followed by s zero
// bytes, so eight table lookups consume eight input bytes at once.
template <typename Word, Word kPoly>
struct SlicingTables {
  Word table[8][256] = {};
  constexpr SlicingTables() {
    for (unsigned i = 0; i < 256; i++) {
      Word c = i;
      for (int bit = 0; bit < 8; bit++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      table[0][i] = c;
    }
    for (unsigned i = 0; i < 256; i++) {
      for (int s = 1; s < 8; s++) {
        table[s][i] = (table[s - 1][i] >> 8) ^ table[0][table[s - 1][i] & 0xFF];
      }
    }
  }
};

constexpr SlicingTables<uint32_t, kCrc32Poly> kCrc32Tables;
constexpr SlicingTables<uint64_t, kCrc64NvmePoly> kCrc64NvmeTables;

uint64_t LoadLittleEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

// Runs a reflected CRC register `crc` (already inverted) over the bytes.
template <typename Word, Word kPoly>
Word Extend(const SlicingTables<Word, kPoly>& tables, Word crc, const unsigned char* p, size_t n) {
  const auto& t = tables.table;
  while (n >= 8) {
    // The register holds the earliest unconsumed bytes' influence in its low
    // bytes; xor it into the next eight input bytes, then look each byte up
    // by how many bytes follow it.
    uint64_t x = LoadLittleEndian64(p) ^ static_cast<uint64_t>(crc);
    crc = t[7][x & 0xFF] ^ t[6][(x >> 8) & 0xFF] ^ t[5][(x >> 16) & 0xFF] ^ t[4][(x >> 24) & 0xFF] ^
          t[3][(x >> 32) & 0xFF] ^ t[2][(x >> 40) & 0xFF] ^ t[1][(x >> 48) & 0xFF] ^ t[0][x >> 56];
    p += 8;
    n -= 8;
  }
  for (; n > 0; n--, p++) crc = (crc >> 8) ^ t[0][(crc ^ *p) & 0xFF];
  return crc;
}

}  // namespace

uint32_t Crc32Extend(uint32_t crc, const void* data, size_t n) {
  return ~Extend(kCrc32Tables, ~crc, static_cast<const unsigned char*>(data), n);
}

uint64_t Crc64NvmeExtend(uint64_t crc, const void* data, size_t n) {
  return ~Extend(kCrc64NvmeTables, ~crc, static_cast<const unsigned char*>(data), n);
}

}  // namespace bale::auth
