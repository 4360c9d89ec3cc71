#include "auth/client_signer.h"

#include <algorithm>

#include "auth/amz_date.h"
#include "auth/canonical_request.h"
#include "auth/encoding.h"
#include "auth/signing_key.h"

namespace bale::auth {
namespace {

constexpr size_t kDateLength = 8;  // "YYYYMMDD" leads the timestamp

}  // namespace

std::string SigningScope(const SigningCredentials& c, std::string_view timestamp) {
  return std::string(timestamp.substr(0, kDateLength)) + "/" + c.region + "/" + c.service +
         "/aws4_request";
}

std::string JoinHeaderNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

std::string ComputeSignature(const SignedRequest& request, const SigningCredentials& c,
                             std::string_view timestamp, const std::vector<std::string>& names,
                             std::string_view payload_hash) {
  // X-Amz-Signature is not in the target yet when a presigned URL is signed,
  // so no query parameter needs leaving out.
  std::string canonical =
      BuildCanonicalRequest(request.method, CanonicalUriCandidates(request.RawPath()).front(),
                            CanonicalQueryString(ParseQuery(request.RawQuery())),
                            CanonicalHeaders(request, names), JoinHeaderNames(names), payload_hash);
  std::string key =
      DeriveSigningKey(c.secret, timestamp.substr(0, kDateLength), c.region, c.service);
  return HmacSha256Hex(key, BuildStringToSign(timestamp, SigningScope(c, timestamp), canonical));
}

std::string SignWithHeader(SignedRequest* request, const SigningCredentials& c,
                           int64_t unix_seconds, std::string_view payload_hash) {
  const std::string timestamp = FormatAmzDate(unix_seconds);
  if (!request->Header("x-amz-date")) request->headers.emplace_back("x-amz-date", timestamp);
  if (!request->Header("x-amz-content-sha256")) {
    request->headers.emplace_back("x-amz-content-sha256", std::string(payload_hash));
  }
  std::vector<std::string> names;
  for (const auto& [name, value] : request->headers) names.push_back(ToLowerAscii(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signature = ComputeSignature(*request, c, timestamp, names, payload_hash);
  request->headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + c.access_key +
                                                     "/" + SigningScope(c, timestamp) +
                                                     ", SignedHeaders=" + JoinHeaderNames(names) +
                                                     ", Signature=" + signature);
  return signature;
}

}  // namespace bale::auth
