// Client-side SigV4 for tests: signs a SignedRequest the way the AWS SDKs do
// (Authorization header or presigned query) and encodes aws-chunked bodies.
// It shares the canonicalization code with the verifier, so it proves nothing
// alone; the AWS published examples in sigv4_test.cc anchor both.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/request.h"
#include "auth/sigv4.h"

namespace bale::auth::testing {

struct ClientCredentials {
  std::string access_key = "AKIAIOSFODNN7EXAMPLE";
  std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  std::string region = "us-east-1";
  std::string service = "s3";
};

// Sets x-amz-date (from `unix_seconds`) and x-amz-content-sha256 (to
// `payload_hash`) unless present, then adds an Authorization header signing
// every header the request has. Returns the signature (the seed signature of
// an aws-chunked body).
std::string SignWithHeader(SignedRequest* request, const ClientCredentials& credentials,
                           int64_t unix_seconds, std::string_view payload_hash);

// Appends X-Amz-* presign parameters to request->target, signing "host" and
// the given extra headers (lowercase names).
void Presign(SignedRequest* request, const ClientCredentials& credentials, int64_t unix_seconds,
             int64_t expires_seconds, const std::vector<std::string>& extra_signed_headers = {});

// The chunk signing context a verified request with this seed would yield.
ChunkSigningContext ChunkSigningFor(const ClientCredentials& credentials, int64_t unix_seconds,
                                    std::string seed_signature);

// Encodes `payload` as an aws-chunked body of `chunk_size` chunks. With
// `signing` (signed modes) every chunk carries a chunk-signature; with
// `trailer` lines (name, value) and a trailer mode the trailer follows the
// 0 chunk, signed when `signing` is given and `sign_trailer` is true.
std::string EncodeAwsChunked(std::string_view payload, size_t chunk_size,
                             const ChunkSigningContext* signing,
                             const std::vector<std::pair<std::string, std::string>>* trailer,
                             bool sign_trailer = true);

}  // namespace bale::auth::testing
