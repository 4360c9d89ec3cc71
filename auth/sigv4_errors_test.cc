// Every way Authenticate() refuses a request, with the exact AWS error code
// (Status::reason()) the gateway will send.
#include <doctest.h>

#include "auth/checksum.h"
#include "auth/s3_errors.h"
#include "auth/sigv4.h"
#include "auth/testing/map_secret_store.h"
#include "auth/testing/request_signer.h"

namespace bale::auth {
namespace {

constexpr int64_t kNow = 1369353600;  // 20130524T000000Z
constexpr int64_t kMicros = 1'000'000;
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Fixture {
  ManualClock clock{kNow * kMicros};
  testing::ClientCredentials creds;
  MapSecretStore secrets{creds.access_key, creds.secret};

  SignedRequest Signed(std::string target = "/bucket/key",
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    SignedRequest r{"GET", std::move(target), {{"Host", "s3.example.com"}}};
    for (auto& h : headers) r.headers.push_back(std::move(h));
    testing::SignWithHeader(&r, creds, kNow, kEmptySha256);
    return r;
  }
  SignedRequest Presigned(int64_t expires, std::string target = "/bucket/key") {
    SignedRequest r{"GET", std::move(target), {{"Host", "s3.example.com"}}};
    testing::Presign(&r, creds, kNow, expires);
    return r;
  }
  Status Check(const SignedRequest& r) { return Authenticate(r, secrets, clock).status(); }
};

void SetHeader(SignedRequest* r, std::string_view name, std::string value) {
  for (auto& [key, v] : r->headers) {
    if (EqualsIgnoreCase(key, name)) {
      v = std::move(value);
      return;
    }
  }
  r->headers.emplace_back(std::string(name), std::move(value));
}

void RemoveHeader(SignedRequest* r, std::string_view name) {
  std::erase_if(r->headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  size_t pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

const std::string kGoodCredential =
    "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

TEST_CASE("a garbled Authorization header: AuthorizationHeaderMalformed") {
  Fixture f;
  SignedRequest good = f.Signed();
  const std::string auth(*good.Header("authorization"));
  struct Case {
    std::string value;
    std::string message;
  };
  const Case cases[] = {
      {Replace(auth, ", Signature=", ", Sig="),
       "The authorization header is malformed; the authorization component \"Sig=" +
           auth.substr(auth.find("Signature=") + 10) + "\" is malformed."},
      {auth.substr(0, auth.find(", Signature=")),
       "The authorization header is malformed; missing Signature."},
      {Replace(auth, kGoodCredential, "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1"),
       "The authorization header is malformed; the Credential is mal-formed; expecting "
       "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."},
      {Replace(auth, "/20130524/", "/2013-05-24/"),
       "The authorization header is malformed; incorrect date format \"2013-05-24\". This date "
       "in the credential must be in the format \"yyyyMMdd\"."},
      {Replace(auth, "/us-east-1/", "/us-west-2/"),
       "The authorization header is malformed; the region 'us-west-2' is wrong; expecting "
       "'us-east-1'"},
      {Replace(auth, "/s3/", "/s4/"),
       "The authorization header is malformed; incorrect service \"s4\". This endpoint belongs "
       "to \"s3\"."},
      {Replace(auth, "/aws4_request", "/aws4_reques"),
       "The authorization header is malformed; incorrect terminal \"aws4_reques\". This "
       "endpoint uses \"aws4_request\"."},
      {Replace(auth, "/20130524/", "/20130523/"),
       "The authorization header is malformed; Invalid credential date. Date is not the same "
       "as X-Amz-Date."},
      {Replace(auth, "SignedHeaders=host;", "SignedHeaders=;host;"),
       "The authorization header is malformed; the authorization component "
       "\"SignedHeaders=;host;x-amz-content-sha256;x-amz-date\" is malformed."},
      {"AWS4-HMAC-SHA256", "The authorization header is malformed; missing Credential."},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    SignedRequest r = good;
    SetHeader(&r, "Authorization", c.value);
    Status s = f.Check(r);
    CHECK(s.reason() == "AuthorizationHeaderMalformed");
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message() == c.message);
    // A wrong region names the right one in <Region>, for SDKs' region redirectors.
    const Status::Details region{{"Region", "us-east-1"}};
    CHECK(s.details() ==
          (c.message.find("the region") != std::string::npos ? region : Status::Details{}));
  }
}

TEST_CASE("authorization schemes other than AWS4-HMAC-SHA256") {
  Fixture f;
  SignedRequest r = f.Signed();
  SetHeader(&r, "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
  Status v2 = f.Check(r);
  CHECK(v2.reason() == "InvalidRequest");
  CHECK(v2.message() ==
        "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256.");
  SetHeader(&r, "Authorization", "Bearer abc");
  Status bearer = f.Check(r);
  CHECK(bearer.reason() == "InvalidArgument");
  CHECK(bearer.message() == "Unsupported Authorization Type");

  SignedRequest v2_query{"GET",
                         "/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1&Signature=x",
                         {{"Host", "s3.example.com"}}};
  CHECK(f.Check(v2_query).reason() == "InvalidRequest");
}

TEST_CASE("both an Authorization header and presigned parameters: InvalidArgument") {
  Fixture f;
  SignedRequest r = f.Presigned(600);
  SetHeader(&r, "Authorization", std::string(*f.Signed().Header("authorization")));
  Status s = f.Check(r);
  CHECK(s.reason() == "InvalidArgument");
  CHECK(s.message().starts_with("Only one auth mechanism allowed"));
}

TEST_CASE("no usable date: AccessDenied") {
  Fixture f;
  SignedRequest r = f.Signed();
  RemoveHeader(&r, "x-amz-date");
  Status missing = f.Check(r);
  CHECK(missing.reason() == "AccessDenied");
  CHECK(missing.message() == "AWS authentication requires a valid Date or x-amz-date header");
  SetHeader(&r, "x-amz-date", "2013-05-24T00:00:00Z");
  CHECK(f.Check(r).reason() == "AccessDenied");
  RemoveHeader(&r, "x-amz-date");
  SetHeader(&r, "Date", "yesterday");
  CHECK(f.Check(r).reason() == "AccessDenied");
}

TEST_CASE("clock skew beyond 15 minutes: RequestTimeTooSkewed, either way") {
  Fixture f;
  SignedRequest r = f.Signed();
  f.clock.AdvanceMicros(15 * 60 * kMicros);
  CHECK(f.Check(r).ok());  // exactly 15 minutes is allowed
  f.clock.AdvanceMicros(1 * kMicros);
  Status late = f.Check(r);
  CHECK(late.reason() == "RequestTimeTooSkewed");
  CHECK(late.code() == Code::kUnauthenticated);
  CHECK(late.message() ==
        "The difference between the request time and the current time is too large.");
  // As S3: the time as sent, the server's, and the allowance.
  const Status::Details late_details{{"RequestTime", "20130524T000000Z"},
                                     {"ServerTime", "2013-05-24T00:15:01Z"},
                                     {"MaxAllowedSkewMilliseconds", "900000"}};
  CHECK(late.details() == late_details);

  ManualClock behind((kNow - 16 * 60) * kMicros);
  CHECK(Authenticate(r, f.secrets, behind).status().reason() == "RequestTimeTooSkewed");
  AuthOptions lenient;
  lenient.allowed_clock_skew = std::chrono::hours(1);
  CHECK(Authenticate(r, f.secrets, behind, lenient).ok());
}

TEST_CASE("x-amz-content-sha256 missing (InvalidRequest) or invalid (InvalidArgument)") {
  Fixture f;
  SignedRequest r = f.Signed();
  RemoveHeader(&r, "x-amz-content-sha256");
  Status missing = f.Check(r);
  CHECK(missing.reason() == "InvalidRequest");
  CHECK(missing.message() == "Missing required header for this request: x-amz-content-sha256");

  for (std::string bad : {std::string("abc"), std::string("STREAMING-PAYLOAD"),
                          std::string(63, 'a'), std::string(64, 'g')}) {
    CAPTURE(bad);
    SetHeader(&r, "x-amz-content-sha256", bad);
    Status s = f.Check(r);
    CHECK(s.reason() == "InvalidArgument");
    CHECK(s.message().starts_with("x-amz-content-sha256 must be UNSIGNED-PAYLOAD"));
  }
  // Anonymous requests are held to the same values.
  SignedRequest anonymous{"PUT", "/b/k", {{"Host", "h"}, {"x-amz-content-sha256", "abc"}}};
  CHECK(f.Check(anonymous).reason() == "InvalidArgument");
}

TEST_CASE("an unknown access key: InvalidAccessKeyId") {
  Fixture f;
  f.creds.access_key = "AKIDUNKNOWN";
  Status s = f.Check(f.Signed());
  CHECK(s.reason() == "InvalidAccessKeyId");
  CHECK(s.code() == Code::kUnauthenticated);
  CHECK(s.message() == "The AWS access key Id you provided does not exist in our records.");
  CHECK(s.details() == Status::Details{{"AWSAccessKeyId", "AKIDUNKNOWN"}});
}

TEST_CASE("a secret store failure passes through unchanged") {
  struct BrokenStore : SecretStore {
    Result<std::string> SecretKey(std::string_view) override {
      return UnavailableError("meta store unreachable");
    }
  } broken;
  Fixture f;
  Status s = Authenticate(f.Signed(), broken, f.clock).status();
  CHECK(s.code() == Code::kUnavailable);
  CHECK(s.reason().empty());
}

TEST_CASE("anything changed after signing: SignatureDoesNotMatch") {
  Fixture f;
  const SignedRequest good = f.Signed("/bucket/key?list-type=2", {{"x-amz-meta-a", "1"}});
  REQUIRE(f.Check(good).ok());
  std::vector<SignedRequest> tampered(6, good);
  tampered[0].method = "DELETE";
  tampered[1].target = "/bucket/other?list-type=2";
  tampered[2].target = "/bucket/key?list-type=1";
  SetHeader(&tampered[3], "x-amz-meta-a", "2");
  SetHeader(&tampered[4], "Host", "evil.example.com");
  SetHeader(&tampered[5], "Authorization",
            Replace(std::string(*good.Header("authorization")), "Signature=",
                    "Signature=0"));  // one character too long
  for (const SignedRequest& r : tampered) {
    Status s = f.Check(r);
    CHECK(s.reason() == "SignatureDoesNotMatch");
    CHECK(s.code() == Code::kUnauthenticated);
  }
  f.secrets.Add(f.creds.access_key, "a different secret");
  CHECK(f.Check(good).reason() == "SignatureDoesNotMatch");
}

TEST_CASE("SignatureDoesNotMatch tells the client what the server signed, as S3 does") {
  Fixture f;
  SignedRequest r = f.Signed();
  r.method = "DELETE";
  Status s = f.Check(r);
  REQUIRE(s.reason() == "SignatureDoesNotMatch");
  const std::string canonical_request =
      "DELETE\n/bucket/key\n\nhost:s3.example.com\nx-amz-content-sha256:" +
      std::string(kEmptySha256) + "\nx-amz-date:20130524T000000Z\n\n" +
      "host;x-amz-content-sha256;x-amz-date\n" + std::string(kEmptySha256);
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
      "fe96e0695afc1c146508553be0d1590272fc46b06cbe2bfa2f9baa71c6193ebc";
  std::string authorization(*r.Header("authorization"));
  const std::string provided = authorization.substr(authorization.find("Signature=") + 10);
  REQUIRE(s.details().size() == 6);
  CHECK(s.details()[0] ==
        std::pair<std::string, std::string>("AWSAccessKeyId", f.creds.access_key));
  CHECK(s.details()[1] == std::pair<std::string, std::string>("StringToSign", string_to_sign));
  CHECK(s.details()[2] == std::pair<std::string, std::string>("SignatureProvided", provided));
  CHECK(s.details()[3].first == "StringToSignBytes");
  CHECK(s.details()[3].second.starts_with("41 57 53 34 2d 48 4d 41 43 2d 53 48 41 32 35 36 0a 32"));
  CHECK(s.details()[3].second.size() == string_to_sign.size() * 3 - 1);
  CHECK(s.details()[4] ==
        std::pair<std::string, std::string>("CanonicalRequest", canonical_request));
  CHECK(s.details()[5].first == "CanonicalRequestBytes");
  CHECK(s.details()[5].second.starts_with("44 45 4c 45 54 45 0a 2f"));  // "DELETE\n/"
  CHECK(s.details()[5].second.size() == canonical_request.size() * 3 - 1);
}

TEST_CASE("unsigned x-amz-* headers or an unsigned host: AccessDenied") {
  Fixture f;
  SignedRequest r = f.Signed();
  r.headers.emplace_back("X-Amz-Acl", "public-read");
  Status s = f.Check(r);
  CHECK(s.reason() == "AccessDenied");
  CHECK(s.message() ==
        "There were headers present in the request which were not signed: x-amz-acl");

  SignedRequest presigned = f.Presigned(600);
  presigned.headers.emplace_back("x-amz-acl", "public-read");
  CHECK(f.Check(presigned).reason() == "AccessDenied");

  SignedRequest no_host{"GET", "/b/k", {}};
  testing::SignWithHeader(&no_host, f.creds, kNow, kEmptySha256);
  no_host.headers.emplace_back("Host", "s3.example.com");
  CHECK(f.Check(no_host).reason() == "AccessDenied");
}

TEST_CASE("presigned URLs: expiry and the not-yet-valid window: AccessDenied") {
  Fixture f;
  SignedRequest r = f.Presigned(600);
  CHECK(f.Check(r).ok());
  f.clock.AdvanceMicros(601 * kMicros);
  Status expired = f.Check(r);
  CHECK(expired.reason() == "AccessDenied");
  CHECK(expired.message() == "Request has expired");

  ManualClock early((kNow - 16 * 60) * kMicros);
  Status not_yet = Authenticate(r, f.secrets, early).status();
  CHECK(not_yet.reason() == "AccessDenied");
  CHECK(not_yet.message() == "Request is not valid yet");
  ManualClock slightly_early((kNow - 60) * kMicros);
  CHECK(Authenticate(r, f.secrets, slightly_early).ok());  // within the skew
}

TEST_CASE("bad presigned parameters: AuthorizationQueryParametersError") {
  Fixture f;
  const std::string good = f.Presigned(600).target;
  struct Case {
    std::string target;
    std::string message;
  };
  const Case cases[] = {
      {Replace(good, "X-Amz-Expires=600", "X-Amz-Expires=604801"),
       "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
       "must be less than 604800 seconds"},
      {Replace(good, "X-Amz-Expires=600", "X-Amz-Expires=0"),
       "X-Amz-Expires must be at least 1 second"},
      {Replace(good, "X-Amz-Expires=600", "X-Amz-Expires=-1"),
       "X-Amz-Expires must be non-negative"},
      {Replace(good, "X-Amz-Expires=600", "X-Amz-Expires=ten"), "X-Amz-Expires should be a number"},
      {Replace(good, "&X-Amz-Expires=600", ""),
       "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
       "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
      {Replace(good, "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1"),
       "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""},
      {Replace(good, "%2Fus-east-1%2F", "%2Feu-west-1%2F"),
       "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; "
       "expecting 'us-east-1'"},
      {Replace(good, "X-Amz-Date=20130524T000000Z", "X-Amz-Date=20130524"),
       "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""},
      {Replace(good, "X-Amz-Date=20130524T000000Z", "X-Amz-Date=20130525T000000Z"),
       "Invalid credential date \"20130524\". This date is not the same as X-Amz-Date: "
       "\"20130525\"."},
  };
  for (const Case& c : cases) {
    CAPTURE(c.target);
    SignedRequest r{"GET", c.target, {{"Host", "s3.example.com"}}};
    Status s = f.Check(r);
    CHECK(s.reason() == "AuthorizationQueryParametersError");
    CHECK(s.message() == c.message);
    // A wrong region names the right one in <Region>, for SDKs' region redirectors.
    const Status::Details region{{"Region", "us-east-1"}};
    CHECK(s.details() ==
          (c.message.find("the region") != std::string::npos ? region : Status::Details{}));
  }
  // A week exactly is the longest allowed.
  CHECK(f.Check(f.Presigned(604800)).ok());
}

TEST_CASE("a presigned signature that does not match: SignatureDoesNotMatch") {
  Fixture f;
  SignedRequest r = f.Presigned(600);
  r.target = Replace(r.target, "/bucket/key", "/bucket/other");
  CHECK(f.Check(r).reason() == "SignatureDoesNotMatch");
}

TEST_CASE("x-amz-trailer naming no supported checksum: InvalidRequest") {
  Fixture f;
  SignedRequest r = f.Signed("/b/k", {{"x-amz-trailer", "x-amz-checksum-md5"}});
  Status s = f.Check(r);
  CHECK(s.reason() == "InvalidRequest");
  CHECK(s.message() == "The value specified in the x-amz-trailer header is not supported");
}

TEST_CASE("anonymous requests cannot claim a signed streaming payload: AccessDenied") {
  Fixture f;
  SignedRequest r{"PUT",
                  "/b/k",
                  {{"Host", "h"}, {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}}};
  CHECK(f.Check(r).reason() == "AccessDenied");
}

}  // namespace
}  // namespace bale::auth
