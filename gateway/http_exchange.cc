#include "gateway/http_exchange.h"

#include <strings.h>

namespace bale::s3 {

std::string_view HttpRequestHead::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  return {};
}

bool HttpRequestHead::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0)
      return true;
  return false;
}

}  // namespace bale::s3
