#include "gateway/s3_server.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

#include "common/buffer_pool.h"
#include "common/fiber.h"
#include "common/log.h"
#include "common/net/http_listener.h"
#include "gateway/request_id.h"
#include "gateway/s3_error.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::Connection;
using net::kNoThrow;
using Parser = http::request_parser<http::buffer_body>;

// After answering a request whose body was not read, how long to keep
// reading and dropping it so the client sees the answer, not a reset.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr size_t kLingerChunk = 64 << 10;
constexpr std::string_view kServerName = "Bale";
// Bodies up to this size, without "Expect: 100-continue", are read on the
// connection's strand before the handler runs, so the worker never waits on
// the socket for them (each wait is a round trip between two threads).
constexpr uint64_t kPrefetchLimit = 64 << 10;
constexpr size_t kBodyReadBytes = 64 << 10;  // Beast's most per read

// The headers every response starts with: Server, and Date (RFC 9110
// section 6.6.1: an origin server with a clock sends it; SDKs correct their
// clock skew from it). The date is formatted once a second per thread.
template <class Fields>
void SetStandardHeaders(Fields& fields) {
  thread_local std::time_t formatted_second = -1;
  thread_local std::string date;
  const std::time_t now = std::time(nullptr);
  if (now != formatted_second) {
    date = HttpDate(static_cast<int64_t>(now) * 1'000'000);
    formatted_second = now;
  }
  fields.set(http::field::server, kServerName);
  fields.set(http::field::date, date);
}

HttpRequestHead HeadOf(const Parser& parser) {
  const auto& req = parser.get();
  HttpRequestHead h;
  h.method = std::string(req.method_string());
  h.target = std::string(req.target());
  h.version = req.version();
  for (const auto& f : req)
    h.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  if (parser.content_length()) h.content_length = *parser.content_length();
  h.chunked = parser.chunked();
  return h;
}

struct IoResult {
  beast::error_code ec;
  size_t bytes = 0;
  bool done = false;
};

// A small body read whole before the handler started, and how reading it ended.
struct PrefetchedBody {
  bool active = false;
  std::string data;  // the bytes received (all of them unless `ec`)
  size_t pos = 0;    // how many the handler has read
  beast::error_code ec;
};

// Runs `task` on `strand` and waits until it is done: a worker thread
// sleeps; a handler's fiber (which runs on the strand) is suspended, so the
// strand is free to run the task.
IoResult BlockOn(const asio::any_io_executor& strand, asio::awaitable<IoResult> task) {
  IoResult result;
  fiber::Event done;
  asio::co_spawn(strand, std::move(task), [&result, &done](std::exception_ptr e, IoResult r) {
    if (e) r.ec = asio::error::operation_aborted;
    result = r;
    done.Set();
  });
  done.Wait();
  return result;
}

// A deadline for reading a request body. Beast's own expiry closes the
// socket when it fires, so the RequestTimeout answer could never go out (the
// client saw the connection drop after body_timeout, without a word). This
// one cancels the reads in flight and leaves the socket open; reads that
// then fail say beast::error::timeout (Translate). Used on the strand only.
class BodyDeadline {
 public:
  BodyDeadline(Connection& conn, std::chrono::milliseconds timeout)
      : timer_(conn.stream.get_executor()), state_(std::make_shared<State>()) {
    conn.stream.expires_never();
    timer_.expires_after(timeout);
    timer_.async_wait([state = state_, &conn](const beast::error_code& ec) {
      if (ec || state->over) return;  // cancelled, or the read ended first
      state->expired = true;
      beast::error_code ignored;
      conn.stream.socket().cancel(ignored);
    });
  }
  ~BodyDeadline() {
    state_->over = true;  // a firing already queued must not touch the connection
    timer_.cancel();
  }
  BodyDeadline(const BodyDeadline&) = delete;
  BodyDeadline& operator=(const BodyDeadline&) = delete;

  beast::error_code Translate(const beast::error_code& ec) const {
    return ec == asio::error::operation_aborted && state_->expired
               ? beast::error_code(beast::error::timeout)
               : ec;
  }

