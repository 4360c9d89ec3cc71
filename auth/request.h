// SignedRequest: the parts of an HTTP request that SigV4 covers, as the gateway
// received them (no Beast types here). The body is not part of it: payload
// checks happen while the gateway streams the body (see sigv4.h, aws_chunked.h).
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bale::auth {

struct SignedRequest {
  std::string method;  // "GET", "PUT", ...
  // The raw request-target as received, still percent-encoded:
  // "/bucket/a%20b?list-type=2&prefix=x".
  std::string target;
  // Header fields as received: names in any case, repeats allowed, in order.
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of the first header named `name` (ASCII case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
  // Every value of headers named `name`, in the order received.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;

  // The target before '?' (still encoded); "/" style paths are not normalized.
  std::string_view RawPath() const;
  // The target after the first '?', without it; empty when there is none.
  std::string_view RawQuery() const;
};

// ASCII case-insensitive equality, for header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLowerAscii(std::string_view s);

}  // namespace bale::auth
