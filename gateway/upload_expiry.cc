#include "gateway/upload_expiry.h"

#include "common/log.h"
#include "gateway/s3_request.h"

namespace bale::s3 {
namespace {

constexpr size_t kBatch = 1000;  // uploads looked at per bucket per pass

}  // namespace

UploadReaper::UploadReaper(S3Backends backends, UploadExpiryOptions options)
    : backends_(backends), options_(options) {}

UploadReaper::~UploadReaper() { Stop(); }

void UploadReaper::Start() {
  loop_.Start(options_.interval, [this] {
    auto n = RunOnce();
    if (!n.ok()) BALE_LOG(kWarning) << "expiring abandoned uploads: " << n.status();
  });
}

void UploadReaper::Stop() { loop_.Stop(); }

Result<uint64_t> UploadReaper::RunOnce() {
  const int64_t cutoff =
      backends_.clock->NowMicros() -
      std::chrono::duration_cast<std::chrono::microseconds>(options_.max_age).count();
  ASSIGN_OR_RETURN(std::vector<meta::BucketRecord> buckets, backends_.meta->ListAllBuckets());
  uint64_t count = 0;
  for (const auto& b : buckets) {
    auto stale = backends_.meta->ListUploadsInitiatedBefore(b.name, cutoff, kBatch);
    if (!stale.ok()) {
      if (stale.status().code() == Code::kNotFound) continue;  // bucket deleted meanwhile
      return stale.status();
    }
    for (const auto& u : *stale) {
      auto parts = backends_.meta->DeleteUpload(b.name, u.upload_id);
      if (!parts.ok()) {
        if (parts.status().code() == Code::kNotFound) continue;  // completed or aborted meanwhile
        return parts.status();
      }
      uint64_t bytes = 0;
      for (const auto& p : *parts) {
        ReleaseChunks(backends_, p.chunks);
        bytes += p.size;
      }
      ++count;
      BALE_LOG(kInfo) << "bucket " << b.name << ": aborted upload " << u.upload_id << " of "
                      << u.key << " left incomplete since " << u.initiated_micros / 1'000'000
                      << " (unix s): " << parts->size() << " part(s), " << bytes
                      << " bytes freed";
    }
  }
  std::lock_guard lk(mu_);
  aborted_ += count;
  return count;
}

uint64_t UploadReaper::aborted() const {
  std::lock_guard lk(mu_);
  return aborted_;
}

}  // namespace bale::s3
