#include "backend/store/http/store_http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "backend/store/http/store_http_handler.h"
#include "common/log.h"

namespace bale {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using store_http::StoreHttpResponse;

// Awaits an asio operation and returns its error_code instead of throwing.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// Bytes asked for when waiting for the first byte of a request.
constexpr size_t kFirstReadBytes = 16 << 10;
// After refusing a request whose body we did not read, how long to keep
// reading and dropping it, so the client receives our answer before a reset.
constexpr std::chrono::seconds kLingerTimeout{2};
// After drain_timeout, how long closed connections get to wind down.
constexpr std::chrono::seconds kForceCloseGrace{1};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::string_view kServerName = "bale-store";

using Parser = http::request_parser<http::string_body>;
using Request = http::request<http::string_body>;
// string_body for needle payloads too: the Store takes and returns whole
// needles as std::string, bodies are bounded by max_body_bytes, and moving
// the string in and out of the message copies nothing.
using Response = http::response<http::string_body>;

// One accepted connection. Touched only on its strand (the stream's executor).
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = false;  // waiting for the next request; Stop() may close it
};

enum class ReadResult { kRequest, kClosed, kTooLarge, kMalformed };

ReadResult Classify(const beast::error_code& ec) {
  if (!ec) return ReadResult::kRequest;
  if (ec == http::error::body_limit) return ReadResult::kTooLarge;
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return ReadResult::kMalformed;
  }
  return ReadResult::kClosed;  // timeout, reset, or the peer went away
}

Response ToHttp(StoreHttpResponse r, bool head, bool keep_alive, unsigned version) {
  Response res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, kServerName);
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  if (r.head_content_length) {
    res.content_length(*r.head_content_length);
  } else if (head) {
    res.content_length(r.body.size());  // what a GET would carry; sent bare
  } else if (r.status != 204) {
    res.body() = std::move(r.body);
    res.prepare_payload();
  }
  return res;
}

StoreHttpResponse ExecuteGuarded(Store* store, const store_http::StoreRoute& route,
                                 std::string_view body) {
  try {
    return store_http::ExecuteStoreRoute(store, route, body);
  } catch (const std::exception& e) {  // e.g. bad_alloc for a huge needle
    return store_http::ErrorResponse(InternalError(std::string("store call threw: ") + e.what()));
  }
}

}  // namespace

class StoreHttpServer::Impl {
 public:
  Impl(Store* store, StoreHttpServerOptions options)
      : store_(store), options_(std::move(options)) {}
  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  uint16_t port() const { return port_.load(); }

 private:
  Status Listen();
  void RunIo();
  void Spawn(const asio::any_io_executor& ex, asio::awaitable<void> task);
  // Runs `fn` on the strand of every open connection.
  void ForEachConnection(void (*fn)(Connection&));
  bool WaitForTasks(std::chrono::milliseconds timeout);

  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Session(std::shared_ptr<Connection> conn);
  asio::awaitable<bool> AwaitRequest(Connection& conn, beast::flat_buffer& buffer);
  asio::awaitable<ReadResult> ReadRequest(Connection& conn, beast::flat_buffer& buffer,
                                          Parser& parser);
  asio::awaitable<StoreHttpResponse> Serve(const Request& req);
  asio::awaitable<void> Refuse(Connection& conn, beast::flat_buffer& buffer, int status,
                               const Status& why);

  Store* const store_;
  const StoreHttpServerOptions options_;
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;  // Start()/Stop() callers only
  bool stopped_ = false;

  std::mutex mu_;
  std::condition_variable tasks_done_;
  int live_tasks_ = 0;                           // accept loop + sessions (mu_)
  std::set<std::shared_ptr<Connection>> conns_;  // (mu_)

  // Declared after the state above: destroying the io_context destroys any
  // coroutine frames still queued in it.
  asio::io_context ioc_;
  tcp::acceptor acceptor_{asio::make_strand(ioc_)};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<asio::thread_pool> workers_;
  std::vector<std::thread> io_threads_;
};

