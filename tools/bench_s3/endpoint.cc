#include "tools/bench_s3/endpoint.h"

#include <netdb.h>

#include <cstring>

namespace bale::bench_s3 {
Result<Endpoint> ParseEndpoint(std::string_view url) {
  ASSIGN_OR_RETURN(HttpUrl parsed, ParseEndpointUrl(url));
  Endpoint e;
  e.url = parsed.url;
  e.host = parsed.host;
  e.port = parsed.port;
  e.host_header = parsed.HostHeader();
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
