#include "tools/admin/value_parsing.h"

#include <charconv>
#include <limits>

#include "common/units.h"

namespace bale::admin {
namespace {

constexpr std::string_view kNoLimit = "none";

// Digits only, exactly (ParseByteSize goes through a double, which rounds
// near 2^63).
std::optional<uint64_t> ParseWholeNumber(std::string_view text) {
  uint64_t value = 0;
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

Status TooLarge(std::string_view flag, std::string_view text) {
  return InvalidArgumentError("--" + std::string(flag) + ": '" + std::string(text) +
                              "' is too large (limits are below 2^63)");
}

}  // namespace

Result<uint64_t> ParseSizeLimit(std::string_view flag, std::string_view text) {
  if (text == kNoLimit) return uint64_t{0};
  if (AllDigits(text)) {
    std::optional<uint64_t> bytes = ParseWholeNumber(text);
    if (!bytes || *bytes >= kLimitCeiling) return TooLarge(flag, text);
    return *bytes;
  }
  Result<uint64_t> bytes = ParseByteSize(text);
  if (!bytes.ok()) {
    return InvalidArgumentError("--" + std::string(flag) + ": " +
                                std::string(bytes.status().message()));
  }
  if (*bytes >= kLimitCeiling) return TooLarge(flag, text);
  return *bytes;
}

Result<uint64_t> ParseCountLimit(std::string_view flag, std::string_view text) {
  if (text == kNoLimit) return uint64_t{0};
  if (!AllDigits(text)) {
    return InvalidArgumentError("--" + std::string(flag) + ": '" + std::string(text) +
                                "' is not a whole number of objects, or none");
  }
  std::optional<uint64_t> count = ParseWholeNumber(text);
  if (!count || *count >= kLimitCeiling) return TooLarge(flag, text);
  return *count;
}

Result<uint32_t> ParseVolumeId(std::string_view text) {
  std::optional<uint64_t> id = AllDigits(text) ? ParseWholeNumber(text) : std::nullopt;
  if (!id || *id == 0 || *id > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgumentError("volume id '" + std::string(text) +
                                "' is not a number from 1 to 4294967295");
  }
  return static_cast<uint32_t>(*id);
}

Result<QuotaChange> ParseQuotaChange(const std::optional<std::string>& max_size,
                                     const std::optional<std::string>& max_objects) {
  if (!max_size && !max_objects) {
    return InvalidArgumentError("give --max-size, --max-objects or both");
  }
  QuotaChange change;
  if (max_size) {
    ASSIGN_OR_RETURN(change.max_bytes, ParseSizeLimit("max-size", *max_size));
  }
  if (max_objects) {
    ASSIGN_OR_RETURN(change.max_objects, ParseCountLimit("max-objects", *max_objects));
  }
  return change;
}

Quota Merge(const Quota& current, const QuotaChange& change) {
  return Quota{change.max_bytes.value_or(current.max_bytes),
               change.max_objects.value_or(current.max_objects)};
}

}  // namespace bale::admin
