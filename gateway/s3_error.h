// The S3 error table: every S3 error code Bale answers with, its HTTP status
// and AWS's default message, in one place; and the mapping from an internal
// Status to an S3 error. Only this file writes <Error> XML.
//
// A Status names its S3 error through its reason (Status::WithReason), e.g.
// NotFoundError("...").WithReason("NoSuchBucket"); without a reason it is
// mapped by its code (NOT_FOUND -> NoSuchKey, UNAVAILABLE -> ServiceUnavailable,
// RESOURCE_EXHAUSTED (out of space) -> SlowDown, DATA_LOSS -> InternalError, ...).
//
// Thread-safety: pure functions over a constant table.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace bale::s3 {

struct S3Error {
  std::string code;     // "NoSuchKey"
  int http_status = 0;  // 404
  std::string message;  // AWS's default message, or a more precise one
  // Extra elements AWS adds for some errors (BucketName, Key, ...), in order.
  std::vector<std::pair<std::string, std::string>> details;
};

// The table entry for `code`; false if the table has no such code.
bool LookUpError(std::string_view code, int* http_status, std::string_view* default_message);

// An S3 error with the table's status and default message. `code` must be in
// the table (an unknown code yields InternalError).
S3Error MakeError(std::string_view code);
// The S3 error a Status stands for. Its message is echoed for client errors
// (4xx) and NotImplemented; other server-side failures (5xx) answer the
// table's text, so internal details (file paths, offsets) reach only the log.
S3Error FromStatus(const Status& status);

// <?xml ...?><Error><Code/><Message/>[details]<Resource/><RequestId/><HostId/></Error>
std::string ErrorXml(const S3Error& error, std::string_view resource, std::string_view request_id,
                     std::string_view host_id);

// A Status carrying an S3 error code as its reason and the table's HTTP
// meaning as its code: the way handlers fail with a specific S3 error.
Status ErrorStatus(std::string_view s3_code, std::string message = {});

// InvalidArgument naming the argument and the value sent, as S3 does
// (<ArgumentName>max-keys</ArgumentName><ArgumentValue>x</ArgumentValue>).
Status InvalidArgumentFor(std::string_view argument, std::string_view value, std::string message);
// PreconditionFailed naming the condition that did not hold (<Condition>).
Status PreconditionFailed(std::string_view condition);

}  // namespace bale::s3
