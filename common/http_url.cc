#include "common/http_url.h"

#include <charconv>

namespace bale {
namespace {

constexpr std::string_view kScheme = "http://";
constexpr uint16_t kDefaultPort = 80;

}  // namespace

std::string HttpUrl::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == kDefaultPort ? h : h + ":" + std::to_string(port);
}

Result<HttpUrl> ParseEndpointUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("--endpoint '" + std::string(url) + "': " + std::string(why));
  };
  if (url.substr(0, 8) == "https://") return bad("https is not supported; use http://");
  if (url.substr(0, kScheme.size()) != kScheme) return bad("expected http://HOST[:PORT]");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("a path prefix is not supported");
  HttpUrl e{std::string(url), "", kDefaultPort};
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
  if (has_port) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return bad("the port is not a number from 1 to 65535");
    e.port = static_cast<uint16_t>(value);
  }
  return e;
}

}  // namespace bale
