// Client-side SigV4 for tests: signs a SignedRequest the way the AWS SDKs do
// (Authorization header, from auth/client_signer.h, or presigned query) and
// encodes aws-chunked bodies. It shares the canonicalization code with the
// verifier, so it proves nothing alone; the AWS published examples in
// sigv4_test.cc anchor both.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/client_signer.h"
#include "auth/request.h"
#include "auth/sigv4.h"

namespace bale::auth::testing {

// AWS's example credentials unless a test sets others.
struct ClientCredentials : SigningCredentials {
  ClientCredentials()
      : SigningCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"} {}
};

using auth::SignWithHeader;

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
