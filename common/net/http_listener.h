// HttpListener: the connection plumbing every Bale HTTP server shares (the
// store API, the S3 gateway): listen, accept, one strand per connection, io
// threads, a worker pool for blocking work, idle timeouts, and a drain on
// Stop(). What happens on a connection is the server's session function.
//
// This header brings in Boost.Asio and Beast: include it only from a server's
// .cc file, never from a header (they compile slowly).
//
// Thread-safety: Start() and Stop() may be called from any thread, but not
// concurrently with each other.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

#include "common/net/listener_options.h"
#include "common/status.h"

namespace bale::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Awaits an asio operation and returns its error_code instead of throwing.
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// One accepted connection. Touched only on its strand (the stream's executor).
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;  // bytes read but not yet parsed
  bool idle = false;          // waiting for the next request; Stop() may close it
};

class HttpListener {
 public:
  using SessionFn = std::function<asio::awaitable<void>(std::shared_ptr<Connection>)>;

  HttpListener(ListenerOptions options, SessionFn session);
  ~HttpListener();  // calls Stop()

  // Binds, listens and starts the threads. UNAVAILABLE for a port in use.
  Status Start();
  // Stops accepting, closes idle connections, waits up to drain_timeout for
  // sessions to end, then closes the rest, waits for the sessions still busy
  // on the disk (however long: they resume on the io threads), and joins
  // every thread. Idempotent.
  void Stop();

  uint16_t port() const { return port_.load(); }
  bool stopping() const { return stopping_.load(); }
  const ListenerOptions& options() const { return options_; }
  // The pool for blocking work (disk, fsync, metadata). Resume a coroutine on
  // it with co_await asio::post(asio::bind_executor(workers(), asio::use_awaitable)).
  asio::any_io_executor workers() { return workers_->get_executor(); }

  // Waits up to idle_timeout for the first byte of the next request on `conn`
  // (Stop() cancels this wait). False when the connection is done.
  asio::awaitable<bool> AwaitRequest(Connection& conn);

 private:
  Status Listen();
  void RunIo();
  void Spawn(const asio::any_io_executor& ex, asio::awaitable<void> task);
  void ForEachConnection(void (*fn)(Connection&));
  bool WaitForTasks(std::chrono::milliseconds timeout);
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> RunSession(std::shared_ptr<Connection> conn);

  const ListenerOptions options_;
  const SessionFn session_;
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool stopped_ = false;
  std::mutex mu_;
  std::condition_variable tasks_done_;
  int live_tasks_ = 0;                           // accept loop + sessions (mu_)
  std::set<std::shared_ptr<Connection>> conns_;  // (mu_)
  // After the state above: destroying the io_context destroys any coroutine
  // frames still queued in it.
  asio::io_context ioc_;
  tcp::acceptor acceptor_{asio::make_strand(ioc_)};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<asio::thread_pool> workers_;
  std::vector<std::thread> io_threads_;
};

}  // namespace bale::net
