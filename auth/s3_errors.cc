#include "auth/s3_errors.h"

namespace bale::auth {

Status MalformedRequest(std::string_view reason, std::string message) {
  return InvalidArgumentError(std::move(message)).WithReason(reason);
}

Status NotAuthenticated(std::string_view reason, std::string message) {
  return Status(Code::kUnauthenticated, std::move(message)).WithReason(reason);
}

Status AuthorizationHeaderMalformed(std::string_view detail) {
  std::string message = "The authorization header is malformed; ";
  message += detail;
  return MalformedRequest(kAuthorizationHeaderMalformed, std::move(message));
}

std::string WrongRegionDetail(std::string_view region, std::string_view expected) {
  return "the region '" + std::string(region) + "' is wrong; expecting '" + std::string(expected) +
         "'";
}

Status QueryParametersError(std::string message) {
  return MalformedRequest(kAuthorizationQueryParametersError, std::move(message));
}

Status AccessDenied(std::string message) {
  return NotAuthenticated(kAccessDenied, std::move(message));
}

Status SignatureDoesNotMatch(std::string message) {
  return NotAuthenticated(kSignatureDoesNotMatch, std::move(message));
}

}  // namespace bale::auth
