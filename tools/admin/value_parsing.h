// Values typed on the `bale admin` command line that the CLI checks itself
// before anything is sent: quota limits and volume ids. Names (buckets, users,
// keys) are the server's to judge.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bale::admin {

// The API takes limits below 2^63 (they are signed 64-bit on the server).
inline constexpr uint64_t kLimitCeiling = uint64_t{1} << 63;

// "none" or "0": no limit (0). Otherwise a size for common/units.h
// ParseByteSize ("10GiB", "500MB", "4096"). INVALID_ARGUMENT naming `flag`
// for negative, fractional, unparseable or too large (>= 2^63) values.
Result<uint64_t> ParseSizeLimit(std::string_view flag, std::string_view text);

// "none" or "0": no limit. Otherwise a whole number of objects below 2^63.
Result<uint64_t> ParseCountLimit(std::string_view flag, std::string_view text);

// A volume id: a whole number from 1 to 2^32 - 1.
Result<uint32_t> ParseVolumeId(std::string_view text);

struct Quota {
  uint64_t max_bytes = 0;  // 0: no limit
  uint64_t max_objects = 0;
};

// What `quota set` changes; a limit not given keeps its current value.
struct QuotaChange {
  std::optional<uint64_t> max_bytes;
  std::optional<uint64_t> max_objects;
};

// INVALID_ARGUMENT when neither flag is given or a value is bad.
Result<QuotaChange> ParseQuotaChange(const std::optional<std::string>& max_size,
                                     const std::optional<std::string>& max_objects);

Quota Merge(const Quota& current, const QuotaChange& change);

}  // namespace bale::admin