Status StoreHttpServer::Impl::Start() {
  if (started_) return FailedPreconditionError("store HTTP server: Start() called twice");
  RETURN_IF_ERROR(Listen());
  started_ = true;
  work_.emplace(ioc_.get_executor());
  workers_ = std::make_unique<asio::thread_pool>(std::max(1, options_.worker_threads));
  Spawn(acceptor_.get_executor(), AcceptLoop());
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    io_threads_.emplace_back([this] { RunIo(); });
  }
  BALE_LOG(kInfo) << "store HTTP API listening on " << options_.host << ":" << port();
  return Status::Ok();
}

Status StoreHttpServer::Impl::Listen() {
  std::string where = options_.host + ":" + std::to_string(options_.port);
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return InvalidArgumentError("store HTTP server: cannot resolve " + where + ": " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return UnavailableError("store HTTP server: listen on " + where + ": " + ec.message());
  }
  return Status::Ok();
}

void StoreHttpServer::Impl::RunIo() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {  // a handler threw; keep serving
      BALE_LOG(kError) << "store HTTP io thread: " << e.what();
    }
  }
}

void StoreHttpServer::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  // Idle connections close now; busy ones after their response (stopping_).
  ForEachConnection([](Connection& c) {
    if (c.idle) c.stream.cancel();
  });
  if (!WaitForTasks(options_.drain_timeout)) {
    BALE_LOG(kWarning) << "store HTTP server: requests still running after "
                       << options_.drain_timeout.count() << " ms; closing their connections";
    ForEachConnection([](Connection& c) { c.stream.close(); });
    WaitForTasks(kForceCloseGrace);
  }
  work_.reset();
  ioc_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  workers_->join();  // a Store call that has begun runs to its end
  {
    std::lock_guard lock(mu_);
    conns_.clear();  // before ioc_ goes: streams belong to it
  }
  BALE_LOG(kInfo) << "store HTTP API on " << options_.host << ":" << port() << " stopped";
}

void StoreHttpServer::Impl::Spawn(const asio::any_io_executor& ex, asio::awaitable<void> task) {
  {
    std::lock_guard lock(mu_);
    ++live_tasks_;
  }
  asio::co_spawn(ex, std::move(task), [this](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        BALE_LOG(kError) << "store HTTP server: connection failed: " << x.what();
      } catch (...) {
        BALE_LOG(kError) << "store HTTP server: connection failed";
      }
    }
    std::lock_guard lock(mu_);
    --live_tasks_;
    tasks_done_.notify_all();
  });
}

void StoreHttpServer::Impl::ForEachConnection(void (*fn)(Connection&)) {
  std::lock_guard lock(mu_);
  for (const std::shared_ptr<Connection>& c : conns_) {
    asio::post(c->stream.get_executor(), [c, fn] { fn(*c); });
  }
}

bool StoreHttpServer::Impl::WaitForTasks(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return tasks_done_.wait_for(lock, timeout, [this] { return live_tasks_ == 0; });
}

asio::awaitable<void> StoreHttpServer::Impl::AcceptLoop() {
  for (;;) {
    tcp::socket socket(asio::make_strand(ioc_));
    auto [ec] = co_await acceptor_.async_accept(socket, kNoThrow);
    if (stopping_ || ec == asio::error::operation_aborted) co_return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      BALE_LOG(kWarning) << "store HTTP server: accept: " << ec.message();
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
    Spawn(conn->stream.get_executor(), Session(conn));
  }
}

