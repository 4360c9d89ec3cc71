// Large byte buffers kept for the next request: a needle read into a fresh
// std::string paid for zero-filling it before pread overwrote every byte (8%
// of the server's CPU in 1 MiB GETs). A buffer the server has finished
// sending goes back here; the next read of a size it can hold takes it with
// no fill. Only buffers of kMinPooled bytes or more are kept, at most
// kMaxPooled of them and kMaxPooledBytes in all; the rest are freed.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace bale::buffers {

inline constexpr size_t kMinPooled = size_t{64} << 10;
inline constexpr size_t kMaxPooled = 16;
inline constexpr size_t kMaxPooledBytes = size_t{64} << 20;

// A string of exactly n bytes whose contents are unspecified (left from an
// earlier use): for callers that overwrite every byte before anyone reads it.
std::string TakeUninitialized(size_t n);
// Keeps `s` for a later TakeUninitialized, or frees it.
void GiveBack(std::string s);

// Buffers held now, and their bytes (tests and stats).
size_t PooledCount();
size_t PooledBytes();

}  // namespace bale::buffers
