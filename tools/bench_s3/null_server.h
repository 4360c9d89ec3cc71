// NullServer: the instant server the load generator's own ceiling is
// measured against (`bale bench null-server`). It answers every HTTP/1.1
// request with a fixed 200 and a body of N bytes, without looking at more
// than the head (request bodies are skipped): epoll, non-blocking sockets,
// keep-alive, one event loop per thread (SO_REUSEPORT).
//
// Thread-safety: Run blocks its caller; Stop may be called from any thread
// or a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bale::bench_s3 {

struct NullServerOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT; port 0 picks a free one
  uint64_t body_bytes = 4096;
  // Tests: answer with this status line and body instead ("404 Not Found").
  std::string status = "200 OK";
  std::string body;  // used instead of body_bytes when not empty
  int threads = 1;
};

class NullServer {
 public:
  explicit NullServer(NullServerOptions options) : options_(std::move(options)) {}
  // Binds the listening sockets; port() is known after.
  Status Listen();
  uint16_t port() const { return port_; }
  // Serves until Stop().
  void Run();
  void Stop() { stop_.store(true); }
  // Requests answered so far.
  uint64_t answered() const { return answered_.load(); }

 private:
  struct Client;
  void Serve(int listen_fd);
  // Takes request bytes; false when they are not HTTP this server can skip.
  bool Consume(Client& c, std::string_view data);
  // Queues the answer to the request with this head.
  bool Answer(Client& c, std::string_view head);

  NullServerOptions options_;
  std::vector<int> listen_fds_;
  uint16_t port_ = 0;
  std::string response_;   // head and body of the answer to anything but HEAD
  size_t head_bytes_ = 0;  // the head's share of response_
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> answered_{0};
};

}  // namespace bale::bench_s3
