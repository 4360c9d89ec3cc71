// ForEachKvEngine: runs a doctest body once against each KvStore engine, as
// one SUBCASE per engine: "memory" (MemoryKvStore) and "rocksdb" (a fresh
// database in a temp dir under /tmp, removed afterwards).
#pragma once

#include <functional>

#include <doctest.h>

#include "meta/rocks_kv_store.h"
#include "meta/testing/memory_kv_store.h"
#include "meta/testing/temp_dir.h"

namespace bale::meta::testing {

inline void ForEachKvEngine(const std::function<void(KvStore& kv)>& body) {
  SUBCASE("memory") {
    MemoryKvStore kv;
    body(kv);
  }
  SUBCASE("rocksdb") {
    ScopedTempDir dir;
    REQUIRE(dir.ok());
    auto kv = OpenRocksKvStore(dir.path() + "/db");
    REQUIRE(kv.ok());
    body(**kv);
  }
}

}  // namespace bale::meta::testing
