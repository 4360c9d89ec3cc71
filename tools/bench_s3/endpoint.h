// Endpoint: where the load goes, from --endpoint "http://HOST[:PORT]", resolved
// once to a socket address.
//
// Thread-safety: a plain value.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/http_url.h"
#include "common/status.h"

namespace bale::bench_s3 {

struct Endpoint {
  std::string url;   // as given
  std::string host;  // "127.0.0.1", "::1", "s3.example.com"
  uint16_t port = 80;
  std::string host_header;  // "127.0.0.1:9000"; the port is left out when 80
  sockaddr_storage address{};
  socklen_t address_length = 0;
};

// Parses the URL (common/http_url.h: http only, no path) without resolving it.
Result<Endpoint> ParseEndpoint(std::string_view url);
// Resolves endpoint->host with getaddrinfo (the first address).
Status Resolve(Endpoint* endpoint);

}  // namespace bale::bench_s3
