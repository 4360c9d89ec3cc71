#include "common/crc32c.h"

#include <array>
#include <cstring>

namespace bale::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // reflected Castagnoli polynomial

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kTable = MakeTable();

uint32_t ExtendPortable(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = kTable[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

#if defined(__x86_64__)
// The crc32 instruction takes 3 cycles but can start one every cycle, so
// three independent streams over three neighbouring blocks run three times
// as fast as one; the blocks' CRCs are then joined by "appending zeros" to
// the earlier ones with a precomputed GF(2) operator (Mark Adler's crc32c.c).
constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;

constexpr uint32_t Gf2Times(const std::array<uint32_t, 32>& mat, uint32_t vec) {
  uint32_t sum = 0;
  for (int i = 0; vec; vec >>= 1, i++)
    if (vec & 1) sum ^= mat[i];
  return sum;
}

constexpr std::array<uint32_t, 32> Gf2Square(const std::array<uint32_t, 32>& mat) {
  std::array<uint32_t, 32> square{};
  for (int n = 0; n < 32; n++) square[n] = Gf2Times(mat, mat[n]);
  return square;
}

// Tables that shift a CRC over `len` zero bytes, one per byte of the CRC.
using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

// `len` a power of two.
constexpr ShiftTable MakeShift(size_t len) {
  std::array<uint32_t, 32> op{};
  op[0] = kPoly;  // the operator for one zero bit
  for (uint32_t n = 1, row = 1; n < 32; n++, row <<= 1) op[n] = row;
  for (int bits = 0; bits < 3; bits++) op = Gf2Square(op);  // one zero byte
  for (; len > 1; len >>= 1) op = Gf2Square(op);
  ShiftTable t{};
  for (uint32_t n = 0; n < 256; n++)
    for (int b = 0; b < 4; b++) t[b][n] = Gf2Times(op, n << (8 * b));
  return t;
}

constexpr ShiftTable kLongShift = MakeShift(kLongBlock);
constexpr ShiftTable kShortShift = MakeShift(kShortBlock);

uint32_t Shift(const ShiftTable& t, uint32_t crc) {
  return t[0][crc & 0xFF] ^ t[1][(crc >> 8) & 0xFF] ^ t[2][(crc >> 16) & 0xFF] ^ t[3][crc >> 24];
}

// Three streams over blocks of `block` bytes while 3 blocks remain.
__attribute__((target("sse4.2"))) void ThreeWay(uint64_t* c0, const uint8_t** p, size_t* n,
                                                size_t block, const ShiftTable& shift) {
  while (*n >= 3 * block) {
    uint64_t a = *c0, b = 0, c = 0;
    const uint8_t* q = *p;
    for (const uint8_t* end = q + block; q < end; q += 8) {
      uint64_t va, vb, vc;
      std::memcpy(&va, q, 8);
      std::memcpy(&vb, q + block, 8);
      std::memcpy(&vc, q + 2 * block, 8);
      a = __builtin_ia32_crc32di(a, va);
      b = __builtin_ia32_crc32di(b, vb);
      c = __builtin_ia32_crc32di(c, vc);
    }
    a = Shift(shift, static_cast<uint32_t>(a)) ^ b;
    a = Shift(shift, static_cast<uint32_t>(a)) ^ c;
    *c0 = a;
    *p += 3 * block;
    *n -= 3 * block;
  }
}

__attribute__((target("sse4.2"))) uint32_t ExtendHardware(uint32_t crc, const uint8_t* p,
                                                          size_t n) {
  uint64_t c = ~crc & 0xFFFFFFFFu;
  ThreeWay(&c, &p, &n, kLongBlock, kLongShift);
  ThreeWay(&c, &p, &n, kShortBlock, kShortShift);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n > 0) {
    c32 = __builtin_ia32_crc32qi(c32, *p++);
    n--;
  }
  return ~c32;
}

bool HaveSse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

}  // namespace

uint32_t Extend(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__)
  if (HaveSse42()) return ExtendHardware(crc, p, n);
#endif
  return ExtendPortable(crc, p, n);
}

}  // namespace bale::crc32c
