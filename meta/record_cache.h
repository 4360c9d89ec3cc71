// RecordCache: the decoded records MetadataStore reads on every request
// (access keys, users, buckets), kept in memory so that a request does one
// KvStore read (its object row) instead of four or five.
//
// Exact within one process: every MetadataStore write goes through one
// method that, after the KvStore write, invalidates each cached row it
// names, and a reader only keeps what it read if no invalidation happened
// since it began reading (the generation check), so a row read before a
// write can never be cached after it. A read that starts
// after a write returned sees the write. Several processes writing one
// KvStore (the HBase cluster, to come) need invalidation between processes
// first; until then such a MetadataStore runs with the cache off.
//
// Only rows that exist are cached: unknown names (say, made-up access key
// ids) cost a KvStore read each time and no memory. At most `capacity`
// entries: when full, the cache empties and fills again from the next reads.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bale::meta {

template <class Record>
class RecordCache {
 public:
  explicit RecordCache(size_t capacity) : capacity_(capacity) {}

  bool enabled() const { return capacity_ > 0; }

  std::optional<Record> Find(std::string_view key) const {
    if (!enabled()) return std::nullopt;
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

  // Take before reading the row; pass to Insert with what was read.
  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

  // Keeps `record` unless an invalidation happened since `generation`.
  void Insert(std::string_view key, const Record& record, uint64_t generation) {
    if (!enabled()) return;
    std::lock_guard lock(mu_);
    if (generation != generation_) return;
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(std::string(key), record);
  }

  void Invalidate(std::string_view key) {
    std::lock_guard lock(mu_);
    ++generation_;
    if (auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  const size_t capacity_;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;
  std::unordered_map<std::string, Record, Hash, std::equal_to<>> entries_;
};

}  // namespace bale::meta
