// UploadReaper: aborts multipart uploads left incomplete for longer than
// `max_age` and frees their parts' needles (the compaction worker then gives
// the space back). Looks every `interval`.
//
// Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "common/periodic.h"
#include "common/status.h"
#include "gateway/s3_service.h"

namespace bale::s3 {

struct UploadExpiryOptions {
  std::chrono::seconds max_age{24 * 3600};
  std::chrono::seconds interval{3600};
};

class UploadReaper {
 public:
  UploadReaper(S3Backends backends, UploadExpiryOptions options);
  ~UploadReaper();  // Stop()

  void Start();
  void Stop();
  // One pass now: aborts every upload older than max_age. Returns how many.
  Result<uint64_t> RunOnce();
  uint64_t aborted() const;  // since start

 private:
  const S3Backends backends_;
  const UploadExpiryOptions options_;
  mutable std::mutex mu_;
  uint64_t aborted_ = 0;  // mu_
  PeriodicThread loop_;
};

}  // namespace bale::s3
