// Reads the signature a request carries, from the Authorization header or
// from presigned query parameters, into one shape, and checks its form: the
// credential scope against our region and service, the date formats, the
// X-Amz-Expires range. It does not look up keys, read the clock or compute
// signatures (sigv4.cc does).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/request.h"
#include "common/status.h"

namespace bale::auth {

struct CredentialScope {
  std::string access_key;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;

  // "20130524/us-east-1/s3/aws4_request"
  std::string ToString() const;
};

struct SignatureInputs {
  bool presigned = false;
  CredentialScope credential;
  std::string signed_headers;                    // as sent: "host;range;x-amz-date"
  std::vector<std::string> signed_header_names;  // lowercase, in that order
  std::string signature;                         // as sent
  std::string timestamp;                         // ISO 8601 basic, as it enters the string to sign
  int64_t request_time = 0;                      // the timestamp in seconds since the epoch
  int64_t expires_seconds = 0;                   // presigned only: X-Amz-Expires
  // x-amz-content-sha256 (header form), X-Amz-Content-Sha256 or
  // UNSIGNED-PAYLOAD (presigned): the last line of the canonical request.
  std::string hashed_payload;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// `authorization` is the Authorization header value.
Result<SignatureInputs> ParseHeaderSignature(const SignedRequest& request,
                                             std::string_view authorization,
                                             std::string_view region, std::string_view service);

// `query` is the decoded query (ParseQuery); it must hold X-Amz-Algorithm.
Result<SignatureInputs> ParsePresignedSignature(const QueryParams& query, std::string_view region,
                                                std::string_view service);

// The first value of query parameter `name` (exact case), if any.
const std::string* FindQueryParam(const QueryParams& query, std::string_view name);

}  // namespace bale::auth
