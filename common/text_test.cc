#include "common/text.h"

#include <string_view>
#include <utility>
#include <vector>

#include <doctest.h>

namespace bale {
namespace {

using Items = std::vector<std::string_view>;

TEST_CASE("TrimWhitespace drops spaces and tabs at both ends only") {
  CHECK(TrimWhitespace(" \t a b \t ") == "a b");
  CHECK(TrimWhitespace("ab") == "ab");
  CHECK(TrimWhitespace(" \t") == "");
  CHECK(TrimWhitespace("") == "");
  CHECK(TrimWhitespace("400\r") == "400\r");  // a CR is the parser's to refuse
}

TEST_CASE("Split keeps empty items and the text's bytes as they are") {
  CHECK(Split("a,b", ',') == Items{"a", "b"});
  CHECK(Split("a,,b,", ',') == Items{"a", "", "b", ""});
  CHECK(Split(",", ',') == Items{"", ""});
  CHECK(Split("", ',') == Items{""});
  CHECK(Split(" a , b", ',') == Items{" a ", " b"});
  CHECK(Split("10.0.0.1", '.') == Items{"10", "0", "0", "1"});
}

TEST_CASE("IsValidUtf8 takes well-formed UTF-8 only") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("photos/2024/a b+c.jpg"));
  CHECK(IsValidUtf8("\xC3\xA9t\xC3\xA9"));       // été
  CHECK(IsValidUtf8("\xE2\x82\xAC"));            // U+20AC
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));        // U+1F600
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF
  CHECK_FALSE(IsValidUtf8("inv\xFFutf"));        // never in UTF-8
  CHECK_FALSE(IsValidUtf8("\x80"));              // a continuation byte first
  CHECK_FALSE(IsValidUtf8("\xC3"));              // cut short
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));          // cut short
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate, U+D800
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xC3\x28"));          // continuation missing
}

TEST_CASE("NextCodePoint decodes one character and steps past it") {
  const std::string_view s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  size_t i = 0;
  uint32_t cp = 0;
  std::vector<std::pair<size_t, uint32_t>> seen;
  while (i < s.size() && NextCodePoint(s, &i, &cp)) seen.emplace_back(i, cp);
  const std::vector<std::pair<size_t, uint32_t>> want{
      {1, 0x61}, {3, 0xE9}, {6, 0x20AC}, {10, 0x1F600}};
  CHECK(seen == want);
  i = 0;
  CHECK_FALSE(NextCodePoint("\xC3\x28", &i, &cp));  // a lead byte without its continuation
  CHECK(i == 0);                                    // unmoved on failure
}

}  // namespace
}  // namespace bale
