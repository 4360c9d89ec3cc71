// RequestSigner: SigV4 with the Authorization header, for a load generator.
// It produces exactly what auth::SignWithHeader produces for a request whose
// headers are Host, x-amz-content-sha256 and x-amz-date (request_signer_test
// checks that against the production signer), at a fraction of the cost:
// the signing key is derived once per UTC day (auth::DeriveSigningKey), the
// timestamp and scope once per second, SHA-256 and HMAC contexts are fetched
// once and reused, and the canonical request and the header lines are written
// into reused buffers, so a signature allocates nothing once warm.
//
// Thread-safety: none; one per client thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/client_signer.h"

namespace bale::bench_s3 {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

class RequestSigner {
 public:
  // `host` is the Host header's value ("127.0.0.1:9000").
  RequestSigner(auth::SigningCredentials credentials, std::string host);
  ~RequestSigner();
  RequestSigner(const RequestSigner&) = delete;
  RequestSigner& operator=(const RequestSigner&) = delete;

  // Appends the header lines "Host", "x-amz-content-sha256", "x-amz-date" and
  // "Authorization" (each ending in CRLF) of a request for `path` (already
  // URI-encoded the S3 way) and `canonical_query` (already in canonical form:
  // names and values AwsUriEncode'd, sorted, joined by '&'; it is sent as is).
  void AppendSignedHeaders(std::string_view method, std::string_view path,
                           std::string_view canonical_query, std::string_view payload_hash,
                           int64_t unix_seconds, std::string* out);

  // The hex signature of the last AppendSignedHeaders.
  std::string_view last_signature() const { return {signature_hex_, sizeof signature_hex_}; }

 private:
  struct Crypto;  // OpenSSL contexts, kept out of this header
  void SetSecond(int64_t unix_seconds);

  auth::SigningCredentials credentials_;
  std::string host_;
  std::unique_ptr<Crypto> crypto_;
  int64_t second_ = -1;
  std::string day_;             // "YYYYMMDD" of the current signing key
  std::string timestamp_;       // "YYYYMMDDTHHMMSSZ"
  std::string credential_;      // "AKID/YYYYMMDD/region/s3/aws4_request"
  std::string to_sign_prefix_;  // "AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n"
  std::string canonical_;
  std::string to_sign_;
  char signature_hex_[64] = {};
};

}  // namespace bale::bench_s3
