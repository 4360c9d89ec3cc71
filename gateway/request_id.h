// Request ids: every S3 response carries x-amz-request-id (16 hex digits,
// like AWS's) and x-amz-id-2; logs name requests by the same id.
#pragma once

#include <string>

namespace bale::s3 {

// A new id, unique within the process (a counter mixed with a per-process
// random seed), as 16 uppercase hex digits.
std::string NewRequestId();

}  // namespace bale::s3
