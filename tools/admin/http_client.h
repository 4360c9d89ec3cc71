// A blocking HTTP/1.1 client for `bale admin`: one request per connection,
// plain http only (the admin API rides the S3 listener, which serves no TLS).
// Beast stays in the .cc file.
//
// Thread-safety: SendHttp may be called from several threads; each call owns
// its connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/request.h"
#include "common/http_url.h"
#include "common/status.h"

namespace bale::admin {

// The admin API's address: "http://HOST[:PORT][/]" (common/http_url.h).
using Endpoint = HttpUrl;
inline Result<Endpoint> ParseEndpoint(std::string_view url) { return ParseEndpointUrl(url); }

struct HttpResponse {
  int status = 0;
  std::string reason;  // "Not Found"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header named `name`, ASCII case-insensitive.
  std::optional<std::string> Header(std::string_view name) const;
};

// Sends `head` (method, target, every header, Host included) with `body` and
// reads the whole answer. UNAVAILABLE, naming the endpoint, when it cannot
// connect, the connection breaks, or the exchange takes longer than `timeout`.
Result<HttpResponse> SendHttp(const Endpoint& endpoint, const auth::SignedRequest& head,
                              std::string_view body, std::chrono::milliseconds timeout);

}  // namespace bale::admin