 private:
  struct State {
    bool over = false;
    bool expired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

Status BodyReadError(const beast::error_code& ec) {
  if (ec == beast::error::timeout)
    return ErrorStatus("RequestTimeout",
                       "Your socket connection to the server was not read from "
                       "or written to within the timeout period.");
  if (ec == http::error::partial_message || ec == http::error::end_of_stream)
    return ErrorStatus("IncompleteBody", "The request body ended before its declared length.");
  if (ec.category() == http::make_error_code(http::error::bad_chunk).category())
    return ErrorStatus("InvalidRequest", "Malformed request body: " + ec.message());
  return UnavailableError("reading the request body: " + ec.message());
}

// The bridge between a handler on a worker thread and its connection: every
// socket operation runs on the connection's strand while the worker waits.
class Exchange final : public RequestBody, public ResponseSink {
 public:
  Exchange(Connection& conn, Parser& parser, asio::any_io_executor strand,
           const S3ServerOptions& options, const net::HttpListener& listener,
           bool keep_alive_allowed, PrefetchedBody& prefetched)
      : conn_(conn),
        parser_(parser),
        prefetched_(prefetched),
        strand_(std::move(strand)),
        options_(options),
        listener_(listener),
        head_request_(parser.get().method() == http::verb::head),
        expect_continue_(beast::iequals(parser.get()[http::field::expect], "100-continue")),
        keep_alive_allowed_(keep_alive_allowed),
        version_(parser.get().version()) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (n == 0) return size_t{0};
    if (prefetched_.active) {
      size_t take = std::min(n, prefetched_.data.size() - prefetched_.pos);
      if (take == 0 && prefetched_.ec) return BodyReadError(prefetched_.ec);
      std::copy_n(prefetched_.data.data() + prefetched_.pos, take, buf);
      prefetched_.pos += take;
      return take;
    }
    for (;;) {
      IoResult r = BlockOn(strand_, ReadSome(buf, n));
      if (r.ec) return BodyReadError(r.ec);
      if (r.bytes > 0 || r.done) return r.bytes;  // chunk framing may yield 0 bytes: go on
    }
  }

  Status Begin(const HttpResponseHead& head) override {
    if (started_) return InternalError("a response was already started");
    StartResponse(head);
    if (no_body_) {
      if (head.content_length && head.status != 204 && head.status != 304)
        res_.set(http::field::content_length, std::to_string(*head.content_length));
      http::response<http::empty_body> bare{res_.base()};
      return Check(BlockOn(strand_, WriteBare(std::move(bare))));
    }
    return Check(BlockOn(strand_, WriteHeader()));
  }

  Status Write(std::string_view chunk) override {
    RETURN_IF_ERROR(AwaitOwnedWrite());
    if (!started_) return InternalError("Write() before Begin()");
    if (no_body_ || chunk.empty()) return Status::Ok();
    return Check(BlockOn(strand_, WriteChunk(chunk)));
  }

  Status WriteOwned(std::string chunk) override {
    RETURN_IF_ERROR(AwaitOwnedWrite());
    if (!started_) return InternalError("WriteOwned() before Begin()");
    if (no_body_ || chunk.empty()) return Status::Ok();
    owned_chunk_ = std::move(chunk);
    owned_done_.emplace();
    asio::co_spawn(strand_, WriteChunk(owned_chunk_), [this](std::exception_ptr e, IoResult r) {
      if (e) r.ec = asio::error::operation_aborted;
      owned_result_ = r;
      owned_done_->Set();
    });
    return Status::Ok();
  }

  // Waits for the write WriteOwned() left in flight, if any, and gives its
  // outcome. Called by every other use of the sink, and by the server once the
  // handler has returned (or thrown), on the handler's thread.
  Status AwaitOwnedWrite() {
    if (!owned_done_) return Status::Ok();
    owned_done_->Wait();
    owned_done_.reset();
    buffers::GiveBack(std::move(owned_chunk_));
    owned_chunk_ = {};
    return Check(owned_result_);
  }

  Status End() override {
    RETURN_IF_ERROR(AwaitOwnedWrite());
    if (!started_) return InternalError("End() before Begin()");
    if (no_body_ || ended_) return Status::Ok();
    ended_ = true;
    res_.body().data = nullptr;
    res_.body().size = 0;
    res_.body().more = false;
    return Check(BlockOn(strand_, WriteBody()));
  }

