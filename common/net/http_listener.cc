#include "common/net/http_listener.h"

#include <algorithm>
#include <exception>

#include "common/log.h"

namespace bale::net {
namespace {

// Bytes asked for when waiting for the first byte of a request.
constexpr size_t kFirstReadBytes = 16 << 10;
// After the drain timeout, how often the stop says what it still waits for.
constexpr std::chrono::seconds kStuckReportInterval{10};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

HttpListener::HttpListener(ListenerOptions options, SessionFn session)
    : options_(std::move(options)), session_(std::move(session)) {}

HttpListener::~HttpListener() { Stop(); }

Status HttpListener::Start() {
  if (started_) return FailedPreconditionError(options_.name + ": Start() called twice");
  RETURN_IF_ERROR(Listen());
  started_ = true;
  work_.emplace(ioc_.get_executor());
  workers_ = std::make_unique<asio::thread_pool>(std::max(1, options_.worker_threads));
  Spawn(acceptor_.get_executor(), AcceptLoop());
  for (int i = 0; i < std::max(1, options_.io_threads); ++i)
    io_threads_.emplace_back([this] { RunIo(); });
  BALE_LOG(kInfo) << options_.name << " listening on " << options_.host << ":" << port();
  return Status::Ok();
}

Status HttpListener::Listen() {
  std::string where = options_.host + ":" + std::to_string(options_.port);
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty())
    return InvalidArgumentError(options_.name + ": cannot resolve " + where + ": " + ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return UnavailableError(options_.name + ": listen on " + where + ": " + ec.message());
  }
  return Status::Ok();
}

void HttpListener::RunIo() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {  // a handler threw; keep serving
      BALE_LOG(kError) << options_.name << " io thread: " << e.what();
    }
  }
}

void HttpListener::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  // Idle connections close now; busy ones after their response (stopping()).
  ForEachConnection([](Connection& c) {
    if (c.idle) c.stream.cancel();
  });
  if (!WaitForTasks(options_.drain_timeout)) {
    BALE_LOG(kWarning) << options_.name << ": requests still running after "
                       << options_.drain_timeout.count() << " ms; closing their connections";
    ForEachConnection([](Connection& c) { c.stream.close(); });
    // What is still running now waits on the disk (a fiber's group commit
    // behind a slow fdatasync, say), and it resumes on the io threads: they
    // must outlive it, or it would run on a destroyed io_context. A hung
    // drive makes the stop wait here, said in the log; kill -9 stays safe.
    while (!WaitForTasks(kStuckReportInterval)) {
      std::lock_guard lock(mu_);
      BALE_LOG(kWarning) << options_.name << ": " << live_tasks_
                         << " request(s) still waiting on the disk; the stop waits for them";
    }
  }
  work_.reset();
  ioc_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  workers_->join();  // blocking work that has begun runs to its end
  {
    std::lock_guard lock(mu_);
    conns_.clear();  // before ioc_ goes: streams belong to it
  }
  BALE_LOG(kInfo) << options_.name << " on " << options_.host << ":" << port() << " stopped";
}

void HttpListener::Spawn(const asio::any_io_executor& ex, asio::awaitable<void> task) {
  {
    std::lock_guard lock(mu_);
    ++live_tasks_;
  }
  asio::co_spawn(ex, std::move(task), [this](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        BALE_LOG(kError) << options_.name << ": connection failed: " << x.what();
      } catch (...) {
        BALE_LOG(kError) << options_.name << ": connection failed";
      }
    }
    std::lock_guard lock(mu_);
    --live_tasks_;
    tasks_done_.notify_all();
  });
}

void HttpListener::ForEachConnection(void (*fn)(Connection&)) {
  std::lock_guard lock(mu_);
  for (const std::shared_ptr<Connection>& c : conns_)
    asio::post(c->stream.get_executor(), [c, fn] { fn(*c); });
}

bool HttpListener::WaitForTasks(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return tasks_done_.wait_for(lock, timeout, [this] { return live_tasks_ == 0; });
}

asio::awaitable<void> HttpListener::AcceptLoop() {
  for (;;) {
    tcp::socket socket(asio::make_strand(ioc_));
    auto [ec] = co_await acceptor_.async_accept(socket, kNoThrow);
    if (stopping_ || ec == asio::error::operation_aborted) co_return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      BALE_LOG(kWarning) << options_.name << ": accept: " << ec.message();
      asio::steady_timer timer(acceptor_.get_executor(), kAcceptRetryDelay);
      co_await timer.async_wait(kNoThrow);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto conn = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(mu_);
      conns_.insert(conn);
    }
    Spawn(conn->stream.get_executor(), RunSession(conn));
  }
}

asio::awaitable<void> HttpListener::RunSession(std::shared_ptr<Connection> conn) {
  co_await session_(conn);
  beast::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::lock_guard lock(mu_);
  conns_.erase(conn);
}

asio::awaitable<bool> HttpListener::AwaitRequest(Connection& conn) {
  if (conn.buffer.size() > 0) co_return true;  // a pipelined request is already here
  conn.idle = true;
  // Stop() sets stopping_ and then cancels idle connections on their strands.
  // Checking after marking ourselves idle (on this strand) closes the gap in
  // which a session coming back from a request would miss both.
  if (stopping_) {
    conn.idle = false;
    co_return false;
  }
  conn.stream.expires_after(options_.idle_timeout);
  auto [ec, n] =
      co_await conn.stream.async_read_some(conn.buffer.prepare(kFirstReadBytes), kNoThrow);
  conn.idle = false;
  if (ec) co_return false;
  conn.buffer.commit(n);
  co_return true;
}

}  // namespace bale::net
