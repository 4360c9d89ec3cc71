#include "gateway/quota.h"

#include <algorithm>
#include <string>

#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

bool HasQuota(const meta::BucketRecord& b) {
  return b.quota_max_bytes > 0 || b.quota_max_objects > 0;
}

uint64_t Used(int64_t counter) { return counter > 0 ? static_cast<uint64_t>(counter) : 0; }

// True if used + reserved + want passes the limit (0: none), overflow-safe.
bool Over(uint64_t limit, uint64_t used, uint64_t reserved, uint64_t want) {
  if (limit == 0 || want == 0) return false;
  uint64_t taken = used + reserved;
  return taken < used || taken > limit || want > limit - taken;
}

Status Exceeded(const meta::BucketRecord& b, std::string_view unit, uint64_t limit,
                uint64_t used, uint64_t reserved, uint64_t want) {
  std::string u(unit);
  return ErrorStatus("QuotaExceeded", "Bucket " + b.name + " is over its quota of " +
                                          std::to_string(limit) + " " + u + ": " +
                                          std::to_string(used) + " used, " +
                                          std::to_string(reserved) + " reserved, this write needs " +
                                          std::to_string(want) + " more.");
}

}  // namespace

QuotaGuard::Reservation& QuotaGuard::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    Release();
    guard_ = std::exchange(other.guard_, nullptr);
    bucket_id_ = other.bucket_id_;
    amount_ = other.amount_;
  }
  return *this;
}

void QuotaGuard::Reservation::Release() {
  if (guard_) std::exchange(guard_, nullptr)->Give(bucket_id_, amount_);
}

Result<QuotaGuard::Reservation> QuotaGuard::Reserve(const meta::BucketRecord& bucket,
                                                    Amount amount) {
  Reservation r;
  if (!HasQuota(bucket) || (amount.bytes == 0 && amount.objects == 0)) return r;
  std::lock_guard lk(mu_);
  // Read under the lock: a write commits its counters before it gives its
  // reservation back, so no growth is ever missed by both figures.
  ASSIGN_OR_RETURN(meta::UsageRecord usage, meta_->GetUsage(bucket));
  Amount& held = reserved_[bucket.bucket_id];
  Status refused;
  if (Over(bucket.quota_max_bytes, Used(usage.bytes), held.bytes, amount.bytes))
    refused = Exceeded(bucket, "bytes", bucket.quota_max_bytes, Used(usage.bytes), held.bytes,
                       amount.bytes);
  else if (Over(bucket.quota_max_objects, Used(usage.objects), held.objects, amount.objects))
    refused = Exceeded(bucket, "objects", bucket.quota_max_objects, Used(usage.objects),
                       held.objects, amount.objects);
  if (!refused.ok()) {
    if (held.bytes == 0 && held.objects == 0) reserved_.erase(bucket.bucket_id);
    return refused;
  }
  held.bytes += amount.bytes;
  held.objects += amount.objects;
  r.guard_ = this;
  r.bucket_id_ = bucket.bucket_id;
  r.amount_ = amount;
  return r;
}

Result<QuotaGuard::Reservation> QuotaGuard::ReserveObject(const meta::BucketRecord& bucket,
                                                          std::string_view key,
                                                          uint64_t new_size) {
  if (!HasQuota(bucket)) return Reservation();
  auto old = meta_->GetObject(bucket.name, key);
  if (!old.ok() && old.status().code() != Code::kNotFound) return old.status();
  Amount need{new_size, 1};
  if (old.ok()) need = Amount{new_size - std::min(new_size, old->size), 0};
  return Reserve(bucket, need);
}

QuotaGuard::Amount QuotaGuard::Reserved(uint64_t bucket_id) {
  std::lock_guard lk(mu_);
  auto it = reserved_.find(bucket_id);
  return it == reserved_.end() ? Amount{} : it->second;
}

void QuotaGuard::Give(uint64_t bucket_id, Amount amount) {
  std::lock_guard lk(mu_);
  auto it = reserved_.find(bucket_id);
  if (it == reserved_.end()) return;
  it->second.bytes -= std::min(it->second.bytes, amount.bytes);
  it->second.objects -= std::min(it->second.objects, amount.objects);
  if (it->second.bytes == 0 && it->second.objects == 0) reserved_.erase(it);
}

}  // namespace bale::s3
