#include "auth/testing/request_signer.h"

#include <algorithm>
#include <cstdio>

#include "auth/amz_date.h"
#include "auth/canonical_request.h"
#include "auth/encoding.h"
#include "auth/signing_key.h"

namespace bale::auth::testing {
namespace {

constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Scope(const ClientCredentials& c, std::string_view date) {
  return std::string(date) + "/" + c.region + "/" + c.service + "/aws4_request";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

std::string Sign(const SignedRequest& request, const ClientCredentials& c,
                 const std::string& timestamp, const std::vector<std::string>& names,
                 std::string_view payload_hash, std::string_view excluded_param) {
  std::string canonical =
      BuildCanonicalRequest(request.method, CanonicalUriCandidates(request.RawPath()).front(),
                            CanonicalQueryString(ParseQuery(request.RawQuery()), excluded_param),
                            CanonicalHeaders(request, names), JoinNames(names), payload_hash);
  std::string key = DeriveSigningKey(c.secret, timestamp.substr(0, 8), c.region, c.service);
  return HmacSha256Hex(key,
                       BuildStringToSign(timestamp, Scope(c, timestamp.substr(0, 8)), canonical));
}

}  // namespace

std::string SignWithHeader(SignedRequest* request, const ClientCredentials& c, int64_t unix_seconds,
                           std::string_view payload_hash) {
  const std::string timestamp = FormatAmzDate(unix_seconds);
  if (!request->Header("x-amz-date")) request->headers.emplace_back("x-amz-date", timestamp);
  if (!request->Header("x-amz-content-sha256")) {
    request->headers.emplace_back("x-amz-content-sha256", std::string(payload_hash));
  }
  std::vector<std::string> names;
  for (const auto& [name, value] : request->headers) names.push_back(ToLowerAscii(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signature = Sign(*request, c, timestamp, names, payload_hash, "");
  request->headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + c.access_key +
                                                     "/" + Scope(c, timestamp.substr(0, 8)) +
                                                     ", SignedHeaders=" + JoinNames(names) +
                                                     ", Signature=" + signature);
  return signature;
}

void Presign(SignedRequest* request, const ClientCredentials& c, int64_t unix_seconds,
             int64_t expires_seconds, const std::vector<std::string>& extra_signed_headers) {
  const std::string timestamp = FormatAmzDate(unix_seconds);
  std::vector<std::string> names = extra_signed_headers;
  names.push_back("host");
  std::sort(names.begin(), names.end());
  std::string params = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
                       AwsUriEncode(c.access_key + "/" + Scope(c, timestamp.substr(0, 8)), false) +
                       "&X-Amz-Date=" + timestamp +
                       "&X-Amz-Expires=" + std::to_string(expires_seconds) +
                       "&X-Amz-SignedHeaders=" + AwsUriEncode(JoinNames(names), false);
  request->target += (request->target.find('?') == std::string::npos ? "?" : "&") + params;
  std::string signature = Sign(*request, c, timestamp, names, "UNSIGNED-PAYLOAD", "");
  request->target += "&X-Amz-Signature=" + signature;
}

ChunkSigningContext ChunkSigningFor(const ClientCredentials& c, int64_t unix_seconds,
                                    std::string seed_signature) {
  const std::string timestamp = FormatAmzDate(unix_seconds);
  const std::string date = timestamp.substr(0, 8);
  return ChunkSigningContext{DeriveSigningKey(c.secret, date, c.region, c.service), timestamp,
                             Scope(c, date), std::move(seed_signature)};
}

std::string EncodeAwsChunked(std::string_view payload, size_t chunk_size,
                             const ChunkSigningContext* signing,
                             const std::vector<std::pair<std::string, std::string>>* trailer,
                             bool sign_trailer) {
  std::string out;
  std::string previous = signing ? signing->seed_signature : "";
  auto chunk = [&](std::string_view data) {
    char size[32];
    std::snprintf(size, sizeof(size), "%zx", data.size());
    out += size;
    if (signing) {
      std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + signing->timestamp + "\n" + signing->scope +
                        "\n" + previous + "\n" + std::string(kEmptySha256Hex) + "\n" +
                        Sha256Hex(data);
      previous = HmacSha256Hex(signing->signing_key, sts);
      out += ";chunk-signature=" + previous;
    }
    out += "\r\n";
    if (!data.empty()) {
      out.append(data);
      out += "\r\n";
    }
  };
  for (size_t pos = 0; pos < payload.size(); pos += chunk_size) {
    chunk(payload.substr(pos, chunk_size));
  }
  chunk({});
  if (trailer) {
    std::string canonical;
    for (const auto& [name, value] : *trailer) {
      out += name + ":" + value + "\r\n";
      canonical += name + ":" + value + "\n";
    }
    if (signing && sign_trailer) {
      std::string sts = "AWS4-HMAC-SHA256-TRAILER\n" + signing->timestamp + "\n" + signing->scope +
                        "\n" + previous + "\n" + Sha256Hex(canonical);
      out += "x-amz-trailer-signature:" + HmacSha256Hex(signing->signing_key, sts) + "\r\n";
    }
  }
  out += "\r\n";
  return out;
}

}  // namespace bale::auth::testing
