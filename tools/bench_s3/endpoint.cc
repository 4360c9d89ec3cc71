#include "tools/bench_s3/endpoint.h"

#include <netdb.h>

#include <charconv>
#include <cstring>

namespace bale::bench_s3 {
namespace {

constexpr std::string_view kScheme = "http://";
constexpr uint16_t kDefaultPort = 80;

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("--endpoint '" + std::string(url) + "': " + std::string(why));
  };
  if (url.substr(0, 8) == "https://") return bad("https is not supported; use http://");
  if (url.substr(0, kScheme.size()) != kScheme) return bad("expected http://HOST[:PORT]");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("a path prefix is not supported");
  Endpoint e;
  e.url = std::string(url);
  std::string_view port;
  bool has_port = false;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    e.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty() && rest.front() != ':') return bad("expected ':' after ']'");
    has_port = !rest.empty();
    if (has_port) port = rest.substr(1);
  } else {
    size_t colon = rest.find(':');
    e.host = std::string(rest.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port) port = rest.substr(colon + 1);
  }
  if (e.host.empty()) return bad("no host");
  e.port = kDefaultPort;
  if (has_port) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad("the port is not a number from 1 to 65535");
    }
    e.port = static_cast<uint16_t>(value);
  }
  std::string host = e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
  e.host_header = e.port == kDefaultPort ? host : host + ":" + std::to_string(e.port);
  return e;
}

Status Resolve(Endpoint* e) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(e->host.c_str(), std::to_string(e->port).c_str(), &hints, &found);
  if (rc != 0) {
    return UnavailableError("cannot resolve '" + e->host + "': " + gai_strerror(rc));
  }
  std::memcpy(&e->address, found->ai_addr, found->ai_addrlen);
  e->address_length = found->ai_addrlen;
  freeaddrinfo(found);
  return Status::Ok();
}

}  // namespace bale::bench_s3
