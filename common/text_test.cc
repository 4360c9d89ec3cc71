#include "common/text.h"

#include <string_view>
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

}  // namespace
}  // namespace bale
