// The S3 operations a benchmark issues, and WorkloadMix: the ratios of a
// mixed workload, from --mix "get=90,put=10" (weights, not necessarily
// summing to 100; an operation left out is never issued).
//
// Thread-safety: immutable after Parse; Pick takes the caller's Rng.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tools/bench_s3/rng.h"

namespace bale::bench_s3 {

enum class Op : uint8_t { kPut, kGet, kHead, kDelete, kList };
inline constexpr int kOpCount = 5;

// "put", "get", "head", "delete", "list".
std::string_view OpName(Op op);
std::optional<Op> OpFromName(std::string_view name);

class WorkloadMix {
 public:
  static Result<WorkloadMix> Parse(std::string_view text);
  // Every operation is `op`.
  static WorkloadMix Only(Op op);

  Op Pick(Rng& rng) const;
  uint32_t weight(Op op) const { return weights_[static_cast<int>(op)]; }
  bool uses(Op op) const { return weight(op) > 0; }
  // "get=90,put=10", in the order of Op.
  std::string ToString() const;

 private:
  std::array<uint32_t, kOpCount> weights_{};
  uint32_t total_ = 0;
};

}  // namespace bale::bench_s3
