// Deterministic needle contents for tests and the crash test: the bytes of a
// needle follow from its key, so a checker needs no copy of what was written.
#pragma once

#include <cstdint>
#include <string>

#include "backend/store/types.h"

namespace bale::testing {

inline std::string NeedleData(NeedleKey key, size_t size) {
  std::string out(size, '\0');
  uint64_t x = key * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  for (size_t i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x);
  }
  return out;
}

// A size in [0, max] that depends only on the key.
inline size_t NeedleSize(NeedleKey key, size_t max) {
  return static_cast<size_t>((key * 0xD1B54A32D192ED03ull >> 40) % (max + 1));
}

inline Cookie NeedleCookie(NeedleKey key) { return static_cast<Cookie>(key * 2654435761u + 17); }

}  // namespace bale::testing
