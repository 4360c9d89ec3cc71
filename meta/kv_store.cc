#include "meta/kv_store.h"

#include <algorithm>

#include "meta/counters.h"
#include "meta/row_keys.h"

namespace bale::meta {

KvBatch& KvBatch::Put(std::string_view key, std::string_view value) {
  mutations_.push_back({Op::kPut, std::string(key), std::string(value)});
  return *this;
}

KvBatch& KvBatch::Delete(std::string_view key) {
  mutations_.push_back({Op::kDelete, std::string(key), {}});
  return *this;
}

KvBatch& KvBatch::AddToCounters(std::string_view key, std::span<const int64_t> deltas) {
  mutations_.push_back({Op::kAddCounters, std::string(key), EncodeCounters(deltas)});
  return *this;
}

KvBatch& KvBatch::Expect(std::string_view key, std::optional<std::string> value) {
  conditions_.push_back({std::string(key), std::move(value)});
  return *this;
}

Status KvStore::CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                              const std::optional<std::string>& desired) {
  KvBatch batch;
  batch.Expect(key, expected);
  if (desired.has_value()) {
    batch.Put(key, *desired);
  } else {
    batch.Delete(key);
  }
  return Write(batch);
}

Status ForEachRowWithPrefix(KvStore& kv, std::string_view prefix,
                            const std::function<Status(const KvPair&)>& visit, size_t page_rows) {
  page_rows = std::max<size_t>(page_rows, 1);
  std::string start(prefix);
  const std::string end = rows::PrefixSuccessor(prefix);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<KvPair> page, kv.Scan(start, end, page_rows));
    for (const KvPair& row : page) RETURN_IF_ERROR(visit(row));
    if (page.size() < page_rows) return Status::Ok();
    start = page.back().key;
    start.push_back('\0');  // the smallest key after the last one seen
  }
}

Status ConditionFailedError(std::string_view key) {
  return AbortedError("condition failed on key " + PrintableKey(key)).WithReason(kConditionFailed);
}

bool IsConditionFailed(const Status& status) {
  return status.code() == Code::kAborted && status.reason() == kConditionFailed;
}

namespace {

Status ValidateKey(std::string_view key) {
  if (key.empty()) return InvalidArgumentError("empty key");
  if (key.size() > kMaxKvKeyBytes) {
    return InvalidArgumentError("key of " + std::to_string(key.size()) + " bytes exceeds " +
                                std::to_string(kMaxKvKeyBytes));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateBatch(const KvBatch& batch) {
  for (const auto& m : batch.mutations()) RETURN_IF_ERROR(ValidateKey(m.key));
  for (const auto& c : batch.conditions()) RETURN_IF_ERROR(ValidateKey(c.key));
  return Status::Ok();
}

std::string PrintableKey(std::string_view key) {
  constexpr size_t kMaxShown = 80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < key.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  out += key.size() > kMaxShown ? "\"..." : "\"";
  return out;
}

}  // namespace bale::meta
