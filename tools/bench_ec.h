// `bale bench ec`: the Reed-Solomon codec's own figures (erasure/ReedSolomon)
// on one core: encode and decode-with-m-lost throughput for RS(10,4) and
// RS(4,2), against one bare jerasure_matrix_encode / jerasure_matrix_decode
// call on the same buffers in the same run, with memcpy's rate as a ceiling.
#pragma once

#include <cstdint>
#include <string>

namespace bale::bench {

struct EcBenchOptions {
  double seconds = 1.0;           // per figure
  uint64_t shard_size = 1 << 20;  // bytes per shard buffer
  // Coded volumes: this many 4 KiB needles (0: skip), read this many times.
  std::string dir = "./bale-bench-ec.tmp";
  uint64_t needles = 50'000;
  uint64_t reads = 20'000;
};

// Runs the benchmark, printing as it goes. Returns a process exit code.
int RunEcBench(const EcBenchOptions& options);

}  // namespace bale::bench
