// Text helpers shared by the parsers of headers, lists and configuration
// files across the folders.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bale {

// `s` without leading and trailing spaces and tabs (HTTP's optional
// whitespace). CR and LF stay: in a header or chunk line they are an error
// for the parser to see.
std::string_view TrimWhitespace(std::string_view s);

// The items of a `sep`-separated list, empty ones included, untrimmed:
// "a,,b," gives "a", "", "b", ""; an empty text gives one empty item.
std::vector<std::string_view> Split(std::string_view text, char sep);

// Decodes the code point of UTF-8 text `s` at *i into *cp and moves *i past
// it; false if the bytes there are not a shortest-form encoding of a Unicode
// scalar value (RFC 3629: no surrogates, nothing past U+10FFFF).
bool NextCodePoint(std::string_view s, size_t* i, uint32_t* cp);

// True if `s` is well-formed UTF-8, as NextCodePoint reads it.
bool IsValidUtf8(std::string_view s);

}  // namespace bale
