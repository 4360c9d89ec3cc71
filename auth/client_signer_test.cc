// SignWithHeader against the signatures AWS publishes for S3 SigV4
// (sig-v4-header-based-auth.html): the client must produce them exactly.
#include "auth/client_signer.h"

#include <doctest.h>

#include "auth/checksum.h"

namespace bale::auth {
namespace {

constexpr int64_t kExampleTime = 1369353600;  // 20130524T000000Z
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SigningCredentials kExample{"AKIAIOSFODNN7EXAMPLE",
                                  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};

TEST_CASE("AWS example: GET Object with a Range header, signed by the client") {
  SignedRequest r{
      "GET", "/test.txt", {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}}};
  std::string signature = SignWithHeader(&r, kExample, kExampleTime, kEmptySha256);
  CHECK(signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(r.Header("x-amz-date") == "20130524T000000Z");
  CHECK(r.Header("x-amz-content-sha256") == kEmptySha256);
  CHECK(r.Header("Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("AWS example: PUT Object test$file.text with a body hash, signed by the client") {
  SignedRequest r{"PUT",
                  "/test%24file.text",
                  {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}};
  CHECK(SignWithHeader(&r, kExample, kExampleTime, Sha256Hex("Welcome to Amazon S3.")) ==
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("AWS example: GET Bucket with a query, signed by the client") {
  SignedRequest r{"GET", "/?max-keys=2&prefix=J", {{"Host", "examplebucket.s3.amazonaws.com"}}};
  CHECK(SignWithHeader(&r, kExample, kExampleTime, kEmptySha256) ==
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("headers already set by the caller are kept, not doubled") {
  SignedRequest r{"GET", "/", {{"Host", "h"}, {"X-Amz-Date", "20130524T000000Z"}}};
  SignWithHeader(&r, kExample, kExampleTime + 5, "UNSIGNED-PAYLOAD");
  CHECK(r.HeaderValues("x-amz-date").size() == 1);
  CHECK(r.Header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
}

}  // namespace
}  // namespace bale::auth