  // Kept for the session to write once the handler has returned: a whole
  // response costs no round trip between the worker and the connection.
  Status Send(const HttpResponseHead& head, std::string body) override {
    if (started_) return InternalError("a response was already started");
    started_ = ended_ = true;
    keep_alive_ = KeepAliveNow();
    no_body_ = NoBody(head.status);
    pending_.emplace(http::status(static_cast<unsigned>(head.status)), version_);
    auto& res = *pending_;
    SetStandardHeaders(res);
    for (const auto& [name, value] : head.headers) res.insert(name, value);
    res.keep_alive(keep_alive_);
    uint64_t length = head.content_length.value_or(body.size());
    if (no_body_) {
      if (head.status != 204 && head.status != 304)
        res.set(http::field::content_length, std::to_string(length));
    } else {
      res.body() = std::move(body);
      res.content_length(res.body().size());
    }
    return Status::Ok();
  }

  // On the strand, after the handler: writes a response kept by Send().
  asio::awaitable<void> WritePending() {
    if (!pending_) co_return;
    conn_.stream.expires_after(options_.body_timeout);
    beast::error_code ec;
    if (no_body_) {
      http::response<http::empty_body> bare{pending_->base()};
      auto [e, n] = co_await http::async_write(conn_.stream, bare, kNoThrow);
      ec = e;
    } else {
      auto [e, n] = co_await http::async_write(conn_.stream, *pending_, kNoThrow);
      ec = e;
    }
    if (ec) failed_ = true;
    buffers::GiveBack(std::move(pending_->body()));
    pending_.reset();
  }

  bool started() const override { return started_; }

  // The keep-alive runs on the strand (a timer, then async writes), so no
  // thread waits for it; only StopKeepAlive() blocks, on the worker.
  void StartKeepAlive(KeepAlive keep_alive) override {
    // Not for HTTP/1.0, which has no chunked encoding to stream an unknown length.
    if (started_ || heartbeat_ || head_request_ || version_ < 11) return;
    heartbeat_ = std::make_unique<Heartbeat>(std::move(keep_alive), strand_);
    asio::co_spawn(strand_, KeepAliveLoop(*heartbeat_),
                   [hb = heartbeat_.get()](std::exception_ptr) { hb->done.set_value(); });
  }

  bool StopKeepAlive() override {
    if (!heartbeat_) return started_;
    Heartbeat& hb = *heartbeat_;
    std::promise<void> stopped;
    asio::post(strand_, [&hb, &stopped] {
      hb.stop = true;
      hb.timer.cancel();
      stopped.set_value();
    });
    stopped.get_future().wait();
    hb.done.get_future().wait();  // a write in flight ends first
    heartbeat_.reset();
    return started_;
  }

  // A response cut short (a handler that failed mid-stream) ends the
  // connection: the client must not wait for the bytes it was promised.
  bool keep_alive() const { return keep_alive_ && !failed_ && (no_body_ || ended_); }

 private:
  // Decided when the response starts, not when the request came: a drain may
  // have begun since. A final answer to "Expect: 100-continue" without a 100
  // first also ends the connection: the client never sent its body and may
  // not know it owes none (botocore then waited on its next request's 100).
  bool KeepAliveNow() const {
    return keep_alive_allowed_ && parser_.is_done() && !listener_.stopping() &&
           !(expect_continue_ && !continue_sent_);
  }
  bool NoBody(int status) const { return head_request_ || status == 204 || status == 304; }

  // Sets up res_ for a response streamed with Begin() (or the keep-alive).
  void StartResponse(const HttpResponseHead& head) {
    started_ = true;
    keep_alive_ = KeepAliveNow();
    res_.result(static_cast<unsigned>(head.status));
    res_.version(version_);
    SetStandardHeaders(res_);
    for (const auto& [name, value] : head.headers) res_.insert(name, value);
    res_.keep_alive(keep_alive_);
    no_body_ = NoBody(head.status);
    if (no_body_) return;
    if (head.content_length)
      res_.content_length(*head.content_length);
    else
      res_.chunked(true);
    res_.body().data = nullptr;
    res_.body().more = true;
  }