asio::awaitable<void> StoreHttpServer::Impl::Session(std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  while (!stopping_ && co_await AwaitRequest(*conn, buffer)) {
    Parser parser;
    parser.body_limit(options_.max_body_bytes);
    ReadResult read = co_await ReadRequest(*conn, buffer, parser);
    if (read == ReadResult::kTooLarge) {
      co_await Refuse(*conn, buffer, 413,
                      InvalidArgumentError("request body exceeds " +
                                           std::to_string(options_.max_body_bytes) + " bytes"));
    } else if (read == ReadResult::kMalformed) {
      co_await Refuse(*conn, buffer, 400, InvalidArgumentError("malformed HTTP request"));
    }
    if (read != ReadResult::kRequest) break;

    Request req = parser.release();
    StoreHttpResponse r = co_await Serve(req);
    bool keep_alive = req.keep_alive() && !stopping_;
    Response res =
        ToHttp(std::move(r), req.method() == http::verb::head, keep_alive, req.version());
    conn->stream.expires_after(options_.body_timeout);
    auto [ec, n] = co_await http::async_write(conn->stream, res, kNoThrow);
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::lock_guard lock(mu_);
  conns_.erase(conn);
}

// Waits (up to idle_timeout) for the first byte of the next request. The wait
// is the connection's idle time: Stop() cancels it.
asio::awaitable<bool> StoreHttpServer::Impl::AwaitRequest(Connection& conn,
                                                          beast::flat_buffer& buffer) {
  if (buffer.size() > 0) co_return true;  // a pipelined request is already here
  conn.idle = true;
  conn.stream.expires_after(options_.idle_timeout);
  auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(kFirstReadBytes), kNoThrow);
  conn.idle = false;
  if (ec) co_return false;
  buffer.commit(n);
  co_return true;
}

asio::awaitable<ReadResult> StoreHttpServer::Impl::ReadRequest(Connection& conn,
                                                               beast::flat_buffer& buffer,
                                                               Parser& parser) {
  conn.stream.expires_after(options_.header_timeout);
  auto [ec, n] = co_await http::async_read_header(conn.stream, buffer, parser, kNoThrow);
  if (ec) co_return Classify(ec);
  // curl and others wait for this before sending a large body.
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
    conn.stream.expires_after(options_.body_timeout);
    auto [wec, wn] = co_await http::async_write(conn.stream, go_on, kNoThrow);
    if (wec) co_return ReadResult::kClosed;
  }
  conn.stream.expires_after(options_.body_timeout);
  auto [bec, bn] = co_await http::async_read(conn.stream, buffer, parser, kNoThrow);
  co_return Classify(bec);
}

asio::awaitable<StoreHttpResponse> StoreHttpServer::Impl::Serve(const Request& req) {
  store_http::StoreRoute route;
  StoreHttpResponse response;
  std::string_view method(req.method_string().data(), req.method_string().size());
  std::string_view target(req.target().data(), req.target().size());
  if (!store_http::RouteStoreRequest(method, target, &route, &response)) co_return response;

  // Disk work never runs on an io thread: resume this coroutine on a worker
  // (bind_executor matters: a plain post(workers, use_awaitable) would resume
  // on the connection's strand), call the Store, then come back to write.
  asio::any_io_executor strand = co_await asio::this_coro::executor;
  co_await asio::post(asio::bind_executor(workers_->get_executor(), asio::use_awaitable));
  response = ExecuteGuarded(store_, route, req.body());
  co_await asio::post(strand, asio::use_awaitable);
  co_return response;
}

// Answers a request that will not be served, then closes: shuts down our
// side and drops whatever the client still sends, for a moment, so it reads
// the answer rather than a connection reset.
asio::awaitable<void> StoreHttpServer::Impl::Refuse(Connection& conn, beast::flat_buffer& buffer,
                                                    int status, const Status& why) {
  Response res = ToHttp(store_http::ErrorResponse(status, why), false, false, 11);
  conn.stream.expires_after(options_.body_timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, res, kNoThrow);
  if (ec) co_return;
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.expires_after(kLingerTimeout);
  for (;;) {
    auto [rec, rn] =
        co_await conn.stream.async_read_some(buffer.prepare(kFirstReadBytes), kNoThrow);
    if (rec) co_return;
  }
}

StoreHttpServer::StoreHttpServer(Store* store, StoreHttpServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

StoreHttpServer::~StoreHttpServer() = default;

Status StoreHttpServer::Start() { return impl_->Start(); }

void StoreHttpServer::Stop() { impl_->Stop(); }

uint16_t StoreHttpServer::port() const { return impl_->port(); }

}  // namespace bale
