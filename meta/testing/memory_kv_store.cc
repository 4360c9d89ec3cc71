#include "meta/testing/memory_kv_store.h"

#include "meta/counters.h"

namespace bale::meta::testing {

Result<std::optional<std::string>> MemoryKvStore::Get(std::string_view key) {
  std::lock_guard lock(mu_);
  if (!failure_.ok()) return failure_;
  auto it = rows_.find(key);
  if (it == rows_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status MemoryKvStore::Write(const KvBatch& batch) {
  RETURN_IF_ERROR(ValidateBatch(batch));
  std::lock_guard lock(mu_);
  if (!failure_.ok()) return failure_;
  for (const auto& c : batch.conditions()) {
    auto it = rows_.find(c.key);
    bool holds =
        it == rows_.end() ? !c.value.has_value() : c.value.has_value() && *c.value == it->second;
    if (!holds) return ConditionFailedError(c.key);
  }
  // Stage every row's final state first, so a malformed counter row fails the
  // batch before anything changed (all-or-nothing).
  std::map<std::string, std::optional<std::string>, std::less<>> staged;
  auto current = [&](const std::string& key) -> std::optional<std::string> {
    if (auto s = staged.find(key); s != staged.end()) return s->second;
    if (auto it = rows_.find(key); it != rows_.end()) return it->second;
    return std::nullopt;
  };
  for (const auto& m : batch.mutations()) {
    switch (m.op) {
      case KvBatch::Op::kPut:
        staged[m.key] = m.value;
        break;
      case KvBatch::Op::kDelete:
        staged[m.key] = std::nullopt;
        break;
      case KvBatch::Op::kAddCounters: {
        std::string sum;
        if (!AddCounters(current(m.key).value_or(""), m.value, &sum)) {
          return DataLossError("counter row " + PrintableKey(m.key) + " is malformed");
        }
        staged[m.key] = std::move(sum);
        break;
      }
    }
  }
  for (auto& [key, value] : staged) {
    if (value.has_value()) {
      rows_[key] = std::move(*value);
    } else {
      rows_.erase(key);
    }
  }
  return Status::Ok();
}

Result<std::vector<KvPair>> MemoryKvStore::Scan(std::string_view start, std::string_view end,
                                                size_t limit) {
  std::lock_guard lock(mu_);
  if (!failure_.ok()) return failure_;
  std::vector<KvPair> out;
  for (auto it = rows_.lower_bound(start); it != rows_.end() && out.size() < limit; ++it) {
    if (!end.empty() && it->first >= end) break;
    out.push_back({it->first, it->second});
  }
  return out;
}

void MemoryKvStore::FailAllCalls(Status status) {
  std::lock_guard lock(mu_);
  failure_ = std::move(status);
}

void MemoryKvStore::ClearFailure() { FailAllCalls(Status::Ok()); }

size_t MemoryKvStore::size() const {
  std::lock_guard lock(mu_);
  return rows_.size();
}

}  // namespace bale::meta::testing