  // A response kept alive: its state, touched only on the strand between
  // StartKeepAlive() and StopKeepAlive().
  struct Heartbeat {
    Heartbeat(KeepAlive k, const asio::any_io_executor& strand)
        : keep_alive(std::move(k)), timer(strand) {}
    KeepAlive keep_alive;
    asio::steady_timer timer;
    bool stop = false;
    std::promise<void> done;  // set when KeepAliveLoop() has returned
  };

  // On the strand: waits `delay`, then sends the head, the preamble and the
  // filler every `interval` until told to stop. The head and preamble always
  // go out together, so the body never starts with filler.
  asio::awaitable<void> KeepAliveLoop(Heartbeat& hb) {
    const KeepAlive& k = hb.keep_alive;
    hb.timer.expires_after(k.delay);
    co_await hb.timer.async_wait(kNoThrow);
    if (hb.stop) co_return;
    StartResponse(k.head);
    IoResult r = co_await WriteHeader();
    if (!r.ec) r = co_await WriteChunk(k.preamble);
    while (!r.ec && !hb.stop) {
      r = co_await WriteChunk(k.filler);
      if (r.ec || hb.stop) break;
      hb.timer.expires_after(k.interval);
      co_await hb.timer.async_wait(kNoThrow);
    }
    if (r.ec) failed_ = true;
  }

  Status Check(const IoResult& r) {
    if (!r.ec) return Status::Ok();
    failed_ = true;
    return UnavailableError("writing the response: " + r.ec.message());
  }

  asio::awaitable<IoResult> ReadSome(char* buf, size_t n) {
    if (expect_continue_ && !continue_sent_) {
      continue_sent_ = true;
      http::response<http::empty_body> go_on{http::status::continue_, version_};
      conn_.stream.expires_after(options_.body_timeout);
      auto [ec, w] = co_await http::async_write(conn_.stream, go_on, kNoThrow);
      if (ec) co_return IoResult{ec};
    }
    if (parser_.is_done()) co_return IoResult{{}, 0, true};
    // Beast reads at most 64 KiB at a time, and no more than the connection
    // buffer holds (16 KiB after a typical header): a 1 GiB body came in
    // 16 KiB pieces, each a round trip between the handler's thread and this
    // strand. Now one round trip takes all that has arrived, up to n bytes,
    // in reads of 64 KiB (the buffer shrinks back after the request).
    if (n >= kBodyReadBytes && conn_.buffer.capacity() < kBodyReadBytes)
      conn_.buffer.reserve(kBodyReadBytes);
    parser_.get().body().data = buf;
    parser_.get().body().size = n;
    BodyDeadline deadline(conn_, options_.body_timeout);
    beast::error_code ec;
    for (;;) {
      auto [read_ec, r] =
          co_await http::async_read_some(conn_.stream, conn_.buffer, parser_, kNoThrow);
      ec = read_ec == http::error::need_buffer ? beast::error_code() : deadline.Translate(read_ec);
      if (ec || parser_.is_done() || parser_.get().body().size == 0) break;
      // Only while the socket has bytes: a partial chunk header left in the
      // buffer must not hold back the body bytes already read.
      beast::error_code ignored;
      if (conn_.stream.socket().available(ignored) == 0) break;
    }
    co_return IoResult{ec, n - parser_.get().body().size, parser_.is_done()};
  }

  asio::awaitable<IoResult> WriteBare(http::response<http::empty_body> msg) {
    conn_.stream.expires_after(options_.body_timeout);
    auto [ec, n] = co_await http::async_write(conn_.stream, msg, kNoThrow);
    co_return IoResult{ec};
  }

  asio::awaitable<IoResult> WriteHeader() {
    conn_.stream.expires_after(options_.body_timeout);
    auto [ec, n] = co_await http::async_write_header(conn_.stream, sr_, kNoThrow);
    co_return IoResult{ec};
  }

  asio::awaitable<IoResult> WriteChunk(std::string_view chunk) {
    if (chunk.empty()) co_return IoResult{};
    res_.body().data = const_cast<char*>(chunk.data());
    res_.body().size = chunk.size();
    res_.body().more = true;
    co_return co_await WriteBody();
  }

