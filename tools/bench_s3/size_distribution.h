// SizeDistribution: the object sizes a PUT workload writes, from --size:
//   "4KiB"                      every object 4 KiB
//   "4KiB-1MiB"                 uniform between the two, both included
//   "4KiB:70,64KiB:30"          4 KiB with weight 70, 64 KiB with weight 30
//   "1KiB-4KiB:90,1MiB:10"      items of a list may themselves be ranges
// Sizes use common/units.h (KiB = 1024, KB = 1000).
//
// Thread-safety: immutable after Parse; Sample takes the caller's Rng.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tools/bench_s3/rng.h"

namespace bale::bench_s3 {

class SizeDistribution {
 public:
  struct Item {
    uint64_t low = 0;
    uint64_t high = 0;  // == low for a fixed size
    uint64_t weight = 1;
  };

  static Result<SizeDistribution> Parse(std::string_view text);
  static SizeDistribution Fixed(uint64_t size) { return SizeDistribution({{size, size, 1}}); }

  uint64_t Sample(Rng& rng) const;
  uint64_t max() const;
  double mean() const;
  bool fixed() const { return items_.size() == 1 && items_[0].low == items_[0].high; }
  const std::vector<Item>& items() const { return items_; }
  // "4 KiB", "4 KiB-1 MiB", "4 KiB:70,64 KiB:30".
  std::string ToString() const;

 private:
  explicit SizeDistribution(std::vector<Item> items);
  std::vector<Item> items_;
  uint64_t total_weight_ = 0;
};

// "4 KiB", "1 MiB", "1.5 KiB" for reports: whole units when exact.
std::string FormatSize(uint64_t bytes);

}  // namespace bale::bench_s3
