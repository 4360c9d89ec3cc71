// `bale bench store`: the storage engine's own figures (backend/store/Volume
// on the local disk): durable write rate with 1 and 64 writers against one
// fdatasync per write, page-cache read rate on one thread, index RAM per needle
// and open time at 10 million needles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bale::bench {

struct StoreBenchOptions {
  std::string dir;  // scratch directory (removed afterwards)
  std::vector<uint64_t> sizes = {1 << 10, 4 << 10, 64 << 10, 1 << 20};
  std::vector<int> writers = {1, 64};
  double seconds = 2.0;             // per measurement
  uint64_t max_bytes = 1ull << 30;  // per write measurement
  uint64_t index_needles = 10'000'000;
  bool json = false;
};

// Runs the benchmark, printing as it goes. Returns a process exit code.
int RunStoreBench(const StoreBenchOptions& options);

}  // namespace bale::bench
