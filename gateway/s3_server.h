// S3Server: the gateway's HTTP/1.1 server. Each request's head is parsed on
// an io thread, then the handler runs on the worker pool with a blocking
// RequestBody and ResponseSink bridged to the connection (bodies stream both
// ways; nothing is buffered whole), or, for small writes the options pick
// (runs_in_fiber), as a fiber on the io thread that waits without a thread. Timeouts on idle, header and body; a
// header size limit; SIGTERM-style drain through Stop(). A keep-alive
// (ResponseSink::StartKeepAlive) is a timer and async writes on the
// connection's strand: no thread sleeps or blocks for it.
//
// Thread-safety: Start() and Stop() from any thread, not concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/net/listener_options.h"
#include "common/status.h"
#include "gateway/http_exchange.h"

namespace bale::s3 {

struct S3ServerOptions : net::ListenerOptions {
  S3ServerOptions() {
    name = "S3 gateway";
    worker_threads = 64;  // writes: one per request in flight (they block on fsync)
    idle_timeout = std::chrono::milliseconds(60'000);
    drain_timeout = std::chrono::milliseconds(30'000);
  }
  // GET and HEAD run on their own small pool: they rarely block for long, and
  // a few hot threads hand work over far faster than many sleeping ones.
  int read_worker_threads = 4;
  uint32_t header_limit = 16 << 10;
  std::chrono::milliseconds header_timeout{30'000};
  // Longest wait for the next body bytes, or for the client to take ours.
  std::chrono::milliseconds body_timeout{60'000};
  // Requests whose body is small enough to have been read whole before the
  // handler starts, and that this says yes to, run as a fiber on their
  // connection's strand rather than on a worker: their handler must wait
  // only on fiber::Events (common/fiber.h), which the volume group commit
  // and the metadata store's writes do. Empty: every request on a worker.
  std::function<bool(const HttpRequestHead&)> runs_in_fiber;
};

// Handles one request; must answer through the sink (an unanswered request
// gets a 500). Runs on a worker thread; may block.
using S3Handler = std::function<void(const HttpRequestHead&, RequestBody&, ResponseSink&)>;

class S3Server {
 public:
  S3Server(S3ServerOptions options, S3Handler handler);
  ~S3Server();
  Status Start();
  void Stop();
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bale::s3
