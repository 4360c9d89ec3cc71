// AWS Signature Version 4 verification for S3 requests: the Authorization
// header form, presigned URLs (query parameters) and anonymous requests.
//
// Authenticate() checks everything that can be checked before the body: the
// signature over method, path, query and signed headers, the clock, the key.
// The body is checked while the gateway streams it, driven by
// AuthContext::payload:
//   kUnsigned                  nothing to check
//   kSha256                    hash the body; CheckPayloadSha256() at the end
//   kStreaming*                decode with AwsChunkedDecoder (aws_chunked.h)
//
// Every failure carries the AWS error code as Status::reason(); the reasons and
// messages are listed in docs/auth.md.
//
// Thread-safety: Authenticate() may be called concurrently; it shares only a
// mutex-protected signing-key cache. SecretStore implementations must be safe
// for concurrent use.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/checksum.h"
#include "auth/request.h"
#include "common/clock.h"
#include "common/status.h"

namespace bale::auth {

// Where secret keys come from (the meta store, a config file, a test map).
class SecretStore {
 public:
  virtual ~SecretStore();
  // The secret for `access_key_id`. An unknown key must fail with reason
  // "InvalidAccessKeyId"; other failures (store unavailable) pass through.
  virtual Result<std::string> SecretKey(std::string_view access_key_id) = 0;
};

// The failure a SecretStore returns for an unknown key, with AWS's message.
Status UnknownAccessKeyError();

struct AuthOptions {
  std::string region = "us-east-1";
  std::string service = "s3";
  // Header-signed requests whose time differs from ours by more than this get
  // RequestTimeTooSkewed; presigned URLs dated further ahead are "not valid yet".
  std::chrono::seconds allowed_clock_skew = std::chrono::minutes(15);
};

// What x-amz-content-sha256 (or, for presigned URLs, X-Amz-Content-Sha256 or
// its absence) says about the body.
enum class PayloadMode {
  kUnsigned,                  // UNSIGNED-PAYLOAD
  kSha256,                    // a hex SHA-256 of the body
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

bool IsAwsChunked(PayloadMode mode);

// What an aws-chunked decoder needs to verify chunk and trailer signatures.
struct ChunkSigningContext {
  std::string signing_key;     // raw 32 bytes
  std::string timestamp;       // "20130524T000000Z"
  std::string scope;           // "20130524/us-east-1/s3/aws4_request"
  std::string seed_signature;  // hex signature of the request itself
};

struct AuthContext {
  // No Authorization header and no presigned parameters. The gateway decides
  // whether the operation allows that.
  bool anonymous = false;
  std::string access_key;  // empty when anonymous
  PayloadMode payload = PayloadMode::kUnsigned;
  // For kSha256: the hex digest the body must have, as sent (either case).
  std::string expected_sha256_hex;
  // The checksum announced by x-amz-trailer (aws-chunked trailer modes), which
  // AwsChunkedDecoder verifies against the decoded body.
  std::optional<ChecksumAlgorithm> trailer_checksum;
  // Set for signed requests (empty when anonymous).
  ChunkSigningContext chunk_signing;
};

Result<AuthContext> Authenticate(const SignedRequest& request, SecretStore& secrets,
                                 const Clock& clock, const AuthOptions& options = {});

// For kSha256: compares the digest the gateway computed over the whole body
// (lowercase hex) with the signed one. Mismatch: XAmzContentSHA256Mismatch.
Status CheckPayloadSha256(const AuthContext& context, std::string_view body_sha256_hex);

}  // namespace bale::auth
