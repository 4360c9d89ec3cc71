#include "auth/signature_inputs.h"

#include <optional>

#include "auth/amz_date.h"
#include "auth/s3_errors.h"
#include "common/text.h"

namespace bale::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr int64_t kMaxPresignedExpiry = 604800;  // one week, AWS's limit
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

constexpr std::string_view kUnsupportedMechanism =
    "The authorization mechanism you have provided is not supported. Please use "
    "AWS4-HMAC-SHA256.";
constexpr std::string_view kNoValidDate =
    "AWS authentication requires a valid Date or x-amz-date header";
constexpr std::string_view kMissingPresignedParams =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

// The header and presigned forms report the same problems under different
// codes and wording.
struct ErrorStyle {
  bool presigned;
  Status Credential(std::string_view detail) const {
    if (presigned) {
      return QueryParametersError("Error parsing the X-Amz-Credential parameter; " +
                                  std::string(detail));
    }
    return AuthorizationHeaderMalformed(detail);
  }
};

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// AK/YYYYMMDD/region/service/aws4_request; the key itself may contain '/'.
Result<CredentialScope> ParseCredential(std::string_view text, std::string_view region,
                                        std::string_view service, ErrorStyle style) {
  std::string_view parts[4];
  for (int i = 3; i >= 0; i--) {
    size_t slash = text.rfind('/');
    if (slash == std::string_view::npos) {
      return style.Credential(
          "the Credential is mal-formed; expecting "
          "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    }
    parts[i] = text.substr(slash + 1);
    text = text.substr(0, slash);
  }
  if (text.empty()) {
    return style.Credential(
        "the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  CredentialScope scope{std::string(text), std::string(parts[0]), std::string(parts[1]),
                        std::string(parts[2])};
  if (!ParseAmzDate(scope.date + "T000000Z")) {
    return style.Credential("incorrect date format " + Quoted(scope.date) +
                            ". This date in the credential must be in the format \"yyyyMMdd\".");
  }
  if (scope.region != region) {
    return style.Credential(WrongRegionDetail(scope.region, region))
        .WithDetail("Region", std::string(region));
  }
  if (scope.service != service) {
    return style.Credential("incorrect service " + Quoted(scope.service) +
                            ". This endpoint belongs to " + Quoted(service) + ".");
  }
  if (parts[3] != kTerminator) {
    return style.Credential("incorrect terminal " + Quoted(parts[3]) + ". This endpoint uses " +
                            Quoted(kTerminator) + ".");
  }
  return scope;
}

// "host;range;x-amz-date" -> names, lowercased. Empty names are malformed.
std::optional<std::vector<std::string>> SplitSignedHeaders(std::string_view text) {
  std::vector<std::string> names;
  while (true) {
    size_t semi = text.find(';');
    std::string_view name = text.substr(0, semi);
    if (name.empty()) return std::nullopt;
    names.push_back(ToLowerAscii(name));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return names;
}

// The request time from x-amz-date, else Date (RFC 1123 or ISO 8601 basic).
Status ReadHeaderTimestamp(const SignedRequest& request, SignatureInputs* in) {
  std::optional<int64_t> seconds;
  if (auto amz_date = request.Header("x-amz-date")) {
    seconds = ParseAmzDate(TrimWhitespace(*amz_date));
  } else if (auto date = request.Header("date")) {
    seconds = ParseHttpDate(TrimWhitespace(*date));
    if (!seconds) seconds = ParseAmzDate(TrimWhitespace(*date));
  }
  if (!seconds) return AccessDenied(std::string(kNoValidDate));
  in->request_time = *seconds;
  in->timestamp = FormatAmzDate(*seconds);
  return Status::Ok();
}

}  // namespace

std::string CredentialScope::ToString() const {
  return date + "/" + region + "/" + service + "/" + std::string(kTerminator);
}

const std::string* FindQueryParam(const QueryParams& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

Result<SignatureInputs> ParseHeaderSignature(const SignedRequest& request,
                                             std::string_view authorization,
                                             std::string_view region, std::string_view service) {
  authorization = TrimWhitespace(authorization);
  size_t space = authorization.find_first_of(" \t");
  std::string_view scheme = authorization.substr(0, space);
  if (scheme == "AWS" || scheme == "AWS4-ECDSA-P256-SHA256") {
    return MalformedRequest(kInvalidRequest, std::string(kUnsupportedMechanism));
  }
  if (scheme != kAlgorithm) {
    return MalformedRequest(kInvalidArgument, "Unsupported Authorization Type");
  }
  std::string_view rest =
      space == std::string_view::npos ? std::string_view() : authorization.substr(space);

  // "Credential=..., SignedHeaders=..., Signature=..." with or without spaces
  // after the commas (SDKs differ).
  std::optional<std::string_view> credential, signed_headers, signature;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = TrimWhitespace(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view key = eq == std::string_view::npos ? part : TrimWhitespace(part.substr(0, eq));
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : TrimWhitespace(part.substr(eq + 1));
    std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                            : key == "SignedHeaders" ? &signed_headers
                                            : key == "Signature"     ? &signature
                                                                     : nullptr;
    if (slot == nullptr || slot->has_value() || eq == std::string_view::npos) {
      return AuthorizationHeaderMalformed("the authorization component " + Quoted(part) +
                                          " is malformed.");
    }
    *slot = value;
  }
  if (!credential) return AuthorizationHeaderMalformed("missing Credential.");
  if (!signed_headers) return AuthorizationHeaderMalformed("missing SignedHeaders.");
  if (!signature) return AuthorizationHeaderMalformed("missing Signature.");

  SignatureInputs in;
  ASSIGN_OR_RETURN(in.credential, ParseCredential(*credential, region, service, {false}));
  auto names = SplitSignedHeaders(*signed_headers);
  if (!names) {
    return AuthorizationHeaderMalformed("the authorization component " +
                                        Quoted("SignedHeaders=" + std::string(*signed_headers)) +
                                        " is malformed.");
  }
  in.signed_headers = std::string(*signed_headers);
  in.signed_header_names = std::move(*names);
  in.signature = std::string(*signature);

  RETURN_IF_ERROR(ReadHeaderTimestamp(request, &in));
  if (in.timestamp.compare(0, 8, in.credential.date) != 0) {
    return AuthorizationHeaderMalformed(
        "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  auto content_sha256 = request.Header("x-amz-content-sha256");
  if (!content_sha256) {
    return MalformedRequest(kInvalidRequest,
                            "Missing required header for this request: x-amz-content-sha256");
  }
  in.hashed_payload = std::string(TrimWhitespace(*content_sha256));
  return in;
}

Result<SignatureInputs> ParsePresignedSignature(const QueryParams& query, std::string_view region,
                                                std::string_view service) {
  const std::string* algorithm = FindQueryParam(query, "X-Amz-Algorithm");
  const std::string* credential = FindQueryParam(query, "X-Amz-Credential");
  const std::string* signature = FindQueryParam(query, "X-Amz-Signature");
  const std::string* date = FindQueryParam(query, "X-Amz-Date");
  const std::string* signed_headers = FindQueryParam(query, "X-Amz-SignedHeaders");
  const std::string* expires = FindQueryParam(query, "X-Amz-Expires");
  if (!algorithm || !credential || !signature || !date || !signed_headers || !expires) {
    return QueryParametersError(std::string(kMissingPresignedParams));
  }
  if (*algorithm != kAlgorithm) {
    return QueryParametersError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  SignatureInputs in;
  in.presigned = true;
  ASSIGN_OR_RETURN(in.credential, ParseCredential(*credential, region, service, {true}));
  std::optional<int64_t> seconds = ParseAmzDate(*date);
  if (!seconds) {
    return QueryParametersError(
        "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  in.request_time = *seconds;
  in.timestamp = *date;
  if (in.timestamp.compare(0, 8, in.credential.date) != 0) {
    return QueryParametersError(
        "Invalid credential date " + Quoted(in.credential.date) +
        ". This date is not the same as X-Amz-Date: " + Quoted(in.timestamp.substr(0, 8)) + ".");
  }

  std::string_view e = *expires;
  bool negative = !e.empty() && e.front() == '-';
  if (negative) e.remove_prefix(1);
  if (e.empty() || e.size() > 18 || e.find_first_not_of("0123456789") != std::string_view::npos) {
    return QueryParametersError("X-Amz-Expires should be a number");
  }
  int64_t expiry = std::stoll(std::string(e));
  if (negative) return QueryParametersError("X-Amz-Expires must be non-negative");
  if (expiry > kMaxPresignedExpiry) {
    return QueryParametersError(
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
        "must be less than 604800 seconds");
  }
  if (expiry < 1) return QueryParametersError("X-Amz-Expires must be at least 1 second");
  in.expires_seconds = expiry;

  auto names = SplitSignedHeaders(*signed_headers);
  if (!names) return QueryParametersError("X-Amz-SignedHeaders is malformed");
  in.signed_headers = *signed_headers;
  in.signed_header_names = std::move(*names);
  in.signature = *signature;
  const std::string* content_sha256 = FindQueryParam(query, "X-Amz-Content-Sha256");
  in.hashed_payload = content_sha256 ? *content_sha256 : std::string(kUnsignedPayload);
  return in;
}

}  // namespace bale::auth
