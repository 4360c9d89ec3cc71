#include "backend/store/needle_index.h"

#include <algorithm>
#include <mutex>

namespace bale {
namespace {

constexpr size_t kMinDelta = 64;
constexpr size_t kDeltaShareDivisor = 16;  // merge when delta > main / 16

bool KeyLess(const IndexEntry& a, const IndexEntry& b) { return a.key < b.key; }

// Position of `key` in a sorted array, or end().
std::vector<IndexEntry>::iterator Find(std::vector<IndexEntry>& v, NeedleKey key) {
  auto it = std::lower_bound(v.begin(), v.end(), IndexEntry{key, 0, 0}, KeyLess);
  return (it != v.end() && it->key == key) ? it : v.end();
}
std::vector<IndexEntry>::const_iterator Find(const std::vector<IndexEntry>& v, NeedleKey key) {
  auto it = std::lower_bound(v.begin(), v.end(), IndexEntry{key, 0, 0}, KeyLess);
  return (it != v.end() && it->key == key) ? it : v.end();
}

}  // namespace

struct NeedleIndex::Shard {
  mutable std::shared_mutex mu;
  std::vector<IndexEntry> main;   // sorted; offset_units == 0 marks a hole
  std::vector<IndexEntry> delta;  // sorted, small, no holes
  size_t holes = 0;

  // Folds delta into main and drops holes, into an exactly-sized array.
  void Merge() {
    std::vector<IndexEntry> merged;
    merged.reserve(main.size() - holes + delta.size());
    auto a = main.begin();
    auto b = delta.begin();
    while (a != main.end() || b != delta.end()) {
      if (b == delta.end() || (a != main.end() && a->key < b->key)) {
        if (a->offset_units != 0) merged.push_back(*a);
        ++a;
      } else {
        merged.push_back(*b++);
      }
    }
    main.swap(merged);
    delta.clear();
    holes = 0;
  }
};

NeedleIndex::NeedleIndex() {
  for (auto& s : shards_) s = std::make_unique<Shard>();
}
NeedleIndex::~NeedleIndex() = default;

std::optional<IndexEntry> NeedleIndex::Get(NeedleKey key) const {
  const Shard& s = *shards_[ShardOf(key)];
  std::shared_lock lk(s.mu);
  if (auto it = Find(s.delta, key); it != s.delta.end()) return *it;
  if (auto it = Find(s.main, key); it != s.main.end() && it->offset_units != 0) return *it;
  return std::nullopt;
}

std::optional<IndexEntry> NeedleIndex::Put(const IndexEntry& e) {
  Shard& s = *shards_[ShardOf(e.key)];
  std::unique_lock lk(s.mu);
  if (auto it = Find(s.main, e.key); it != s.main.end()) {
    std::optional<IndexEntry> old;
    if (it->offset_units != 0)
      old = *it;
    else {
      s.holes--;
      live_.fetch_add(1, std::memory_order_relaxed);
    }
    *it = e;
    return old;
  }
  auto it = std::lower_bound(s.delta.begin(), s.delta.end(), e, KeyLess);
  if (it != s.delta.end() && it->key == e.key) {
    IndexEntry old = *it;
    *it = e;
    return old;
  }
  s.delta.insert(it, e);
  live_.fetch_add(1, std::memory_order_relaxed);
  if (s.delta.size() > std::max(kMinDelta, s.main.size() / kDeltaShareDivisor)) s.Merge();
  return std::nullopt;
}

std::optional<IndexEntry> NeedleIndex::Remove(NeedleKey key) {
  Shard& s = *shards_[ShardOf(key)];
  std::unique_lock lk(s.mu);
  if (auto it = Find(s.delta, key); it != s.delta.end()) {
    IndexEntry old = *it;
    s.delta.erase(it);
    live_.fetch_sub(1, std::memory_order_relaxed);
    return old;
  }
  auto it = Find(s.main, key);
  if (it == s.main.end() || it->offset_units == 0) return std::nullopt;
  IndexEntry old = *it;
  it->offset_units = 0;
  s.holes++;
  live_.fetch_sub(1, std::memory_order_relaxed);
  if (s.holes > s.main.size() / 4) s.Merge();
  return old;
}

size_t NeedleIndex::MemoryBytes() const {
  size_t bytes = sizeof(*this);
  for (const auto& s : shards_) {
    std::shared_lock lk(s->mu);
    bytes += sizeof(Shard) + (s->main.capacity() + s->delta.capacity()) * sizeof(IndexEntry);
  }
  return bytes;
}

void NeedleIndex::ForEach(const std::function<void(const IndexEntry&)>& fn) const {
  for (const auto& s : shards_) {
    std::shared_lock lk(s->mu);
    for (const auto& e : s->main)
      if (e.offset_units != 0) fn(e);
    for (const auto& e : s->delta) fn(e);
  }
}

NeedleIndex::Builder::Builder() : shards_(kShards) {}

void NeedleIndex::Builder::Add(const IndexEntry& e) { shards_[ShardOf(e.key)].push_back(e); }

std::unique_ptr<NeedleIndex> NeedleIndex::Builder::Finish() {
  auto index = std::make_unique<NeedleIndex>();
  size_t live = 0;
  for (int i = 0; i < kShards; i++) {
    auto& log = shards_[i];
    // Stable: among equal keys the log order survives, so the last one wins.
    std::stable_sort(log.begin(), log.end(), KeyLess);
    std::vector<IndexEntry>& out = index->shards_[i]->main;
    size_t n = 0;
    for (size_t j = 0; j < log.size(); j++) {
      if (j + 1 < log.size() && log[j + 1].key == log[j].key) continue;  // superseded
      if (log[j].offset_units != 0) n++;
    }
    out.reserve(n);
    for (size_t j = 0; j < log.size(); j++) {
      if (j + 1 < log.size() && log[j + 1].key == log[j].key) continue;
      if (log[j].offset_units != 0) out.push_back(log[j]);
    }
    live += n;
    std::vector<IndexEntry>().swap(log);  // free as we go
  }
  index->live_.store(live);
  return index;
}

}  // namespace bale
