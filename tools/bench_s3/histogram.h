// LatencyHistogram: a log-linear (HDR-like) histogram of latencies in whole
// microseconds. Values below 256 are counted exactly; above, each power of two
// is cut into 128 equal buckets, so a reported value is never more than 1/128
// (0.8%) above the true one. Recording is one bit scan and one increment;
// histograms of different threads merge by adding counters.
//
// Thread-safety: none; each thread records into its own and merges after.
#pragma once

#include <array>
#include <cstdint>

namespace bale::bench_s3 {

class LatencyHistogram {
 public:
  // Values above this are counted as this (about 12.7 days).
  static constexpr uint64_t kMaxValue = (uint64_t{1} << 40) - 1;

  void Record(uint64_t micros);
  void Merge(const LatencyHistogram& other);
  void Clear() { *this = LatencyHistogram(); }

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }

  // The smallest value v such that at least `quantile` (0..1) of the recorded
  // values are <= v, rounded up to its bucket's upper bound and capped at
  // max(). 0 when empty.
  uint64_t Percentile(double quantile) const;

 private:
  static constexpr int kSubBucketBits = 7;                       // 128 buckets per power of two
  static constexpr uint64_t kExactBelow = 2u << kSubBucketBits;  // 256
  static constexpr int kGroups = 40 - kSubBucketBits - 1;        // powers of two 2^8 .. 2^39
  static constexpr int kBuckets = kExactBelow + kGroups * (1 << kSubBucketBits);

  static int BucketOf(uint64_t value);
  static uint64_t UpperBoundOf(int bucket);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace bale::bench_s3
