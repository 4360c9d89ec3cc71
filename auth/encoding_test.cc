#include "auth/encoding.h"

#include <doctest.h>

#include "auth/request.h"
#include "common/text.h"

namespace bale::auth {
namespace {

TEST_CASE("base64 round-trips and rejects what is not padded standard base64") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Decode("Zm9vYmE=") == std::optional<std::string>("fooba"));
  CHECK(Base64Decode("Zg==") == std::optional<std::string>("f"));
  CHECK(Base64Decode("") == std::optional<std::string>(""));
  CHECK(!Base64Decode("Zg="));       // not a multiple of 4
  CHECK(!Base64Decode("Z==="));      // too much padding
  CHECK(!Base64Decode("Zg==Zg=="));  // padding in the middle
  CHECK(!Base64Decode("Zm9v-w=="));  // URL alphabet
  std::string all;
  for (int i = 0; i < 256; i++) all.push_back(static_cast<char>(i));
  CHECK(Base64Decode(Base64Encode(all)) == std::optional<std::string>(all));
}

TEST_CASE("AwsUriEncode keeps only unreserved characters") {
  CHECK(AwsUriEncode("AZaz09-_.~", false) == "AZaz09-_.~");
  CHECK(AwsUriEncode("a b+c/d=e&f$", false) == "a%20b%2Bc%2Fd%3De%26f%24");
  CHECK(AwsUriEncode("a b/c", true) == "a%20b/c");
  CHECK(AwsUriEncode("\xC3\xA9", false) == "%C3%A9");  // UTF-8 bytes, uppercase hex
}

TEST_CASE("PercentDecode decodes escapes and leaves stray percents alone") {
  CHECK(PercentDecode("a%20b%2fc", false) == "a b/c");
  CHECK(PercentDecode("a+b", false) == "a+b");
  CHECK(PercentDecode("a+b", true) == "a b");
  CHECK(PercentDecode("100%", false) == "100%");
  CHECK(PercentDecode("%zz%4", false) == "%zz%4");
}

TEST_CASE("ParseQuery keeps order, empty values and decodes both sides") {
  auto q = ParseQuery("list-type=2&prefix=a%20b&uploads&&x=1=2");
  REQUIRE(q.size() == 4);
  CHECK(q[0] == std::pair<std::string, std::string>("list-type", "2"));
  CHECK(q[1] == std::pair<std::string, std::string>("prefix", "a b"));
  CHECK(q[2] == std::pair<std::string, std::string>("uploads", ""));
  CHECK(q[3] == std::pair<std::string, std::string>("x", "1=2"));
  CHECK(ParseQuery("").empty());
}

TEST_CASE("SignedRequest finds headers in any case and splits the target") {
  SignedRequest r{
      "GET", "/b/k%20x?acl&y=1", {{"Host", "h"}, {"X-Amz-Meta-A", "1"}, {"x-amz-meta-a", "2"}}};
  CHECK(r.Header("host") == std::optional<std::string_view>("h"));
  CHECK(!r.Header("range"));
  CHECK(r.HeaderValues("X-AMZ-META-A") == std::vector<std::string_view>{"1", "2"});
  CHECK(r.RawPath() == "/b/k%20x");
  CHECK(r.RawQuery() == "acl&y=1");
  SignedRequest no_query{"GET", "/b", {}};
  CHECK(no_query.RawQuery().empty());
  CHECK(TrimWhitespace(" \t a b \t") == "a b");
}

}  // namespace
}  // namespace bale::auth
