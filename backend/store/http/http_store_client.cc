#include "backend/store/http/http_store_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>

#include "backend/store/http/store_http_codec.h"
#include "backend/store/http/store_http_handler.h"

namespace bale {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using store_http::StoreOp;
using store_http::StoreRoute;

constexpr std::string_view kUserAgent = "bale-store-client";

// The needle data is sent from the caller's buffer, not copied.
using Request = http::request<http::span_body<const char>>;
using Parser = http::response_parser<http::string_body>;

std::optional<uint64_t> ParseUint(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

struct HttpStoreClient::Call {
  StoreRoute route;
  std::string_view body;  // needle data of a PUT
  std::chrono::milliseconds timeout;

  std::string Describe() const {
    return std::string(store_http::StoreRouteMethod(route.op)) + " " +
           store_http::StoreRouteTarget(route);
  }
};

struct HttpStoreClient::Answer {
  int status = 0;
  std::string body;
  std::string content_length;  // for HEAD, where the body is not sent
  std::string append_time;
  std::string error_code;
  std::string error_message;
};

// One kept-alive TCP connection. Operations are asynchronous Beast calls
// driven to completion on the calling thread by the connection's own
// io_context: that is what gives a blocking call a timeout.
class HttpStoreClient::Connection {
 public:
  Connection() : stream_(ioc_) {}

  beast::error_code Connect(const std::string& host, uint16_t port,
                            SteadyClock::time_point deadline) {
    beast::error_code ec;
    // Blocking getaddrinfo, outside the deadline: store addresses are IPs or
    // /etc/hosts names, and an async resolve would start a thread per client.
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    stream_.expires_at(deadline);
    ec = Run([&](auto done) { stream_.async_connect(endpoints, done); });
    if (!ec) stream_.socket().set_option(tcp::no_delay(true), ec);
    return ec;
  }

  beast::error_code Write(Request& req, SteadyClock::time_point deadline) {
    stream_.expires_at(deadline);
    return Run([&](auto done) { http::async_write(stream_, req, done); });
  }

  beast::error_code Read(Parser& parser, SteadyClock::time_point deadline) {
    stream_.expires_at(deadline);
    return Run([&](auto done) { http::async_read(stream_, buffer_, parser, done); });
  }

  // Bytes received past the end of the last answer (the server broke the
  // protocol; the connection must not be reused).
  bool has_unread_bytes() const { return buffer_.size() > 0; }

 private:
  // Starts an operation with a completion handler and runs the io_context
  // until it is done.
  template <typename Start>
  beast::error_code Run(Start start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  asio::io_context ioc_{1};
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

HttpStoreClient::HttpStoreClient(std::string host, uint16_t port, HttpStoreClientOptions options)
    : host_(std::move(host)), port_(port), options_(options) {}

HttpStoreClient::~HttpStoreClient() = default;

std::unique_ptr<HttpStoreClient::Connection> HttpStoreClient::TakeIdle() {
  std::lock_guard lock(mu_);
  if (idle_.empty()) return nullptr;
  std::unique_ptr<Connection> conn = std::move(idle_.back());
  idle_.pop_back();
  return conn;
}

void HttpStoreClient::ReturnIdle(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(conn));
}

Result<HttpStoreClient::Answer> HttpStoreClient::RoundTrip(const Call& call) {
  const SteadyClock::time_point deadline = SteadyClock::now() + call.timeout;
  const std::string where = "store " + host_ + ":" + std::to_string(port_) + ": ";

  Request req{http::string_to_verb(store_http::StoreRouteMethod(call.route.op)),
              store_http::StoreRouteTarget(call.route), 11};
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, kUserAgent);
  req.body() = boost::span<const char>(call.body.data(), call.body.size());
  req.keep_alive(true);
  req.prepare_payload();

  std::unique_ptr<Connection> conn = TakeIdle();
  bool reused = conn != nullptr;
  for (;;) {
    beast::error_code ec;
    if (!conn) {
      conn = std::make_unique<Connection>();
      ec = conn->Connect(host_, port_, deadline);
    }
    Parser parser;
    parser.body_limit(boost::none);  // the server bounds what it stores
    parser.skip(call.route.op == StoreOp::kHeadNeedle);
    if (!ec) ec = conn->Write(req, deadline);
    if (!ec) ec = conn->Read(parser, deadline);
    if (!ec) {
      Answer a;
      auto& res = parser.get();
      a.status = static_cast<int>(res.result_int());
      a.content_length = View(res[http::field::content_length]);
      a.append_time = View(res[store_http::kAppendTimeHeader]);
      a.error_code = View(res[store_http::kErrorCodeHeader]);
      a.error_message = store_http::UnescapeHeaderValue(View(res[store_http::kErrorMessageHeader]));
      if (res.keep_alive() && !conn->has_unread_bytes()) ReturnIdle(std::move(conn));
      a.body = std::move(res.body());
      return a;
    }
    if (ec == beast::error::timeout) {
      return ::bale::Status(Code::kDeadlineExceeded,
                            where + "no answer to " + call.Describe() + " within " +
                                std::to_string(call.timeout.count()) + " ms");
    }
    // A kept-alive connection the server closed while it sat idle in our
    // pool fails before any answer arrives; the request was never read.
    if (reused && !parser.got_some()) {
      reused = false;
      conn.reset();
      continue;
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return InternalError(where + "bad HTTP answer to " + call.Describe() + ": " + ec.message());
    }
    return UnavailableError(where + call.Describe() + ": " + ec.message());
  }
}

Result<HttpStoreClient::Answer> HttpStoreClient::Send(const Call& call) {
  Result<Answer> answer = [&]() -> Result<Answer> {
    try {
      return RoundTrip(call);
    } catch (const std::exception& e) {  // Beast or asio threw (bad_alloc, ...)
      return InternalError("store " + host_ + ":" + std::to_string(port_) + ": " + call.Describe() +
                           ": " + e.what());
    }
  }();
  if (!answer.ok() || (answer->status >= 200 && answer->status < 300)) return answer;

  // The store's own Status: from the JSON body, else (HEAD) from the
  // headers, else (not our server) from the HTTP status alone.
  Code code;
  std::string message;
  if (store_http::DecodeErrorJson(answer->body, &code, &message))
    return ::bale::Status(code, message);
  if (store_http::ParseCodeName(answer->error_code, &code) && code != Code::kOk) {
    return ::bale::Status(code, answer->error_message);
  }
  return ::bale::Status(store_http::CodeForHttpStatus(answer->status),
                        "store " + host_ + ":" + std::to_string(port_) + ": HTTP " +
                            std::to_string(answer->status) + " for " + call.Describe());
}

Status HttpStoreClient::CreateVolume(VolumeId vid) {
  return Send({{StoreOp::kCreateVolume, vid}, {}, options_.timeout}).status();
}

Status HttpStoreClient::Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) {
  ASSIGN_OR_RETURN(Answer a,
                   Send({{StoreOp::kPutNeedle, vid, key, cookie}, data, options_.timeout}));
  ASSIGN_OR_RETURN(uint64_t size, store_http::DecodeSizeJson(a.body));
  if (size != data.size()) {
    return InternalError("store " + host_ + ":" + std::to_string(port_) + " stored " +
                         std::to_string(size) + " of " + std::to_string(data.size()) + " bytes");
  }
  return Status::Ok();
}

Result<std::string> HttpStoreClient::Get(VolumeId vid, NeedleKey key, Cookie cookie) {
  ASSIGN_OR_RETURN(Answer a, Send({{StoreOp::kGetNeedle, vid, key, cookie}, {}, options_.timeout}));
  return std::move(a.body);
}

Result<NeedleMeta> HttpStoreClient::Head(VolumeId vid, NeedleKey key, Cookie cookie) {
  ASSIGN_OR_RETURN(Answer a,
                   Send({{StoreOp::kHeadNeedle, vid, key, cookie}, {}, options_.timeout}));
  std::optional<uint64_t> size = ParseUint(a.content_length);
  if (!size || *size > UINT32_MAX) {
    return InternalError("store " + host_ + ":" + std::to_string(port_) +
                         ": HEAD answer without a valid Content-Length");
  }
  NeedleMeta meta;
  meta.key = key;
  meta.cookie = cookie;
  meta.size = static_cast<uint32_t>(*size);
  if (std::optional<uint64_t> t = ParseUint(a.append_time)) {
    meta.append_time_micros = static_cast<int64_t>(*t);
  }
  return meta;
}

Status HttpStoreClient::Delete(VolumeId vid, NeedleKey key, Cookie cookie) {
  return Send({{StoreOp::kDeleteNeedle, vid, key, cookie}, {}, options_.timeout}).status();
}

Status HttpStoreClient::Seal(VolumeId vid) {
  return Send({{StoreOp::kSealVolume, vid}, {}, options_.timeout}).status();
}

Status HttpStoreClient::Compact(VolumeId vid) {
  return Send({{StoreOp::kCompactVolume, vid}, {}, options_.compact_timeout}).status();
}

Result<std::vector<VolumeStats>> HttpStoreClient::Status() {
  ASSIGN_OR_RETURN(Answer a, Send({{StoreOp::kStatus}, {}, options_.timeout}));
  return store_http::DecodeStatusJson(a.body);
}

}  // namespace bale
