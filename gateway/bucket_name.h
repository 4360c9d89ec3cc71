// AWS naming rules for general purpose buckets (shared/s3-reference.md §2(f)).
#pragma once

#include <string_view>

#include "common/status.h"

namespace bale::s3 {

// OK, or a Status with reason InvalidBucketName saying which rule failed.
Status ValidateBucketName(std::string_view name);

}  // namespace bale::s3
