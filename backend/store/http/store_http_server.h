// StoreHttpServer: a Store's internal HTTP API (routes in docs/store-api.md),
// served by Boost.Beast over HTTP/1.1 with keep-alive.
//
// Threads: `io_threads` run the sockets and never touch a disk; each request
// that reaches the Store hops to a pool of `worker_threads`, calls the Store
// there, and hops back to write the response. So a slow fdatasync or a
// compaction never stalls other connections.
//
// Thread-safety: Start() and Stop() may be called from any thread, but not
// concurrently with each other. The Store must outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/net/listener_options.h"
#include "common/status.h"

namespace bale {

class Store;

struct StoreHttpServerOptions : net::ListenerOptions {
  StoreHttpServerOptions() { name = "store HTTP API"; }
  uint64_t max_body_bytes = 64ull << 20;  // larger request bodies get 413
  // From a request's first byte to the end of its header.
  std::chrono::milliseconds header_timeout{30'000};
  // Reading one request body, and writing one response.
  std::chrono::milliseconds body_timeout{120'000};
  // (drain_timeout: a Store call that has begun always runs to its end.)
};

class StoreHttpServer {
 public:
  StoreHttpServer(Store* store, StoreHttpServerOptions options);
  ~StoreHttpServer();  // calls Stop()
  StoreHttpServer(const StoreHttpServer&) = delete;
  StoreHttpServer& operator=(const StoreHttpServer&) = delete;

  // Binds, listens and starts serving on background threads. Fails (e.g.
  // UNAVAILABLE for a port in use) without starting anything. Once only.
  Status Start();
  // Stops accepting, closes idle connections, lets requests in flight finish
  // (up to drain_timeout), then closes the rest and joins every thread.
  // Idempotent.
  void Stop();

  // The bound port, once Start() has succeeded.
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bale
