// The RocksDB engine of KvStore: the embedded default (`bale serve`).
//
// One RocksDB database per directory; one process may have it open at a time
// (RocksDB's LOCK file: a second open fails with UNAVAILABLE). Every write is
// fsync'ed before it returns. Conditions (KvBatch::Expect, CompareAndSet) are
// made atomic by a striped mutex over keys: a Write holds the stripes of every
// key it puts, deletes or tests while it checks and commits; counter adds take
// no stripe (they commute; RocksDB merges them). Concurrent writes on disjoint
// stripes share one WAL fsync (RocksDB's group commit).
//
// Options are set for many small records: bloom filters on every table, a
// shared LRU block cache holding index and filter blocks, LZ4 (or Snappy) on
// upper levels and ZSTD at the bottom when built in.
//
// Thread-safety: as KvStore.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/status.h"
#include "meta/kv_store.h"

namespace bale::meta {

struct RocksKvStoreOptions {
  size_t block_cache_bytes = size_t{64} << 20;
  size_t write_buffer_bytes = size_t{32} << 20;
};

// Opens (creating if needed) the database in `dir`, creating the directory.
Result<std::unique_ptr<KvStore>> OpenRocksKvStore(const std::string& dir,
                                                  const RocksKvStoreOptions& options = {});

}  // namespace bale::meta
