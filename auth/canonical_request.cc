#include "auth/canonical_request.h"

#include <algorithm>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "common/text.h"

namespace bale::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Decodes and re-encodes each '/'-separated segment, so an encoded slash
// inside a segment ("%2F") stays encoded.
std::string ReencodePath(std::string_view raw_path) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t slash = raw_path.find('/', start);
    std::string_view segment = raw_path.substr(start, slash - start);
    out += AwsUriEncode(PercentDecode(segment, /*plus_is_space=*/false), /*keep_slash=*/false);
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
  return out;
}

// Trims and collapses runs of spaces and tabs into one space.
void AppendCanonicalValue(std::string* out, std::string_view value) {
  value = TrimWhitespace(value);
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space) out->push_back(' ');
    in_space = false;
    out->push_back(c);
  }
}

}  // namespace

std::vector<std::string> CanonicalUriCandidates(std::string_view raw_path) {
  std::string as_sent = raw_path.empty() ? std::string("/") : std::string(raw_path);
  std::string reencoded = ReencodePath(as_sent);
  std::vector<std::string> out{as_sent};
  if (reencoded != as_sent) out.push_back(std::move(reencoded));
  return out;
}

std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& params,
                                 std::string_view excluded_name) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (!excluded_name.empty() && name == excluded_name) continue;
    encoded.emplace_back(AwsUriEncode(name, false), AwsUriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string CanonicalHeaders(const SignedRequest& request,
                             const std::vector<std::string>& signed_header_names) {
  std::string out;
  for (const std::string& name : signed_header_names) {
    out += name;
    out.push_back(':');
    std::vector<std::string_view> values = request.HeaderValues(name);
    if (values.empty() && name == "expect") values.push_back("100-continue");
    for (size_t i = 0; i < values.size(); i++) {
      if (i > 0) out.push_back(',');
      AppendCanonicalValue(&out, values[i]);
    }
    out.push_back('\n');
  }
  return out;
}

std::string BuildCanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query,
                                  std::string_view canonical_headers,
                                  std::string_view signed_headers,
                                  std::string_view hashed_payload) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + hashed_payload.size() + 8);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(canonical_headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(hashed_payload);
  return out;
}

std::string BuildStringToSign(std::string_view timestamp, std::string_view scope,
                              std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out.append(timestamp).push_back('\n');
  out.append(scope).push_back('\n');
  out += Sha256Hex(canonical_request);
  return out;
}

}  // namespace bale::auth
