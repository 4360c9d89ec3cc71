// `bale serve` and `bale store`: run a store (its volumes over local drives)
// behind its HTTP API until SIGINT/SIGTERM, then drain and exit.
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
  int worker_threads = 16;
};

int RunServe(const ServeOptions& options);

}  // namespace bale::tools
