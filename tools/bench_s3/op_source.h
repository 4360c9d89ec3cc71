// OpSource: what a client connection does next. Shared by the client
// threads of a run.
//   SequentialOps  each key of the key space once, in order (preparing
//                  objects, the DELETE workload): ends when the keys do
//   RandomOps      operations drawn from a WorkloadMix on uniformly random
//                  keys; it remembers which keys exist, so GET, HEAD and
//                  DELETE go to keys that do when any do
//
// Thread-safety: Next and Done are safe for concurrent use (atomics only);
// each caller passes its own Rng.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>

#include "tools/bench_s3/rng.h"
#include "tools/bench_s3/size_distribution.h"
#include "tools/bench_s3/workload_mix.h"

namespace bale::bench_s3 {

struct PlannedOp {
  // A LIST from the first key.
  static constexpr uint64_t kFromStart = UINT64_MAX;

  Op op = Op::kGet;
  uint64_t key = 0;   // index in the key space; for LIST, the key listing starts after
  uint64_t size = 0;  // body bytes of a PUT
};

class OpSource {
 public:
  virtual ~OpSource() = default;
  // The next operation; false when there is none left.
  virtual bool Next(Rng& rng, PlannedOp* op) = 0;
  // `op` finished; `ok` when the server accepted it.
  virtual void Done(const PlannedOp& op, bool ok) = 0;
};

class SequentialOps : public OpSource {
 public:
  // `op` is kPut or kDelete; keys [0, count).
  SequentialOps(Op op, uint64_t count, const SizeDistribution& sizes);
  bool Next(Rng& rng, PlannedOp* op) override;
  void Done(const PlannedOp&, bool) override {}

  // Keys handed out so far.
  uint64_t issued() const { return std::min(next_.load(), count_); }
  bool exhausted() const { return next_.load() >= count_; }

 private:
  const Op op_;
  const uint64_t count_;
  const SizeDistribution& sizes_;
  std::atomic<uint64_t> next_{0};
};

class RandomOps : public OpSource {
 public:
  // Keys [0, key_count), all existing at the start when `prepared`. A LIST
  // starts at a random key at least `list_page` keys from the end.
  RandomOps(const WorkloadMix& mix, uint64_t key_count, bool prepared,
            const SizeDistribution& sizes, uint64_t list_page);
  bool Next(Rng& rng, PlannedOp* op) override;
  void Done(const PlannedOp& op, bool ok) override;

 private:
  // A random key whose existence flag is `want`, or any key after a few
  // misses (the request then reports what the server says).
  uint64_t PickKey(Rng& rng, bool want, bool take);

  const WorkloadMix mix_;
  const uint64_t key_count_;
  const SizeDistribution& sizes_;
  const uint64_t list_page_;
  const bool track_;  // only mixes with PUT or DELETE change which keys exist
  std::unique_ptr<std::atomic<uint8_t>[]> exists_;
};

}  // namespace bale::bench_s3
