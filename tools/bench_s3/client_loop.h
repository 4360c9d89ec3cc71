// ClientLoop: one client thread's event loop. It owns C keep-alive HTTP/1.1
// connections to the endpoint on non-blocking sockets and one epoll set; each
// connection runs a closed loop (send a signed request, read the whole answer,
// send the next), so C requests are in flight at most. No pipelining.
// Requests and answers use per-connection buffers reused from one request to
// the next, so a warm loop does not allocate.
//
// Thread-safety: Run is called on one thread at a time; the progress
// counters may be read from any thread while it runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/client_signer.h"
#include "common/clock.h"
#include "tools/bench_s3/endpoint.h"
#include "tools/bench_s3/op_source.h"
#include "tools/bench_s3/request_head.h"
#include "tools/bench_s3/request_signer.h"
#include "tools/bench_s3/rng.h"
#include "tools/bench_s3/run_stats.h"

namespace bale::bench_s3 {

struct LoopConfig {
  const Endpoint* endpoint = nullptr;
  auth::SigningCredentials credentials;
  const KeySpace* keys = nullptr;
  std::string_view payload;  // PUT bodies are its first `size` bytes
  int connections = 1;
  uint64_t list_max_keys = 1000;
  std::chrono::milliseconds request_timeout{30'000};
  Clock* clock = Clock::Real();
  uint64_t seed = 1;
};

// One phase of a run (preparing, warm-up, measuring): where operations come
// from and when to stop issuing them.
struct Phase {
  OpSource* source = nullptr;
  int64_t deadline_ns = 0;                  // monotonic; no new operation after it, and those
                                            // finishing after it are not counted (0: none)
  std::atomic<int64_t>* budget = nullptr;   // operations left to start, shared (null: no limit)
  const std::atomic<bool>* stop = nullptr;  // set: start nothing more
};

class ClientLoop {
 public:
  explicit ClientLoop(const LoopConfig& config);
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // Runs `phase` until nothing is left to start and nothing is in flight.
  // Statistics start from zero; connections stay open for the next phase.
  void Run(const Phase& phase);
  const RunStats& stats() const { return *stats_; }

  // Operations finished and errors so far in the current phase.
  uint64_t progress_ops() const { return progress_ops_.load(std::memory_order_relaxed); }
  uint64_t progress_errors() const { return progress_errors_.load(std::memory_order_relaxed); }

 private:
  struct Connection;

  void StartNext(Connection& c);
  bool CanStart() const;
  void BuildRequest(Connection& c);
  void Connect(Connection& c);
  void FinishConnect(Connection& c);
  void Send(Connection& c);
  void Receive(Connection& c);
  void Handle(Connection& c, uint32_t events);
  void Finish(Connection& c);  // a whole answer
  // No whole answer; `connecting`: the connection could not be opened.
  void FailNetwork(Connection& c, std::string_view cause, bool connecting = false);
  void Record(Connection& c, bool ok, uint64_t bytes, std::string_view s3_code,
              std::string_view network_cause);
  void Close(Connection& c);
  void SetIdle(Connection& c);
  void WantWrite(Connection& c, bool want);
  void CheckTimers();

  LoopConfig config_;
  RequestSigner signer_;
  Rng rng_;
  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::unique_ptr<RunStats> stats_;
  std::unique_ptr<char[]> read_buffer_;
  const Phase* phase_ = nullptr;
  int busy_ = 0;  // connections not idle: in flight or waiting to reconnect
  bool exhausted_ = false;
  int64_t now_ns_ = 0;
  std::string query_;  // LIST query, rebuilt per request
  alignas(64) std::atomic<uint64_t> progress_ops_{0};
  std::atomic<uint64_t> progress_errors_{0};
};

}  // namespace bale::bench_s3
