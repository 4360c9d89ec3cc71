#include "tools/bench_s3/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace bale::bench_s3 {
namespace {

constexpr int kExactBits = 8;  // log2 of kExactBelow

}  // namespace

int LatencyHistogram::BucketOf(uint64_t value) {
  if (value < kExactBelow) return static_cast<int>(value);
  const int msb = 63 - std::countl_zero(value);  // >= kExactBits
  const int shift = msb - kSubBucketBits;
  const uint64_t sub = (value >> shift) - (uint64_t{1} << kSubBucketBits);
  return static_cast<int>(kExactBelow + (msb - kExactBits) * (1 << kSubBucketBits) + sub);
}

uint64_t LatencyHistogram::UpperBoundOf(int bucket) {
  if (bucket < static_cast<int>(kExactBelow)) return static_cast<uint64_t>(bucket);
  const int rest = bucket - static_cast<int>(kExactBelow);
  const int group = rest >> kSubBucketBits;
  const uint64_t sub = rest & ((1 << kSubBucketBits) - 1);
  const int shift = group + kExactBits - kSubBucketBits;
  const uint64_t lower = ((uint64_t{1} << kSubBucketBits) + sub) << shift;
  return lower + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(uint64_t micros) {
  micros = std::min(micros, kMaxValue);
  counts_[BucketOf(micros)]++;
  count_++;
  sum_ += micros;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; i++) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::Percentile(double quantile) const {
  if (count_ == 0) return 0;
  quantile = std::clamp(quantile, 0.0, 1.0);
  // The rank of the wanted value, 1-based: at least one value.
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(quantile * count_ - 1e-9)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; i++) {
    seen += counts_[i];
    if (seen >= rank) return std::min(UpperBoundOf(i), max_);
  }
  return max_;
}

}  // namespace bale::bench_s3
