// ForwardingKvStore: a KvStore that passes every call to another one. Tests
// derive from it to watch or interleave the calls they care about (count the
// Gets, run a racing write before a Scan) and override only those.
//
// Thread-safety: that of the store it forwards to.
#pragma once

#include "meta/kv_store.h"

namespace bale::meta::testing {

class ForwardingKvStore : public KvStore {
 public:
  explicit ForwardingKvStore(KvStore& inner) : inner_(inner) {}

  Result<std::optional<std::string>> Get(std::string_view key) override { return inner_.Get(key); }
  Status Write(const KvBatch& batch) override { return inner_.Write(batch); }
  Status CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                       const std::optional<std::string>& desired) override {
    return inner_.CompareAndSet(key, expected, desired);
  }
  Result<std::vector<KvPair>> Scan(std::string_view start, std::string_view end,
                                   size_t limit) override {
    return inner_.Scan(start, end, limit);
  }

 protected:
  KvStore& inner_;
};

}  // namespace bale::meta::testing
