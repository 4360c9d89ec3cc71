#include "auth/sigv4.h"

#include <algorithm>

#include "auth/amz_date.h"
#include "auth/canonical_request.h"
#include "auth/encoding.h"
#include "auth/s3_errors.h"
#include "auth/signature_inputs.h"
#include "auth/signing_key.h"
#include "common/text.h"

namespace bale::auth {
namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kStreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kStreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
constexpr int64_t kMicrosPerSecond = 1'000'000;

constexpr std::string_view kBadContentSha256 =
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
    "or a valid sha256 value.";
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";
constexpr std::string_view kUnsignedHeaders =
    "There were headers present in the request which were not signed";

bool IsLowerHexSha256(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Reads x-amz-content-sha256 into `context`.
Status SetPayloadMode(std::string_view value, AuthContext* context) {
  if (value == kUnsignedPayload) {
    context->payload = PayloadMode::kUnsigned;
  } else if (value == kStreamingSigned) {
    context->payload = PayloadMode::kStreamingSigned;
  } else if (value == kStreamingSignedTrailer) {
    context->payload = PayloadMode::kStreamingSignedTrailer;
  } else if (value == kStreamingUnsignedTrailer) {
    context->payload = PayloadMode::kStreamingUnsignedTrailer;
  } else if (std::string lower = ToLowerAscii(value); IsLowerHexSha256(lower)) {
    context->payload = PayloadMode::kSha256;
    context->expected_sha256_hex = std::string(value);  // as sent: S3 echoes it on a mismatch
  } else {
    return MalformedRequest(kInvalidArgument, std::string(kBadContentSha256));
  }
  return Status::Ok();
}

// x-amz-trailer names the checksum the aws-chunked trailer will carry.
Status SetTrailerChecksum(const SignedRequest& request, AuthContext* context) {
  auto trailer = request.Header("x-amz-trailer");
  if (!trailer || TrimWhitespace(*trailer).empty()) return Status::Ok();
  context->trailer_checksum = ChecksumAlgorithmFromHeaderName(TrimWhitespace(*trailer));
  if (!context->trailer_checksum) {
    return MalformedRequest(kInvalidRequest,
                            "The value specified in the x-amz-trailer header is not supported");
  }
  return Status::Ok();
}

Result<AuthContext> AnonymousContext(const SignedRequest& request) {
  AuthContext context;
  context.anonymous = true;
  if (auto content_sha256 = request.Header("x-amz-content-sha256")) {
    RETURN_IF_ERROR(SetPayloadMode(TrimWhitespace(*content_sha256), &context));
  }
  if (context.payload == PayloadMode::kStreamingSigned ||
      context.payload == PayloadMode::kStreamingSignedTrailer) {
    return AccessDenied("A signed streaming payload requires a signed request");
  }
  RETURN_IF_ERROR(SetTrailerChecksum(request, &context));
  return context;
}

// Header-signed requests must be within the allowed skew of our clock;
// presigned ones must have started (within the skew) and not yet expired.
Status CheckRequestTime(const SignedRequest& request, const SignatureInputs& in, const Clock& clock,
                        const AuthOptions& options) {
  const int64_t now = clock.NowMicros() / kMicrosPerSecond;
  const int64_t skew = options.allowed_clock_skew.count();
  if (in.presigned) {
    if (in.request_time > now + skew) return AccessDenied("Request is not valid yet");
    if (now > in.request_time + in.expires_seconds) return AccessDenied("Request has expired");
    return Status::Ok();
  }
  if (in.request_time > now + skew || in.request_time < now - skew) {
    auto sent = request.Header("x-amz-date");
    if (!sent) sent = request.Header("date");
    return NotAuthenticated(
               kRequestTimeTooSkewed,
               "The difference between the request time and the current time is too large.")
        .WithDetail("RequestTime", std::string(TrimWhitespace(sent.value_or(""))))
        .WithDetail("ServerTime", FormatIso8601(now))
        .WithDetail("MaxAllowedSkewMilliseconds", std::to_string(skew * 1000));
  }
  return Status::Ok();
}

// "host" and every x-amz-* header present must be signed, or a third party
// could add them (x-amz-acl: public-read) to a request it did not sign.
Status CheckRequiredHeadersSigned(const SignedRequest& request, const SignatureInputs& in) {
  auto is_signed = [&](std::string_view lower_name) {
    return std::find(in.signed_header_names.begin(), in.signed_header_names.end(), lower_name) !=
           in.signed_header_names.end();
  };
  if (!is_signed("host")) return AccessDenied(std::string(kUnsignedHeaders) + ": host");
  for (const auto& [name, value] : request.headers) {
    std::string lower = ToLowerAscii(name);
    if (lower.rfind("x-amz-", 0) == 0 && !is_signed(lower)) {
      return AccessDenied(std::string(kUnsignedHeaders) + ": " + lower);
    }
  }
  return Status::Ok();
}

// "GET" -> "47 45 54": how S3 spells out the bytes it signed.
std::string SpacedHex(std::string_view bytes) {
  std::string hex = HexEncode(bytes), out;
  out.reserve(hex.size() * 3 / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out += ' ';
    out.append(hex, i, 2);
  }
  return out;
}

// SignatureDoesNotMatch with what S3 tells the client it signed, so a client
// can diff it against its own canonical request.
Status SignatureMismatch(const SignatureInputs& in, const std::string& canonical_request,
                         const std::string& string_to_sign) {
  return SignatureDoesNotMatch(std::string(kSignatureMismatch))
      .WithDetail("AWSAccessKeyId", in.credential.access_key)
      .WithDetail("StringToSign", string_to_sign)
      .WithDetail("SignatureProvided", in.signature)
      .WithDetail("StringToSignBytes", SpacedHex(string_to_sign))
      .WithDetail("CanonicalRequest", canonical_request)
      .WithDetail("CanonicalRequestBytes", SpacedHex(canonical_request));
}

// Computes the signature for each canonical URI candidate and compares. On a
// mismatch, the error names the first candidate's (S3's own encoding).
Status CheckSignature(const SignedRequest& request, const QueryParams& query,
                      const SignatureInputs& in, std::string_view signing_key,
                      std::string_view scope) {
  const std::string canonical_query =
      CanonicalQueryString(query, in.presigned ? "X-Amz-Signature" : "");
  const std::string canonical_headers = CanonicalHeaders(request, in.signed_header_names);
  std::string first_request, first_string_to_sign;
  for (const std::string& uri : CanonicalUriCandidates(request.RawPath())) {
    std::string canonical_request =
        BuildCanonicalRequest(request.method, uri, canonical_query, canonical_headers,
                              in.signed_headers, in.hashed_payload);
    std::string string_to_sign = BuildStringToSign(in.timestamp, scope, canonical_request);
    if (ConstantTimeEquals(HmacSha256Hex(signing_key, string_to_sign), in.signature))
      return Status::Ok();
    if (first_request.empty()) {
      first_request = std::move(canonical_request);
      first_string_to_sign = std::move(string_to_sign);
    }
  }
  return SignatureMismatch(in, first_request, first_string_to_sign);
}

}  // namespace

SecretStore::~SecretStore() = default;

Status UnknownAccessKeyError() {
  return NotAuthenticated(kInvalidAccessKeyId,
                          "The AWS access key Id you provided does not exist in our records.");
}

bool IsAwsChunked(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer ||
         mode == PayloadMode::kStreamingUnsignedTrailer;
}

Result<AuthContext> Authenticate(const SignedRequest& request, SecretStore& secrets,
                                 const Clock& clock, const AuthOptions& options) {
  const QueryParams query = ParseQuery(request.RawQuery());
  const auto authorization = request.Header("authorization");
  const bool presigned = FindQueryParam(query, "X-Amz-Algorithm") != nullptr;
  if (authorization && presigned) {
    return MalformedRequest(kInvalidArgument,
                            "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                            "parameter, Signature query string parameter or the Authorization "
                            "header should be specified");
  }
  if (!authorization && !presigned) {
    if (FindQueryParam(query, "AWSAccessKeyId") && FindQueryParam(query, "Signature")) {
      return MalformedRequest(kInvalidRequest,
                              "The authorization mechanism you have provided is not supported. "
                              "Please use AWS4-HMAC-SHA256.");
    }
    return AnonymousContext(request);
  }

  ASSIGN_OR_RETURN(
      SignatureInputs in,
      presigned ? ParsePresignedSignature(query, options.region, options.service)
                : ParseHeaderSignature(request, *authorization, options.region, options.service));
  AuthContext context;
  RETURN_IF_ERROR(SetPayloadMode(in.hashed_payload, &context));
  RETURN_IF_ERROR(SetTrailerChecksum(request, &context));
  RETURN_IF_ERROR(CheckRequestTime(request, in, clock, options));
  RETURN_IF_ERROR(CheckRequiredHeadersSigned(request, in));

  auto secret = secrets.SecretKey(in.credential.access_key);
  if (!secret.ok()) {
    if (secret.status().reason() != kInvalidAccessKeyId) return secret.status();
    return secret.status().WithDetail("AWSAccessKeyId", in.credential.access_key);
  }
  const std::string scope = in.credential.ToString();
  std::string signing_key = SigningKeyCache::Shared().Get(
      *secret, in.credential.date, in.credential.region, in.credential.service);
  RETURN_IF_ERROR(CheckSignature(request, query, in, signing_key, scope));

  context.access_key = in.credential.access_key;
  context.chunk_signing = ChunkSigningContext{std::move(signing_key), std::move(in.timestamp),
                                              scope, std::move(in.signature)};
  return context;
}

Status CheckPayloadSha256(const AuthContext& context, std::string_view body_sha256_hex) {
  if (context.payload != PayloadMode::kSha256) return Status::Ok();
  if (!ConstantTimeEquals(ToLowerAscii(context.expected_sha256_hex),
                          ToLowerAscii(body_sha256_hex))) {
    return MalformedRequest(
               kXAmzContentSHA256Mismatch,
               "The provided 'x-amz-content-sha256' header does not match what was computed.")
        .WithDetail("ClientComputedContentSHA256", context.expected_sha256_hex)
        .WithDetail("S3ComputedContentSHA256", ToLowerAscii(body_sha256_hex));
  }
  return Status::Ok();
}

}  // namespace bale::auth
