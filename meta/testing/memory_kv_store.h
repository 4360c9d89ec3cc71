// MemoryKvStore: a KvStore over a std::map under one mutex, for unit tests of
// code above meta/ (and the engine-independent tests in meta/). Holds the full
// contract of kv_store.h except durability: everything is lost on destruction.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "meta/kv_store.h"

namespace bale::meta::testing {

class MemoryKvStore : public KvStore {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Status Write(const KvBatch& batch) override;
  Result<std::vector<KvPair>> Scan(std::string_view start, std::string_view end,
                                   size_t limit) override;

  // Makes every later call fail with `status` until ClearFailure(); for tests
  // of callers' error paths.
  void FailAllCalls(Status status);
  void ClearFailure();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> rows_;
  Status failure_;
};

}  // namespace bale::meta::testing
