// Bucket quotas, enforced before a write accepts any data.
//
// A write that may grow a bucket first reserves its growth here. Reserve()
// admits it only if the committed usage (the bucket's counters) plus every
// reservation still held plus this one stays within the quota. A reservation
// is released when its holder is done, which is after the object's record and
// counters were committed (or the write failed): at every instant, committed
// usage plus reservations bounds what the bucket can reach, so no number of
// concurrent writers ends above the quota.
//
// Reservations live in this process: one gateway per metadata store (the
// embedded default). docs/admin-api.md, "Quota enforcement".
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "meta/metadata_store.h"

namespace bale::s3 {

class QuotaGuard {
 public:
  struct Amount {
    uint64_t bytes = 0;
    uint64_t objects = 0;
  };

  // Room held for one write; released when destroyed.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& other) noexcept { *this = std::move(other); }
    Reservation& operator=(Reservation&& other) noexcept;
    ~Reservation() { Release(); }
    void Release();

   private:
    friend class QuotaGuard;
    QuotaGuard* guard_ = nullptr;
    uint64_t bucket_id_ = 0;
    Amount amount_;
  };

  explicit QuotaGuard(meta::MetadataStore* meta) : meta_(meta) {}

  // Holds `amount` for a write into `bucket`, or fails with QuotaExceeded (403)
  // naming the limit. An empty reservation when the bucket has no quota.
  Result<Reservation> Reserve(const meta::BucketRecord& bucket, Amount amount);

  // What a write of an object of `new_size` bytes at `key` needs: its size
  // less the size of the object it replaces (never below 0), and one object
  // unless it replaces one. Reads the current object only for buckets with a
  // quota.
  Result<Reservation> ReserveObject(const meta::BucketRecord& bucket, std::string_view key,
                                    uint64_t new_size);

  // Bytes and objects reserved in `bucket_id` right now.
  Amount Reserved(uint64_t bucket_id);

 private:
  void Give(uint64_t bucket_id, Amount amount);

  meta::MetadataStore* const meta_;
  std::mutex mu_;
  std::unordered_map<uint64_t, Amount> reserved_;  // by bucket id; entries > 0
};

}  // namespace bale::s3
