#include "common/units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace bale {

Result<uint64_t> ParseByteSize(std::string_view text) {
  std::string s(text);
  auto bad = [&] {
    return InvalidArgumentError("'" + s + "' is not a size (examples: 4096, 64KiB, 10GiB, 1.5GB)");
  };
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) i++;
  if (i == 0) return bad();
  std::string number = s.substr(0, i);
  std::string unit;
  for (char c : s.substr(i)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return bad();
  double mult;
  if (unit.empty() || unit == "b")
    mult = 1;
  else if (unit == "kib")
    mult = 1024.0;
  else if (unit == "mib")
    mult = 1024.0 * 1024;
  else if (unit == "gib")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "tib")
    mult = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "k" || unit == "kb")
    mult = 1e3;
  else if (unit == "m" || unit == "mb")
    mult = 1e6;
  else if (unit == "g" || unit == "gb")
    mult = 1e9;
  else if (unit == "t" || unit == "tb")
    mult = 1e12;
  else
    return bad();
  double bytes = value * mult;
  if (bytes >= 18446744073709551615.0) return InvalidArgumentError("'" + s + "' is too large");
  if (bytes != std::floor(bytes))
    return InvalidArgumentError("'" + s + "' is not a whole number of bytes");
  return static_cast<uint64_t>(bytes);
}

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not a duration (examples: 90s, 30m, 24h, 7d)");
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') digits++;
  if (digits == 0 || digits > 9 || text.size() - digits > 1) return bad();
  int64_t n = 0;
  for (size_t i = 0; i < digits; i++) n = n * 10 + (text[i] - '0');
  switch (digits == text.size() ? 's' : text.back()) {
    case 's': return std::chrono::seconds(n);
    case 'm': return std::chrono::seconds(n * 60);
    case 'h': return std::chrono::seconds(n * 3600);
    case 'd': return std::chrono::seconds(n * 86400);
    default: return bad();
  }
}

}  // namespace bale
