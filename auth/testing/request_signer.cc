#include "auth/testing/request_signer.h"

#include <algorithm>
#include <cstdio>

#include "auth/amz_date.h"
#include "auth/encoding.h"
#include "auth/signing_key.h"

namespace bale::auth::testing {
namespace {

constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace

void Presign(SignedRequest* request, const ClientCredentials& c, int64_t unix_seconds,
             int64_t expires_seconds, const std::vector<std::string>& extra_signed_headers) {
  const std::string timestamp = FormatAmzDate(unix_seconds);
  std::vector<std::string> names = extra_signed_headers;
  names.push_back("host");
  std::sort(names.begin(), names.end());
  std::string params = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
                       AwsUriEncode(c.access_key + "/" + SigningScope(c, timestamp), false) +
                       "&X-Amz-Date=" + timestamp +
                       "&X-Amz-Expires=" + std::to_string(expires_seconds) +
                       "&X-Amz-SignedHeaders=" + AwsUriEncode(JoinHeaderNames(names), false);
  request->target += (request->target.find('?') == std::string::npos ? "?" : "&") + params;
  std::string signature = ComputeSignature(*request, c, timestamp, names, "UNSIGNED-PAYLOAD");
  request->target += "&X-Amz-Signature=" + signature;
}

ChunkSigningContext ChunkSigningFor(const ClientCredentials& c, int64_t unix_seconds,
                                    std::string seed_signature) {
  const std::string timestamp = FormatAmzDate(unix_seconds);
  return ChunkSigningContext{DeriveSigningKey(c.secret, timestamp.substr(0, 8), c.region, c.service),
                             timestamp, SigningScope(c, timestamp), std::move(seed_signature)};
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
