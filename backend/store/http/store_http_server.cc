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
#include "common/net/http_listener.h"

namespace bale {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using store_http::StoreHttpResponse;

using net::kNoThrow;
// Bytes asked for when waiting for the first byte of a request.
constexpr size_t kFirstReadBytes = 16 << 10;
// After refusing a request whose body we did not read, how long to keep
// reading and dropping it, so the client receives our answer before a reset.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::string_view kServerName = "bale-store";

using Parser = http::request_parser<http::string_body>;
using Request = http::request<http::string_body>;
// string_body for needle payloads too: the Store takes and returns whole
// needles as std::string, bodies are bounded by max_body_bytes, and moving
// the string in and out of the message copies nothing.
using Response = http::response<http::string_body>;

using net::Connection;

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
      : store_(store),
        options_(std::move(options)),
        listener_(options_,
                  [this](std::shared_ptr<Connection> c) { return Session(std::move(c)); }) {}

  Status Start() { return listener_.Start(); }
  void Stop() { listener_.Stop(); }
  uint16_t port() const { return listener_.port(); }

 private:
  asio::awaitable<void> Session(std::shared_ptr<Connection> conn);
  asio::awaitable<ReadResult> ReadRequest(Connection& conn, Parser& parser);
  asio::awaitable<StoreHttpResponse> Serve(const Request& req);
  asio::awaitable<void> Refuse(Connection& conn, int status, const Status& why);

  Store* const store_;
  const StoreHttpServerOptions options_;
  net::HttpListener listener_;  // last: its threads call into the members above
};

asio::awaitable<void> StoreHttpServer::Impl::Session(std::shared_ptr<Connection> conn) {
  while (!listener_.stopping() && co_await listener_.AwaitRequest(*conn)) {
    Parser parser;
    parser.body_limit(options_.max_body_bytes);
    ReadResult read = co_await ReadRequest(*conn, parser);
    if (read == ReadResult::kTooLarge) {
      co_await Refuse(*conn, 413,
                      InvalidArgumentError("request body exceeds " +
                                           std::to_string(options_.max_body_bytes) + " bytes"));
    } else if (read == ReadResult::kMalformed) {
      co_await Refuse(*conn, 400, InvalidArgumentError("malformed HTTP request"));
    }
    if (read != ReadResult::kRequest) break;
    Request req = parser.release();
    StoreHttpResponse r = co_await Serve(req);
    bool keep_alive = req.keep_alive() && !listener_.stopping();
    Response res =
        ToHttp(std::move(r), req.method() == http::verb::head, keep_alive, req.version());
    conn->stream.expires_after(options_.body_timeout);
    auto [ec, n] = co_await http::async_write(conn->stream, res, kNoThrow);
    if (ec || !keep_alive) break;
  }
}

asio::awaitable<ReadResult> StoreHttpServer::Impl::ReadRequest(Connection& conn, Parser& parser) {
  conn.stream.expires_after(options_.header_timeout);
  auto [ec, n] = co_await http::async_read_header(conn.stream, conn.buffer, parser, kNoThrow);
  if (ec) co_return Classify(ec);
  // curl and others wait for this before sending a large body.
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
    conn.stream.expires_after(options_.body_timeout);
    auto [wec, wn] = co_await http::async_write(conn.stream, go_on, kNoThrow);
    if (wec) co_return ReadResult::kClosed;
  }
  conn.stream.expires_after(options_.body_timeout);
  auto [bec, bn] = co_await http::async_read(conn.stream, conn.buffer, parser, kNoThrow);
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
  co_await asio::post(asio::bind_executor(listener_.workers(), asio::use_awaitable));
  response = ExecuteGuarded(store_, route, req.body());
  co_await asio::post(strand, asio::use_awaitable);
  co_return response;
}

// Answers a request that will not be served, then closes: shuts down our
// side and drops whatever the client still sends, for a moment, so it reads
// the answer rather than a connection reset.
asio::awaitable<void> StoreHttpServer::Impl::Refuse(Connection& conn, int status,
                                                    const Status& why) {
  Response res = ToHttp(store_http::ErrorResponse(status, why), false, false, 11);
  conn.stream.expires_after(options_.body_timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, res, kNoThrow);
  if (ec) co_return;
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.expires_after(kLingerTimeout);
  for (;;) {
    auto [rec, rn] =
        co_await conn.stream.async_read_some(conn.buffer.prepare(kFirstReadBytes), kNoThrow);
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
