#include "tools/bench_s3/op_source.h"

namespace bale::bench_s3 {
namespace {

// Random picks tried before settling for a key in the wrong state.
constexpr int kPickAttempts = 8;

}  // namespace

SequentialOps::SequentialOps(Op op, uint64_t count, const SizeDistribution& sizes)
    : op_(op), count_(count), sizes_(sizes) {}

bool SequentialOps::Next(Rng& rng, PlannedOp* op) {
  uint64_t key = next_.fetch_add(1, std::memory_order_relaxed);
  if (key >= count_) return false;
  op->op = op_;
  op->key = key;
  op->size = op_ == Op::kPut ? sizes_.Sample(rng) : 0;
  return true;
}

RandomOps::RandomOps(const WorkloadMix& mix, uint64_t key_count, bool prepared,
                     const SizeDistribution& sizes, uint64_t list_page)
    : mix_(mix),
      key_count_(key_count),
      sizes_(sizes),
      list_page_(list_page),
      track_(mix.uses(Op::kPut) || mix.uses(Op::kDelete)) {
  if (track_) {
    exists_ = std::make_unique<std::atomic<uint8_t>[]>(key_count_);
    for (uint64_t i = 0; i < key_count_; i++) exists_[i].store(prepared ? 1 : 0);
  }
}

uint64_t RandomOps::PickKey(Rng& rng, bool want, bool take) {
  uint64_t key = rng.Below(key_count_);
  if (!track_) return key;
  for (int i = 0; i < kPickAttempts; i++) {
    if (take) {
      uint8_t expected = 1;
      if (exists_[key].compare_exchange_strong(expected, 0, std::memory_order_relaxed)) break;
    } else if ((exists_[key].load(std::memory_order_relaxed) != 0) == want) {
      break;
    }
    key = rng.Below(key_count_);
  }
  return key;
}

bool RandomOps::Next(Rng& rng, PlannedOp* op) {
  op->op = mix_.Pick(rng);
  op->size = 0;
  switch (op->op) {
    case Op::kPut:
      op->key = rng.Below(key_count_);
      op->size = sizes_.Sample(rng);
      break;
    case Op::kGet:
    case Op::kHead:
      op->key = PickKey(rng, /*want=*/true, /*take=*/false);
      break;
    case Op::kDelete:  // the key stops counting as existing when the DELETE is sent
      op->key = PickKey(rng, /*want=*/true, /*take=*/true);
      break;
    case Op::kList:
      op->key =
          key_count_ > list_page_ ? rng.Below(key_count_ - list_page_) : PlannedOp::kFromStart;
      break;
  }
  return true;
}

void RandomOps::Done(const PlannedOp& op, bool ok) {
  if (track_ && op.op == Op::kPut && ok) exists_[op.key].store(1, std::memory_order_relaxed);
}

}  // namespace bale::bench_s3