  asio::awaitable<IoResult> WriteBody() {
    conn_.stream.expires_after(options_.body_timeout);
    auto [ec, n] = co_await http::async_write(conn_.stream, sr_, kNoThrow);
    if (ec == http::error::need_buffer) ec = {};  // this chunk is out; more to come
    co_return IoResult{ec};
  }

  Connection& conn_;
  Parser& parser_;
  PrefetchedBody& prefetched_;
  std::string owned_chunk_;                // WriteOwned()'s, while in flight
  std::optional<fiber::Event> owned_done_;  // set when it is out
  IoResult owned_result_;
  asio::any_io_executor strand_;
  const S3ServerOptions& options_;
  const net::HttpListener& listener_;
  const bool head_request_;
  const bool expect_continue_;
  const bool keep_alive_allowed_;
  const unsigned version_;
  bool continue_sent_ = false;
  bool started_ = false;
  bool ended_ = false;
  bool no_body_ = false;
  bool keep_alive_ = false;
  bool failed_ = false;
  std::unique_ptr<Heartbeat> heartbeat_;  // while a keep-alive runs
  std::optional<http::response<http::string_body>> pending_;
  http::response<http::buffer_body> res_;
  http::response_serializer<http::buffer_body> sr_{res_};
};

void SendInternalError(ResponseSink& sink, const HttpRequestHead& head, std::string_view why) {
  std::string id = NewRequestId();
  BALE_LOG(kError) << "request " << id << " " << head.method << " " << head.target << ": " << why;
  S3Error e = MakeError("InternalError");
  HttpResponseHead h{
      e.http_status, {{"Content-Type", "application/xml"}, {"x-amz-request-id", id}}, {}};
  sink.Send(h, ErrorXml(e, head.target, id, id)).IgnoreError();
}

}  // namespace

class S3Server::Impl {
 public:
  Impl(S3ServerOptions options, S3Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        listener_(options_,
                  [this](std::shared_ptr<Connection> c) { return Session(std::move(c)); }) {}

  Status Start() { return listener_.Start(); }
  void Stop() {
    listener_.Stop();
    read_workers_.join();
  }
  uint16_t port() const { return listener_.port(); }

 private:
  asio::awaitable<void> Session(std::shared_ptr<Connection> conn) {
    while (!listener_.stopping() && co_await listener_.AwaitRequest(*conn)) {
      Parser parser;
      parser.header_limit(options_.header_limit);
      parser.body_limit(boost::none);  // objects stream; nothing is held whole
      conn->stream.expires_after(options_.header_timeout);
      auto [ec, n] = co_await http::async_read_header(conn->stream, conn->buffer, parser, kNoThrow);
      if (ec) {
        // The method is known when the request line parsed: a HEAD gets no body.
        const bool head = parser.get().method() == http::verb::head;
        if (ec == http::error::header_limit)
          co_await Refuse(*conn,
                          ErrorStatus("RequestHeaderSectionTooLarge")
                              .WithDetail("MaxSizeAllowed", std::to_string(options_.header_limit)),
                          head);
        else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message)
          co_await Refuse(*conn,
                          ErrorStatus("InvalidRequest", "Malformed HTTP request: " + ec.message()),
                          head);
        break;
      }
      HttpRequestHead head = HeadOf(parser);
      bool keep_alive_allowed = parser.keep_alive() && !listener_.stopping();
      asio::any_io_executor strand = co_await asio::this_coro::executor;
      PrefetchedBody prefetched;
      if (!parser.chunked() && parser.content_length() &&
          *parser.content_length() <= kPrefetchLimit && !head.HasHeader("Expect"))
        co_await Prefetch(*conn, parser, prefetched);
      Exchange exchange(*conn, parser, strand, options_, listener_, keep_alive_allowed,
                        prefetched);
      if (prefetched.active && options_.runs_in_fiber && options_.runs_in_fiber(head)) {
        // Its waits are Events: a fiber on this strand, no thread hand-off.
        asio::steady_timer finished(strand, asio::steady_timer::time_point::max());
        bool ended = false;
        fiber::Start([&] { RunHandler(head, exchange); },
                     [strand](std::function<void()> resume) {
                       asio::post(strand, std::move(resume));
                     },
                     [&] {
                       ended = true;
                       finished.cancel();
                     });
        if (!ended) co_await finished.async_wait(kNoThrow);
      } else {
        // The handler blocks (disk, fsync, metadata): run it on a worker.
        bool read = head.method == "GET" || head.method == "HEAD";
        co_await asio::post(asio::bind_executor(
            read ? read_workers_.get_executor() : listener_.workers(), asio::use_awaitable));
        RunHandler(head, exchange);
        co_await asio::post(strand, asio::use_awaitable);
      }
      co_await exchange.WritePending();
      if (conn->buffer.capacity() > kBodyReadBytes / 2 && conn->buffer.size() == 0)
        conn->buffer.shrink_to_fit();  // an idle connection keeps no body-sized buffer
      bool keep_alive = exchange.keep_alive();
      bool body_done = parser.is_done();
      if (!body_done) co_await Linger(*conn);
      if (!keep_alive || !body_done) break;
    }
  }

