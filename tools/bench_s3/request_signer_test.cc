// The load generator's signer against the production one: for the same
// request and time, every header line must be byte for byte what
// auth::SignWithHeader puts on the request.
#include "tools/bench_s3/request_signer.h"

#include <doctest.h>

#include "auth/checksum.h"
#include "auth/client_signer.h"
#include "auth/encoding.h"

namespace bale::bench_s3 {
namespace {

constexpr int64_t k2013May24 = 1369353600;  // 20130524T000000Z
const auth::SigningCredentials kCredentials{"AKIAIOSFODNN7EXAMPLE",
                                            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};

// The header lines SignWithHeader adds to a request with only Host, in the
// order RequestSigner writes them.
std::string ProductionLines(std::string_view method, std::string_view target, std::string_view host,
                            std::string_view payload_hash, int64_t unix_seconds,
                            const auth::SigningCredentials& c) {
  auth::SignedRequest r{std::string(method), std::string(target), {{"Host", std::string(host)}}};
  auth::SignWithHeader(&r, c, unix_seconds, payload_hash);
  std::string out;
  for (const char* name : {"Host", "x-amz-content-sha256", "x-amz-date", "Authorization"}) {
    out += std::string(name) + ": " + std::string(*r.Header(name)) + "\r\n";
  }
  return out;
}

std::string FastLines(RequestSigner& signer, std::string_view method, std::string_view path,
                      std::string_view query, std::string_view payload_hash, int64_t unix_seconds) {
  std::string out;
  signer.AppendSignedHeaders(method, path, query, payload_hash, unix_seconds, &out);
  return out;
}

TEST_CASE("the signer writes exactly the production signer's headers") {
  RequestSigner signer(kCredentials, "127.0.0.1:9000");
  struct Case {
    const char *method, *path, *query, *hash;
  } cases[] = {
      {"GET", "/bale-bench-ab12/k/00000042", "", "UNSIGNED-PAYLOAD"},
      {"HEAD", "/bale-bench-ab12/k/00000042", "", "UNSIGNED-PAYLOAD"},
      {"PUT", "/bale-bench-ab12/k/00000042", "", "UNSIGNED-PAYLOAD"},
      {"PUT", "/bale-bench-ab12", "",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"DELETE", "/b/a%20key%2Bplus", "", "UNSIGNED-PAYLOAD"},
      {"GET", "/b", "list-type=2&max-keys=1000&prefix=k%2F&start-after=k%2F0042",
       "UNSIGNED-PAYLOAD"},
      {"POST", "/b", "delete=", "UNSIGNED-PAYLOAD"},
      {"GET", "/", "", "UNSIGNED-PAYLOAD"},
  };
  for (int64_t t : {k2013May24, k2013May24 + 1, k2013May24 + 86399, k2013May24 + 86400}) {
    for (const Case& c : cases) {
      std::string target = std::string(c.path) + (*c.query ? std::string("?") + c.query : "");
      CHECK_MESSAGE(
          FastLines(signer, c.method, c.path, c.query, c.hash, t) ==
              ProductionLines(c.method, target, "127.0.0.1:9000", c.hash, t, kCredentials),
          c.method << " " << target << " at " << t);
    }
  }
}

TEST_CASE("a body hash, another region and a day change are signed like production") {
  auth::SigningCredentials eu = kCredentials;
  eu.region = "eu-west-3";
  RequestSigner signer(eu, "s3.example.com");
  const std::string hash = auth::Sha256Hex("Welcome to Amazon S3.");
  for (int64_t t : {k2013May24 - 1, k2013May24, k2013May24 + 86400 * 400}) {
    CHECK(FastLines(signer, "PUT", "/test%24file.text", "", hash, t) ==
          ProductionLines("PUT", "/test%24file.text", "s3.example.com", hash, t, eu));
  }
}

TEST_CASE("AWS's published GET Bucket example signature") {
  RequestSigner signer(kCredentials, "examplebucket.s3.amazonaws.com");
  FastLines(signer, "GET", "/", "max-keys=2&prefix=J",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", k2013May24);
  CHECK(signer.last_signature() ==
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

}  // namespace
}  // namespace bale::bench_s3
