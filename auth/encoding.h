// Byte encodings SigV4 and S3 checksums use: lowercase hex, standard base64,
// AWS URI encoding (RFC 3986 unreserved characters kept, everything else %XX
// with uppercase hex), and percent-decoding of request targets.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bale::auth {

// Lowercase hex, two digits per byte.
std::string HexEncode(std::string_view bytes);
// Standard base64 (RFC 4648 section 4) with '=' padding.
std::string Base64Encode(std::string_view bytes);
// Decodes padded standard base64; nullopt if `text` is not exactly that.
std::optional<std::string> Base64Decode(std::string_view text);

// AWS "UriEncode": A-Z a-z 0-9 - _ . ~ are kept, every other byte becomes %XX
// (uppercase). '/' is kept when `keep_slash` (canonical URI), else %2F.
std::string AwsUriEncode(std::string_view bytes, bool keep_slash);

// Decodes %XX escapes. A '%' not followed by two hex digits is kept as is
// (such a target was not produced by an AWS encoder). With `plus_is_space`
// ('+' in a query string, as HTML forms and Go's net/url read it) '+' becomes
// ' '; paths keep '+'.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// Splits a raw query string ("a=1&b&c=%20") into decoded (name, value) pairs
// in the order given; a parameter without '=' has an empty value. Empty
// segments ("a=1&&b=2") are skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query);

}  // namespace bale::auth
