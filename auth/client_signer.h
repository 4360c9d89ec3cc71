// Client-side SigV4 with the Authorization header, the way the AWS SDKs sign:
// what `bale admin` sends and what the tests' request signer builds on. It
// shares the canonicalization code with the verifier (canonical_request.h), so
// the AWS published examples in sigv4_test.cc and client_signer_test.cc anchor
// both sides.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/request.h"

namespace bale::auth {

struct SigningCredentials {
  std::string access_key;
  std::string secret;
  std::string region = "us-east-1";
  std::string service = "s3";
};

// "20130524/us-east-1/s3/aws4_request" for a "20130524T000000Z" timestamp.
std::string SigningScope(const SigningCredentials& credentials, std::string_view timestamp);

// The hex signature of `request` (its target already URI-encoded the S3 way)
// over the lowercase `signed_header_names`, in the order given.
std::string ComputeSignature(const SignedRequest& request, const SigningCredentials& credentials,
                             std::string_view timestamp,
                             const std::vector<std::string>& signed_header_names,
                             std::string_view payload_hash);

// "a;b;c"
std::string JoinHeaderNames(const std::vector<std::string>& names);

// Sets x-amz-date (from `unix_seconds`) and x-amz-content-sha256 (to
// `payload_hash`: the body's hex SHA-256 or UNSIGNED-PAYLOAD) unless present,
// then adds an Authorization header signing every header the request has, so
// Host must be there already. Returns the signature (the seed signature of an
// aws-chunked body).
std::string SignWithHeader(SignedRequest* request, const SigningCredentials& credentials,
                           int64_t unix_seconds, std::string_view payload_hash);

}  // namespace bale::auth
