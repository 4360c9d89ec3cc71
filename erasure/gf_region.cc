#include "erasure/gf_region.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <jerasure/galois.h>

namespace bale::erasure {
namespace {

// gf-complete counts bytes in an int: regions go to it in pieces of at most
// this. (Cutting regions into cache-sized column blocks was measured: slower
// than whole regions on this machine, so pieces are as large as allowed.)
constexpr size_t kMaxPiece = size_t{1} << 30;

// Misaligned sources are copied through a stack buffer of this size.
constexpr size_t kBounceBytes = 16 << 10;

// gf-complete's SIMD region multiply asserts (aborts) unless source and
// destination sit at the same address modulo 16.
constexpr uintptr_t kSimdAlignment = 16;

// dest (^)= coef * src over n ≤ kMaxPiece bytes.
void MultiplyInto(const uint8_t* src, int coef, uint8_t* dest, size_t n, bool add) {
  const uintptr_t dest_phase = reinterpret_cast<uintptr_t>(dest) % kSimdAlignment;
  if (reinterpret_cast<uintptr_t>(src) % kSimdAlignment == dest_phase) {
    galois_w08_region_multiply(const_cast<char*>(reinterpret_cast<const char*>(src)), coef,
                               static_cast<int>(n), reinterpret_cast<char*>(dest), add);
    return;
  }
  // Misaligned caller buffers: copy the source to dest's phase first.
  alignas(kSimdAlignment) char bounce[kBounceBytes + kSimdAlignment];
  char* moved = bounce + dest_phase;
  for (size_t done = 0; done < n; done += kBounceBytes) {
    const size_t len = std::min(kBounceBytes, n - done);
    std::memcpy(moved, src + done, len);
    galois_w08_region_multiply(moved, coef, static_cast<int>(len),
                               reinterpret_cast<char*>(dest + done), add);
  }
}

// dest = sum over c of coefs[c] * srcs[c][offset, offset + n).
void DotProduct(std::span<const int> coefs, std::span<const uint8_t* const> srcs, size_t offset,
                uint8_t* dest, size_t n) {
  bool started = false;
  for (size_t c = 0; c < srcs.size(); ++c) {
    if (coefs[c] == 0) continue;
    const uint8_t* src = srcs[c] + offset;
    if (coefs[c] != 1) {
      MultiplyInto(src, coefs[c], dest, n, started);
    } else if (started) {
      galois_region_xor(const_cast<char*>(reinterpret_cast<const char*>(src)),
                        reinterpret_cast<char*>(dest), static_cast<int>(n));
    } else {
      std::memcpy(dest, src, n);
    }
    started = true;
  }
  if (!started) std::memset(dest, 0, n);
}

}  // namespace

void InitGaloisFields() {
  static std::once_flag once;
  std::call_once(once, [] {
    galois_init_default_field(8);
    galois_init_default_field(32);  // galois_region_xor runs on the w=32 field
  });
}

void MatrixMultiply(std::span<const int> matrix, std::span<const uint8_t* const> srcs,
                    std::span<uint8_t* const> dests, size_t size) {
  const size_t cols = srcs.size();
  for (size_t offset = 0; offset < size; offset += kMaxPiece) {
    const size_t n = std::min(kMaxPiece, size - offset);
    for (size_t r = 0; r < dests.size(); ++r) {
      DotProduct(matrix.subspan(r * cols, cols), srcs, offset, dests[r] + offset, n);
    }
  }
}

}  // namespace bale::erasure
