#include "tools/admin/http_client.h"

#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bale::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Listings of many buckets or volumes stay far below this.
constexpr uint64_t kMaxAnswerBytes = 64 << 20;

// Where an exchange failed, for the message.
struct Progress {
  const char* stage = "connect";
};

asio::awaitable<void> Exchange(const Endpoint& endpoint, http::request<http::string_body>& request,
                               http::response_parser<http::string_body>& parser,
                               std::chrono::milliseconds timeout, Progress& progress) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  auto addresses = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                   asio::use_awaitable);
  stream.expires_after(timeout);  // one deadline for the whole exchange
  co_await stream.async_connect(addresses, asio::use_awaitable);
  progress.stage = "send the request";
  co_await http::async_write(stream, request, asio::use_awaitable);
  progress.stage = "read the answer";
  beast::flat_buffer buffer;
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

std::string Describe(const std::exception_ptr& error, std::chrono::milliseconds timeout) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    if (e.code() == beast::error::timeout) {
      return "no answer within " + std::to_string(timeout.count() / 1000) + " s";
    }
    return e.code().message();
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (auth::EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

Result<HttpResponse> SendHttp(const Endpoint& endpoint, const auth::SignedRequest& head,
                              std::string_view body, std::chrono::milliseconds timeout) {
  http::request<http::string_body> request;
  request.method_string(head.method);
  request.target(head.target);
  request.version(11);
  for (const auto& [name, value] : head.headers) request.insert(name, value);
  request.body() = std::string(body);
  request.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  Progress progress;
  std::exception_ptr failure;
  asio::io_context io;
  asio::co_spawn(io, Exchange(endpoint, request, parser, timeout, progress),
                 [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) {
    return UnavailableError("could not reach " + endpoint.url + " (" + progress.stage +
                            "): " + Describe(failure, timeout));
  }
  HttpResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.reason = std::string(parser.get().reason());
  for (const auto& field : parser.get()) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(parser.get().body());
  return response;
}

}  // namespace bale::admin