  void RunHandler(const HttpRequestHead& head, Exchange& exchange) {
    std::string failure = "the handler sent no response";
    try {
      handler_(head, exchange, exchange);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    exchange.AwaitOwnedWrite().IgnoreError();  // one the handler left in flight
    exchange.StopKeepAlive();  // one the handler left running (it threw, say)
    if (!exchange.started()) SendInternalError(exchange, head, failure);
  }

  // Reads a body of known, small length whole, on the strand.
  asio::awaitable<void> Prefetch(Connection& conn, Parser& parser, PrefetchedBody& out) {
    out.active = true;
    out.data.resize(*parser.content_length());
    parser.get().body().data = out.data.data();  // the parser advances these
    parser.get().body().size = out.data.size();
    BodyDeadline deadline(conn, options_.body_timeout);
    while (!parser.is_done()) {
      auto [ec, n] = co_await http::async_read_some(conn.stream, conn.buffer, parser, kNoThrow);
      if (ec && ec != http::error::need_buffer) {
        out.ec = deadline.Translate(ec);
        break;
      }
    }
    out.data.resize(out.data.size() - parser.get().body().size);
  }

  // Answers a request whose head could not be read, on the strand, then
  // closes. An answer to HEAD carries the error document's length, not it.
  asio::awaitable<void> Refuse(Connection& conn, Status st, bool head) {
    S3Error e = FromStatus(st);
    std::string id = NewRequestId();
    http::response<http::string_body> res{static_cast<http::status>(e.http_status), 11};
    SetStandardHeaders(res);
    res.set(http::field::content_type, "application/xml");
    res.set("x-amz-request-id", id);
    res.body() = ErrorXml(e, "", id, id);
    res.keep_alive(false);
    res.prepare_payload();
    conn.stream.expires_after(options_.body_timeout);
    if (head) {
      http::response_serializer<http::string_body> sr{res};
      co_await http::async_write_header(conn.stream, sr, kNoThrow);
    } else {
      co_await http::async_write(conn.stream, res, kNoThrow);
    }
    co_await Linger(conn);
  }

  // Stops sending and drops what the client still sends, briefly, so it
  // reads our answer rather than a connection reset.
  asio::awaitable<void> Linger(Connection& conn) {
    beast::error_code ignored;
    conn.stream.socket().shutdown(net::tcp::socket::shutdown_send, ignored);
    conn.stream.expires_after(kLingerTimeout);
    for (;;) {
      auto [ec, n] =
          co_await conn.stream.async_read_some(conn.buffer.prepare(kLingerChunk), kNoThrow);
      if (ec) co_return;
      conn.buffer.consume(conn.buffer.size());
    }
  }

  const S3ServerOptions options_;
  const S3Handler handler_;
  asio::thread_pool read_workers_{static_cast<size_t>(std::max(1, options_.read_worker_threads))};
  net::HttpListener listener_;  // last: its threads call into the members above
};

S3Server::S3Server(S3ServerOptions options, S3Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
S3Server::~S3Server() = default;
Status S3Server::Start() { return impl_->Start(); }
void S3Server::Stop() { impl_->Stop(); }
uint16_t S3Server::port() const { return impl_->port(); }

}  // namespace bale::s3
