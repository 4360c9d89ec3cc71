// The request times SigV4 uses: x-amz-date / X-Amz-Date in ISO 8601 basic
// form ("20130524T000000Z", always UTC) and the HTTP Date header (RFC 1123,
// "Fri, 24 May 2013 00:00:00 GMT"). Times are seconds since the Unix epoch.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bale::auth {

// "20130524T000000Z" -> 1369353600; nullopt unless exactly that form with a
// valid calendar date and time.
std::optional<int64_t> ParseAmzDate(std::string_view text);
// RFC 1123 ("Fri, 24 May 2013 00:00:00 GMT"); the weekday is not checked.
std::optional<int64_t> ParseHttpDate(std::string_view text);
// 1369353600 -> "20130524T000000Z"
std::string FormatAmzDate(int64_t seconds);
// 1369353600 -> "2013-05-24T00:00:00Z" (RFC 3339; S3's <ServerTime>).
std::string FormatIso8601(int64_t seconds);

}  // namespace bale::auth
