// NeedleIndex: a volume's in-memory map key -> (offset, size), about 16 bytes
// a needle (a hash table would spend 40 or more).
//
// The keys are split over 256 shards by a hash. Each shard holds a sorted
// array of 16-byte entries plus a small sorted "delta" array for recent
// inserts; when the delta outgrows 1/16 of the shard the two are merged into a
// new exactly-sized array. A lookup is two binary searches in one shard, and a
// merge touches one shard (1/256 of the index), so writes never stall for long.
// Deletes leave a hole (offset 0) that the next merge drops.
//
// Thread-safety: thread-safe; readers of a shard share its lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "backend/store/types.h"

namespace bale {

struct IndexEntry {
  NeedleKey key = 0;
  uint32_t offset_units = 0;  // needle offset / 8; 0 never holds a needle
  uint32_t size = 0;          // data bytes
};
static_assert(sizeof(IndexEntry) == 16);

class NeedleIndex {
 public:
  static constexpr int kShards = 256;

  NeedleIndex();
  ~NeedleIndex();

  std::optional<IndexEntry> Get(NeedleKey key) const;
  // Inserts or replaces; returns the entry it replaced.
  std::optional<IndexEntry> Put(const IndexEntry& e);
  // Returns the entry removed.
  std::optional<IndexEntry> Remove(NeedleKey key);

  size_t size() const { return live_.load(std::memory_order_relaxed); }
  // Bytes of memory the index holds (arrays by capacity, plus shard overhead).
  size_t MemoryBytes() const;
  void ForEach(const std::function<void(const IndexEntry&)>& fn) const;

  // Builds an index from a log of records in write order: a later record for
  // a key replaces an earlier one; a record with offset_units == 0 deletes.
  class Builder {
   public:
    Builder();
    void Add(const IndexEntry& e);
    std::unique_ptr<NeedleIndex> Finish();

   private:
    std::vector<std::vector<IndexEntry>> shards_;
  };

 private:
  struct Shard;
  static int ShardOf(NeedleKey key) {
    return static_cast<int>((key * 0x9E3779B97F4A7C15ull) >> 56);
  }

  std::array<std::unique_ptr<Shard>, kShards> shards_;
  std::atomic<size_t> live_{0};
};

}  // namespace bale
