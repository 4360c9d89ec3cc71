// `bale serve`: the embedded Bale in one process: the S3 gateway on
// --listen over a Haystack store on local drives and RocksDB metadata.
// `bale store`: only the store, behind its HTTP API (docs/store-api.md).
// Both run until SIGINT/SIGTERM, then drain and exit.
#pragma once

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
};

int RunServe(const ServeOptions& options);
int RunStore(const ServeOptions& options);

}  // namespace bale::tools
