// KvStore: the ordered key-value store under Bale's metadata. Engines: RocksDB
// (embedded, rocks_kv_store.h), HBase through Thrift (cluster, to come), and an
// in-memory map for tests (testing/memory_kv_store.h). The interface keeps to
// what HBase offers: point get, batched put/delete, counter increments, a
// check-and-mutate on one row, and forward range scans in unsigned byte order.
//
// Keys and values are arbitrary bytes; keys are non-empty (INVALID_ARGUMENT
// otherwise) and at most kMaxKvKeyBytes. Scans order keys by unsigned bytes
// (memcmp, shorter first on a tie).
//
// Durability: a Write (and CompareAndSet) that returns OK is on stable storage
// (RocksDB: WAL fsync'ed before return). A failed Write changed nothing when it
// failed with ABORTED (a condition) or INVALID_ARGUMENT; after any other error
// its outcome is unknown (bytes whose fsync failed may surface after a reopen),
// so callers report the failure and never assume either way.
//
// Atomicity and isolation: a Write is all-or-nothing and linearizable: its
// conditions are checked and its mutations applied as one step with respect to
// every other Write, CompareAndSet and Get. A Scan sees each row as of some
// moment; the RocksDB and memory engines give one snapshot for the whole scan,
// HBase only per row. The HBase engine will give all-or-nothing only per row:
// callers rely on at most one condition per batch, on the row being mutated.
//
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bale::meta {

inline constexpr size_t kMaxKvKeyBytes = 4096;
// The reason on the ABORTED Status of a failed condition.
inline constexpr std::string_view kConditionFailed = "ConditionFailed";

struct KvPair {
  std::string key;
  std::string value;
  bool operator==(const KvPair&) const = default;
};

// Mutations applied in order, guarded by conditions that must all hold.
class KvBatch {
 public:
  enum class Op : uint8_t { kPut, kDelete, kAddCounters };
  struct Mutation {
    Op op;
    std::string key;
    std::string value;  // kPut: the value; kAddCounters: EncodeCounters(deltas)
  };
  struct Condition {
    std::string key;
    std::optional<std::string> value;  // nullopt: the key must be absent
  };

  KvBatch& Put(std::string_view key, std::string_view value);
  KvBatch& Delete(std::string_view key);
  // Adds `deltas` to the counter row `key` (format in counters.h). A row must
  // only ever be written through AddToCounters (and deleted); never Put or
  // named in a condition.
  KvBatch& AddToCounters(std::string_view key, std::span<const int64_t> deltas);
  // The batch applies only if `key` currently holds `value` (nullopt: absent);
  // otherwise Write returns ABORTED with reason kConditionFailed and changes
  // nothing.
  KvBatch& Expect(std::string_view key, std::optional<std::string> value);

  const std::vector<Mutation>& mutations() const { return mutations_; }
  const std::vector<Condition>& conditions() const { return conditions_; }
  bool empty() const { return mutations_.empty(); }

 private:
  std::vector<Mutation> mutations_;
  std::vector<Condition> conditions_;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // The value of `key`, or nullopt if it has none.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;

  // Applies `batch` atomically and durably (see the contract above). A batch
  // without mutations only checks its conditions.
  virtual Status Write(const KvBatch& batch) = 0;

  // Sets `key` to `desired` (nullopt: deletes it) if it now holds `expected`
  // (nullopt: absent); ABORTED with reason kConditionFailed otherwise.
  virtual Status CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                               const std::optional<std::string>& desired);

  // Up to `limit` rows with start <= key < end in byte order; an empty `end`
  // means to the end of the key space.
  virtual Result<std::vector<KvPair>> Scan(std::string_view start, std::string_view end,
                                           size_t limit) = 0;
};

// Calls `visit` on every row whose key starts with `prefix`, in order, reading
// `page_rows` rows per Scan; stops at the first error, `visit`'s included.
Status ForEachRowWithPrefix(KvStore& kv, std::string_view prefix,
                            const std::function<Status(const KvPair&)>& visit,
                            size_t page_rows = 1000);

// ABORTED, reason kConditionFailed, naming the key.
Status ConditionFailedError(std::string_view key);
bool IsConditionFailed(const Status& status);
// INVALID_ARGUMENT unless every key in `batch` is non-empty and short enough.
Status ValidateBatch(const KvBatch& batch);
// A key for messages: printable ASCII kept, other bytes as \xNN, long keys cut.
std::string PrintableKey(std::string_view key);

}  // namespace bale::meta
