// ListenerOptions: what every Bale HTTP server sets for its connections.
// Kept apart from http_listener.h so that server headers can embed it
// without pulling in Boost.Asio.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bale::net {

struct ListenerOptions {
  std::string name = "http";       // for logs: "store HTTP API", "S3 gateway"
  std::string host = "127.0.0.1";  // address (or name) to listen on
  uint16_t port = 0;               // 0: pick a free port (see port())
  int io_threads = 2;
  int worker_threads = 8;  // blocking work runs here
  // A kept-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{30'000};
  // How long Stop() waits for requests in flight before closing everything.
  std::chrono::milliseconds drain_timeout{10'000};
};

}  // namespace bale::net
