#include "auth/canonical_request.h"

#include <doctest.h>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "auth/signing_key.h"

namespace bale::auth {
namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST_CASE("the AWS GET Object example's canonical request and string to sign") {
  // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
  SignedRequest r{"GET",
                  "/test.txt",
                  {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Range", "bytes=0-9"},
                   {"x-amz-content-sha256", std::string(kEmptySha256)},
                   {"x-amz-date", "20130524T000000Z"}}};
  std::vector<std::string> names = {"host", "range", "x-amz-content-sha256", "x-amz-date"};
  std::string canonical = BuildCanonicalRequest(
      r.method, CanonicalUriCandidates(r.RawPath()).front(),
      CanonicalQueryString(ParseQuery(r.RawQuery())), CanonicalHeaders(r, names),
      "host;range;x-amz-content-sha256;x-amz-date", kEmptySha256);
  CHECK(canonical ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string string_to_sign =
      BuildStringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical);
  CHECK(string_to_sign ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  std::string key =
      DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
  CHECK(HmacSha256Hex(key, string_to_sign) ==
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("canonical query: encoded, sorted by name then value, empty values kept") {
  CHECK(CanonicalQueryString(ParseQuery("prefix=J&max-keys=2")) == "max-keys=2&prefix=J");
  CHECK(CanonicalQueryString(ParseQuery("lifecycle")) == "lifecycle=");
  CHECK(CanonicalQueryString(ParseQuery("b=2&a=z&a=y")) == "a=y&a=z&b=2");
  // Space is %20 (never '+'), '~' stays, '/' and '=' are encoded.
  CHECK(CanonicalQueryString(ParseQuery("prefix=a%20b~c%2Fd&k=x%3Dy")) ==
        "k=x%3Dy&prefix=a%20b~c%2Fd");
  // Unencoded reserved characters from a lax client are encoded.
  CHECK(CanonicalQueryString(ParseQuery("prefix=a/b$c")) == "prefix=a%2Fb%24c");
  CHECK(CanonicalQueryString(ParseQuery("X-Amz-Signature=abc&X-Amz-Date=1"), "X-Amz-Signature") ==
        "X-Amz-Date=1");
}

TEST_CASE("canonical headers: trimmed, runs of spaces collapsed, repeats joined in order") {
  SignedRequest r{"GET",
                  "/",
                  {{"Host", " h "},
                   {"X-Amz-Meta-B", "  a   b \t c  "},
                   {"x-amz-meta-b", "second"},
                   {"x-amz-meta-empty", ""}}};
  CHECK(CanonicalHeaders(r, {"host", "x-amz-meta-b", "x-amz-meta-empty"}) ==
        "host:h\nx-amz-meta-b:a b c,second\nx-amz-meta-empty:\n");
  // A proxy may answer and drop Expect; the client signed "100-continue".
  CHECK(CanonicalHeaders(r, {"expect"}) == "expect:100-continue\n");
}

TEST_CASE("canonical URI: the path as sent first, re-encoded per segment second") {
  CHECK(CanonicalUriCandidates("/bucket/a%20b") == std::vector<std::string>{"/bucket/a%20b"});
  CHECK(CanonicalUriCandidates("") == std::vector<std::string>{"/"});
  // No normalization: "//" and "." segments and encoded slashes stay.
  CHECK(CanonicalUriCandidates("/b//./k%2Fx") == std::vector<std::string>{"/b//./k%2Fx"});
  CHECK(CanonicalUriCandidates("/test$file.text") ==
        std::vector<std::string>{"/test$file.text", "/test%24file.text"});
  // Lowercase escapes as some clients send them: the second candidate fixes them.
  CHECK(CanonicalUriCandidates("/a%2bb") == std::vector<std::string>{"/a%2bb", "/a%2Bb"});
  CHECK(CanonicalUriCandidates("/%7Euser") == std::vector<std::string>{"/%7Euser", "/~user"});
}

}  // namespace
}  // namespace bale::auth
