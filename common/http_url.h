// The --endpoint URLs Bale's command-line clients take (`bale admin`, `bale
// bench s3`): "http://HOST[:PORT]", plain http, no path; IPv6 hosts in brackets.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bale {

struct HttpUrl {
  std::string url;   // as given, for messages
  std::string host;  // without IPv6 brackets
  uint16_t port = 80;

  // "127.0.0.1:9000", "[::1]:9000"; no port when it is 80.
  std::string HostHeader() const;
};

// INVALID_ARGUMENT "--endpoint 'URL': <why>" for https, another scheme, a
// path, no host, or a port outside 1..65535.
Result<HttpUrl> ParseEndpointUrl(std::string_view url);

}  // namespace bale
