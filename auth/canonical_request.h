// The SigV4 canonical request and string to sign, with S3's rules:
//   method \n canonical URI \n canonical query \n canonical headers \n
//   signed headers \n hashed payload
// See docs/auth.md for the choices where clients disagree.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/request.h"

namespace bale::auth {

// The canonical URIs to try for a raw (still percent-encoded) path, best
// first. S3 encodes each segment once and never normalizes ("//" and "." stay),
// so the first candidate is the path exactly as sent. The second, present only
// when it differs, decodes and re-encodes each segment with AwsUriEncode: it
// matches clients that send a character raw ("$", "+", "!") but sign it
// encoded, as AWS's own PUT example does for "test$file.text".
std::vector<std::string> CanonicalUriCandidates(std::string_view raw_path);

// Each name and value AwsUriEncode'd, sorted by name then value, joined as
// "a=1&b=&c=x". A parameter named `excluded_name` (exact) is left out: the
// presigned X-Amz-Signature.
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& params,
                                 std::string_view excluded_name = {});

// "name:value\n" for each signed header name (lowercase) in the order given:
// every value of that header, trimmed, inner runs of spaces and tabs collapsed
// to one space, joined with ','. A signed "expect" header that is missing
// reads as "100-continue" (proxies drop it after answering it).
std::string CanonicalHeaders(const SignedRequest& request,
                             const std::vector<std::string>& signed_header_names);

std::string BuildCanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query,
                                  std::string_view canonical_headers,
                                  std::string_view signed_headers, std::string_view hashed_payload);

// "AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex sha256 of canonical request>"
std::string BuildStringToSign(std::string_view timestamp, std::string_view scope,
                              std::string_view canonical_request);

}  // namespace bale::auth
