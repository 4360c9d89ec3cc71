// The failures auth/ reports, each a Status whose reason() is the exact AWS S3
// error code (shared/style.md: the gateway's error table maps reasons to HTTP
// statuses and writes the <Error> XML; auth/ never does). The message is the
// text AWS puts in <Message> where we know it.
//
// Codes follow what a caller should do: kInvalidArgument for a request that is
// malformed (400 family), kUnauthenticated for one whose credentials do not
// check out (403 family).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace bale::auth {

// Reasons (AWS error codes) produced by auth/.
inline constexpr std::string_view kAccessDenied = "AccessDenied";
inline constexpr std::string_view kAuthorizationHeaderMalformed = "AuthorizationHeaderMalformed";
inline constexpr std::string_view kAuthorizationQueryParametersError =
    "AuthorizationQueryParametersError";
inline constexpr std::string_view kBadDigest = "BadDigest";
inline constexpr std::string_view kIncompleteBody = "IncompleteBody";
inline constexpr std::string_view kInvalidAccessKeyId = "InvalidAccessKeyId";
inline constexpr std::string_view kInvalidArgument = "InvalidArgument";
inline constexpr std::string_view kInvalidRequest = "InvalidRequest";
inline constexpr std::string_view kMalformedTrailerError = "MalformedTrailerError";
inline constexpr std::string_view kRequestTimeTooSkewed = "RequestTimeTooSkewed";
inline constexpr std::string_view kSignatureDoesNotMatch = "SignatureDoesNotMatch";
inline constexpr std::string_view kXAmzContentSHA256Mismatch = "XAmzContentSHA256Mismatch";

// 400-family: the request is malformed.
Status MalformedRequest(std::string_view reason, std::string message);
// 403-family: the credentials or signature do not check out.
Status NotAuthenticated(std::string_view reason, std::string message);

// The detail of a credential scoped to another region than the server's:
// "the region 'us-west-2' is wrong; expecting 'us-east-1'".
std::string WrongRegionDetail(std::string_view region, std::string_view expected);

// "The authorization header is malformed; <detail>"
Status AuthorizationHeaderMalformed(std::string_view detail);
// Presigned-URL parameter errors (AuthorizationQueryParametersError).
Status QueryParametersError(std::string message);
Status AccessDenied(std::string message);
Status SignatureDoesNotMatch(std::string message);

}  // namespace bale::auth
