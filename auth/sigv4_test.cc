// Authenticate() against the examples AWS publishes for S3 SigV4
// (sig-v4-header-based-auth.html, sigv4-query-string-auth.html), with the
// example credentials AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.
#include "auth/sigv4.h"

#include <doctest.h>

#include "auth/amz_date.h"
#include "auth/canonical_request.h"
#include "auth/encoding.h"
#include "auth/signing_key.h"
#include "auth/testing/map_secret_store.h"
#include "auth/testing/request_signer.h"

namespace bale::auth {
namespace {

constexpr int64_t kExampleTime = 1369353600;  // 20130524T000000Z
constexpr int64_t kMicros = 1'000'000;
constexpr std::string_view kAccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view kExampleHost = "examplebucket.s3.amazonaws.com";

std::string ExampleAuthorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
         "SignedHeaders=" +
         std::string(signed_headers) + ",Signature=" + std::string(signature);
}

struct Fixture {
  ManualClock clock{kExampleTime * kMicros};
  MapSecretStore secrets{std::string(kAccessKey), std::string(kSecret)};

  Result<AuthContext> Check(const SignedRequest& r) { return Authenticate(r, secrets, clock); }
};

SignedRequest ExampleGet(std::string target, std::string signature) {
  return SignedRequest{
      "GET",
      std::move(target),
      {{"Host", std::string(kExampleHost)},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-content-sha256", std::string(kEmptySha256)},
       {"Authorization", ExampleAuthorization("host;x-amz-content-sha256;x-amz-date", signature)}}};
}

TEST_CASE("AWS example: GET Object with a Range header") {
  Fixture f;
  SignedRequest r{
      "GET",
      "/test.txt",
      {{"Host", std::string(kExampleHost)},
       {"Authorization",
        ExampleAuthorization("host;range;x-amz-content-sha256;x-amz-date",
                             "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")},
       {"Range", "bytes=0-9"},
       {"x-amz-content-sha256", std::string(kEmptySha256)},
       {"x-amz-date", "20130524T000000Z"}}};
  auto result = f.Check(r);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(!result->anonymous);
  CHECK(result->access_key == kAccessKey);
  CHECK(result->payload == PayloadMode::kSha256);
  CHECK(result->expected_sha256_hex == kEmptySha256);
  CHECK(result->chunk_signing.timestamp == "20130524T000000Z");
  CHECK(result->chunk_signing.scope == "20130524/us-east-1/s3/aws4_request");
  CHECK(CheckPayloadSha256(*result, kEmptySha256).ok());
  Status mismatch = CheckPayloadSha256(*result, Sha256Hex("x"));
  CHECK(mismatch.reason() == "XAmzContentSHA256Mismatch");
  const Status::Details want{{"ClientComputedContentSHA256", std::string(kEmptySha256)},
                             {"S3ComputedContentSHA256", Sha256Hex("x")}};
  CHECK(mismatch.details() == want);
}

TEST_CASE("AWS example: PUT Object test$file.text") {
  Fixture f;
  const std::string payload_hash = Sha256Hex("Welcome to Amazon S3.");
  CHECK(payload_hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  // SDKs send the '$' encoded; AWS's example shows it raw. Both verify.
  for (std::string target : {"/test%24file.text", "/test$file.text"}) {
    CAPTURE(target);
    SignedRequest r{
        "PUT",
        target,
        {{"Host", std::string(kExampleHost)},
         {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
         {"Authorization",
          ExampleAuthorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                               "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")},
         {"x-amz-date", "20130524T000000Z"},
         {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
         {"x-amz-content-sha256", payload_hash}}};
    auto result = f.Check(r);
    REQUIRE_MESSAGE(result.ok(), result.status().ToString());
    CHECK(result->payload == PayloadMode::kSha256);
    CHECK(result->expected_sha256_hex == payload_hash);
  }
}

TEST_CASE("AWS example: GET Bucket lifecycle (a subresource with no value)") {
  Fixture f;
  auto result = f.Check(ExampleGet(
      "/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
}

TEST_CASE("AWS example: GET Bucket (list objects) with max-keys and prefix") {
  Fixture f;
  auto result = f.Check(ExampleGet(
      "/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  // The canonical query is sorted, so the order on the wire does not matter.
  auto reordered = f.Check(ExampleGet(
      "/?prefix=J&max-keys=2", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
  CHECK(reordered.ok());
}

constexpr std::string_view kPresignedTarget =
    "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%"
    "2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-"
    "SignedHeaders=host&X-Amz-Signature="
    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

TEST_CASE("AWS example: presigned GET /test.txt valid for 86400 seconds") {
  Fixture f;
  SignedRequest r{"GET", std::string(kPresignedTarget), {{"Host", std::string(kExampleHost)}}};
  f.clock.AdvanceMicros(3600 * kMicros);
  auto result = f.Check(r);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->access_key == kAccessKey);
  CHECK(result->payload == PayloadMode::kUnsigned);

  // Exactly at the expiry second it still holds; one second later it does not.
  f.clock.AdvanceMicros((86400 - 3600) * kMicros);
  CHECK(f.Check(r).ok());
  f.clock.AdvanceMicros(1 * kMicros);
  auto expired = f.Check(r);
  REQUIRE(!expired.ok());
  CHECK(expired.status().reason() == "AccessDenied");
  CHECK(expired.status().message() == "Request has expired");
}

TEST_CASE("Authorization header spacing variants that SDKs send all verify") {
  Fixture f;
  const std::string sig = "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7";
  const std::string cred = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
  const std::string sh = "SignedHeaders=host;x-amz-content-sha256;x-amz-date";
  for (std::string value :
       {"AWS4-HMAC-SHA256 " + cred + "," + sh + ",Signature=" + sig,
        "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=" + sig,
        "AWS4-HMAC-SHA256  " + cred + " ,  " + sh + " ,\tSignature=" + sig + " ",
        "AWS4-HMAC-SHA256 " + sh + ", Signature=" + sig + ", " + cred}) {
    CAPTURE(value);
    SignedRequest r = ExampleGet("/?max-keys=2&prefix=J", sig);
    r.headers.back().second = value;
    auto result = f.Check(r);
    CHECK_MESSAGE(result.ok(), result.status().ToString());
  }
}

TEST_CASE("a request signed with only the Date header verifies") {
  Fixture f;
  SignedRequest r{"GET",
                  "/bucket/key",
                  {{"Host", "s3.example.com"},
                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                   {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}};
  std::vector<std::string> names = {"date", "host", "x-amz-content-sha256"};
  std::string canonical =
      BuildCanonicalRequest("GET", "/bucket/key", "", CanonicalHeaders(r, names),
                            "date;host;x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  std::string key = DeriveSigningKey(kSecret, "20130524", "us-east-1", "s3");
  std::string sig = HmacSha256Hex(
      key, BuildStringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical));
  r.headers.emplace_back("Authorization",
                         ExampleAuthorization("date;host;x-amz-content-sha256", sig));
  auto result = f.Check(r);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->payload == PayloadMode::kUnsigned);
}

TEST_CASE("requests signed by the test client verify: keys, paths, queries, regions") {
  Fixture f;
  f.secrets.Add("other-key", "other/secret+value");
  testing::ClientCredentials other;
  other.access_key = "other-key";
  other.secret = "other/secret+value";
  for (const testing::ClientCredentials& creds : {testing::ClientCredentials{}, other}) {
    for (std::string target :
         {"/bucket/a%20b/c%2Bd", "/bucket//double/./dot", "/bucket/k?list-type=2&prefix=a%2Fb%20c",
          "/bucket?uploads", "/bucket/%E2%82%AC?versionId=x~y&tagging"}) {
      CAPTURE(target);
      SignedRequest r{"PUT", target, {{"Host", "s3.example.com"}, {"X-Amz-Meta-Note", "a  b"}}};
      testing::SignWithHeader(&r, creds, kExampleTime, "UNSIGNED-PAYLOAD");
      auto result = f.Check(r);
      REQUIRE_MESSAGE(result.ok(), result.status().ToString());
      CHECK(result->access_key == creds.access_key);
    }
  }
  AuthOptions eu;
  eu.region = "eu-west-1";
  testing::ClientCredentials eu_creds;
  eu_creds.region = "eu-west-1";
  SignedRequest r{"GET", "/b/k", {{"Host", "s3.example.com"}}};
  testing::SignWithHeader(&r, eu_creds, kExampleTime, kEmptySha256);
  CHECK(Authenticate(r, f.secrets, f.clock, eu).ok());
}

TEST_CASE("presigned requests from the test client verify, with extra signed headers") {
  Fixture f;
  SignedRequest r{"PUT",
                  "/bucket/key?partNumber=1&uploadId=abc",
                  {{"Host", "s3.example.com"}, {"x-amz-checksum-crc32", "AAAAAA=="}}};
  testing::Presign(&r, testing::ClientCredentials{}, kExampleTime, 600, {"x-amz-checksum-crc32"});
  auto result = f.Check(r);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->payload == PayloadMode::kUnsigned);
}

TEST_CASE("no credentials at all is an anonymous request") {
  Fixture f;
  auto result = f.Check(SignedRequest{"GET", "/bucket/key?acl", {{"Host", "s3.example.com"}}});
  REQUIRE(result.ok());
  CHECK(result->anonymous);
  CHECK(result->access_key.empty());
  CHECK(result->payload == PayloadMode::kUnsigned);

  auto with_trailer =
      f.Check(SignedRequest{"PUT",
                            "/bucket/key",
                            {{"Host", "s3.example.com"},
                             {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                             {"x-amz-trailer", "x-amz-checksum-crc64nvme"}}});
  REQUIRE(with_trailer.ok());
  CHECK(with_trailer->anonymous);
  CHECK(with_trailer->payload == PayloadMode::kStreamingUnsignedTrailer);
  CHECK(with_trailer->trailer_checksum == ChecksumAlgorithm::kCrc64Nvme);
}

TEST_CASE("signing keys are derived once per day, region and service") {
  SigningKeyCache cache(2);
  std::string a = cache.Get(kSecret, "20130524", "us-east-1", "s3");
  CHECK(a == DeriveSigningKey(kSecret, "20130524", "us-east-1", "s3"));
  CHECK(HexEncode(a) == "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
  CHECK(cache.Get(kSecret, "20130524", "us-east-1", "s3") == a);
  CHECK(cache.size() == 1);
  CHECK(cache.Get(kSecret, "20130525", "us-east-1", "s3") != a);
  CHECK(cache.size() == 2);
  cache.Get(kSecret, "20130526", "us-east-1", "s3");  // full: starts over
  CHECK(cache.size() == 1);
}

}  // namespace
}  // namespace bale::auth
