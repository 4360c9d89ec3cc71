// `bale serve`: the embedded Bale in one process: the S3 gateway on
// --listen over a Haystack store on local drives and RocksDB metadata.
// `bale store`: only the store, behind its HTTP API (docs/store-api.md).
// Both run until SIGINT/SIGTERM, then drain and exit.
#pragma once

#include <chrono>

#include <string>
#include <vector>

namespace bale::tools {

struct ServeOptions {
  std::string data_dir = "./bale-data";
  std::string listen = "127.0.0.1:9000";
  std::vector<std::string> drives;  // default: <data_dir>/drive0
  uint64_t volume_size = 30ull << 30;
  int initial_volumes = 4;  // created on an empty store
  int io_threads = 2;
  int worker_threads = 64;           // requests that write (PUT, POST, DELETE)
  int read_worker_threads = 4;       // GET and HEAD
  std::string store_listen;          // serve: also expose the store API here
  std::vector<std::string> domains;  // serve: virtual-hosted-style domains
  std::string region = "us-east-1";
  // serve: background work.
  double compact_garbage_ratio = 0.3;      // compact volumes with this share of garbage
  uint64_t compact_min_garbage = 16ull << 20;  // ... and at least this many garbage bytes
  uint64_t compact_rate = 64ull << 20;     // bytes/s a compaction reads; 0: unthrottled
  std::chrono::seconds compact_interval{10};
  std::chrono::seconds upload_expiry{24 * 3600};  // abort incomplete uploads this old; 0: never
  std::chrono::seconds orphan_grace{24 * 3600};   // OrphanSweepOptions; 0: no sweep
  std::chrono::seconds orphan_interval{6 * 3600};
  // Redundancy across drives (docs/architecture.md).
  std::string ec;  // "K+M", "none", or empty: DefaultErasureScheme(number of drives)
  uint64_t ec_block_size = 1 << 20;
  uint64_t ec_rate = 64ull << 20;              // bytes/s encoding and repair write; 0: unthrottled
  std::chrono::seconds ec_interval{10};         // between the erasure worker's passes
  std::chrono::seconds seal_idle{24 * 3600};    // seal (then encode) volumes idle this long; 0: never
  std::chrono::seconds scrub_interval{7 * 24 * 3600};  // 0: never
  uint64_t scrub_rate = 32ull << 20;            // bytes/s a scrub reads; 0: unthrottled
};

int RunServe(const ServeOptions& options);
int RunStore(const ServeOptions& options);

}  // namespace bale::tools
