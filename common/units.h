// Parsing of sizes and durations people type: "4096", "4KiB", "10GiB", "1.5MB";
// "90s", "30m", "24h", "7d".
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bale {

// Accepts a non-negative number with an optional unit: B, KiB/MiB/GiB/TiB
// (powers of 1024), K/M/G/T or KB/MB/GB/TB (powers of 1000); case-insensitive
// on the unit. INVALID_ARGUMENT for anything else, negative or overflowing.
Result<uint64_t> ParseByteSize(std::string_view text);

// Whole seconds: digits with an optional unit s, m, h or d (plain digits are
// seconds). INVALID_ARGUMENT for anything else or over 10^9 units.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace bale
