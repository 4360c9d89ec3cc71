// The admin API: JSON calls under /_bale/admin/v1/ on the S3 listener, for
// admin users only (docs/admin-api.md). Buckets and quotas, users and keys,
// volumes, drives and status.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "gateway/s3_request.h"

namespace bale::s3 {

class AdminApi {
 public:
  AdminApi(const S3Backends& backends, QuotaGuard* quotas);
  ~AdminApi();  // waits for compactions it started

  // True for a request-target under /_bale/ (never an S3 bucket: "_" is not
  // allowed in bucket names).
  static bool Handles(std::string_view target);
  // Authenticates, serves and answers one call; errors are JSON too.
  void Handle(S3Request& r);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bale::s3
