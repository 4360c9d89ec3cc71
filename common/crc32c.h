// CRC32C (Castagnoli), as used by iSCSI, ext4 and LevelDB. Uses the SSE4.2
// crc32 instruction when the CPU has it, a table otherwise.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bale::crc32c {

// Extends `crc` (the CRC of some earlier bytes, or 0) over `data`.
uint32_t Extend(uint32_t crc, const void* data, size_t n);

inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

}  // namespace bale::crc32c
