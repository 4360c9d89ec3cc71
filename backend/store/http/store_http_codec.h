// The wire vocabulary of the store HTTP API (docs/store-api.md), shared by
// StoreHttpServer and HttpStoreClient so both sides read one table: Status
// code <-> HTTP status, the JSON bodies, and the header names.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backend/store/types.h"
#include "common/status.h"

namespace bale::store_http {

// Needle append time in microseconds, on HEAD responses.
inline constexpr std::string_view kAppendTimeHeader = "X-Bale-Append-Time";
// The Status code name of an error response. Carried in a header as well as
// in the JSON body because a HEAD response has no body.
inline constexpr std::string_view kErrorCodeHeader = "X-Bale-Error-Code";
// The error message, EscapeHeaderValue'd, for the same reason.
inline constexpr std::string_view kErrorMessageHeader = "X-Bale-Error-Message";
inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kOctetStreamType = "application/octet-stream";

// The HTTP status an error with `code` is sent with (500 for codes without
// their own row).
int HttpStatusForCode(Code code);
// The code a response means when it names none itself (a HEAD error, or a
// body that is not ours, e.g. from a proxy).
Code CodeForHttpStatus(int http_status);
// "NOT_FOUND" -> kNotFound. False for names CodeName() never returns.
bool ParseCodeName(std::string_view name, Code* code);

// {"code":"NOT_FOUND","message":"..."}
std::string EncodeErrorJson(Code code, std::string_view message);
// False when `body` is not an error object with a known code.
bool DecodeErrorJson(std::string_view body, Code* code, std::string* message);

// Makes any bytes safe for a header value: '%' and bytes outside printable
// ASCII become %XX. UnescapeHeaderValue undoes it.
std::string EscapeHeaderValue(std::string_view s);
std::string UnescapeHeaderValue(std::string_view s);

// {"size":N}: the answer to a needle PUT.
std::string EncodeSizeJson(uint64_t size);
Result<uint64_t> DecodeSizeJson(std::string_view body);

// {"volumes":[{"id":1,"drive":"/d1",...every VolumeStats field...}]}
std::string EncodeStatusJson(const std::vector<VolumeStats>& volumes);
// Fields missing from a volume keep their defaults (so an older or newer
// server still parses); "id" is required, and a field of the wrong type fails.
Result<std::vector<VolumeStats>> DecodeStatusJson(std::string_view body);

}  // namespace bale::store_http
