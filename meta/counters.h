// Counter rows: a KvStore value that engines add to without a read.
//
// A counter row holds N signed 64-bit counters, each 8 bytes big-endian two's
// complement, concatenated (HBase's Increment keeps one such long per column).
// KvBatch::AddToCounters adds element-wise; a missing row counts as all zeros,
// and a delta longer than the row extends it. Sums wrap modulo 2^64 instead of
// overflowing. Adds are commutative, so engines apply them without taking the
// row's lock: concurrent writers to different objects of one bucket never wait
// for each other on the bucket's usage row.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bale::meta {

inline constexpr size_t kCounterBytes = 8;

std::string EncodeCounters(std::span<const int64_t> counters);
// DATA_LOSS when the length is not a multiple of 8.
Result<std::vector<int64_t>> DecodeCounters(std::string_view bytes);
// *out = existing + delta, element-wise (existing may be empty: all zeros).
// False, with *out untouched, when either is not a whole number of counters.
bool AddCounters(std::string_view existing, std::string_view delta, std::string* out);

}  // namespace bale::meta
