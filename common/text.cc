#include "common/text.h"

#include <cstdint>

namespace bale {
namespace {

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && IsWhitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> items;
  for (size_t start = 0;;) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      items.push_back(text.substr(start));
      return items;
    }
    items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

bool NextCodePoint(std::string_view s, size_t* i, uint32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(*i);
  // 0: a continuation byte first, or 0xF8 and above.
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + len > s.size()) return false;
  uint32_t v = len == 1 ? b : b & (0x7F >> len);
  for (size_t k = 1; k < len; k++) {
    if ((byte(*i + k) & 0xC0) != 0x80) return false;
    v = (v << 6) | (byte(*i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
  *i += len;
  *cp = v;
  return true;
}

bool IsValidUtf8(std::string_view s) {
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();)
    if (!NextCodePoint(s, &i, &cp)) return false;
  return true;
}

}  // namespace bale
