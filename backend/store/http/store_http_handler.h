// The request handler of the store HTTP API (docs/store-api.md), apart from
// any socket: RouteStoreRequest turns a method and target into a typed
// StoreRoute, and ExecuteStoreRoute runs one against a Store and returns the
// response. StoreHttpServer's session only reads a request, calls these, and
// writes what they return; HttpStoreClient builds its targets with
// StoreRouteTarget, so both sides share one URL grammar.
//
// Thread-safety: RouteStoreRequest and StoreRouteTarget are pure;
// ExecuteStoreRoute is as thread-safe as Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/store/types.h"
#include "common/status.h"

namespace bale {
class Store;
}

namespace bale::store_http {

enum class StoreOp {
  kPutNeedle,      // PUT    /v1/volumes/{vid}/needles/{key}?cookie={cookie}
  kGetNeedle,      // GET    (same)
  kHeadNeedle,     // HEAD   (same)
  kDeleteNeedle,   // DELETE (same)
  kCreateVolume,   // PUT    /v1/volumes/{vid}
  kSealVolume,     // POST   /v1/volumes/{vid}/seal
  kCompactVolume,  // POST   /v1/volumes/{vid}/compact
  kStatus,         // GET    /v1/status
};

// One request, parsed. Fields an op does not use stay zero.
struct StoreRoute {
  StoreOp op = StoreOp::kStatus;
  VolumeId vid = 0;
  NeedleKey key = 0;
  Cookie cookie = 0;
};

// What to send back; the session turns it into an HTTP response.
struct StoreHttpResponse {
  int status = 200;
  std::string content_type;  // empty: no Content-Type
  std::string body;
  // For HEAD: the Content-Length the GET would have; `body` stays empty.
  std::optional<uint64_t> head_content_length;
  std::vector<std::pair<std::string, std::string>> headers;  // further fields
};

// A JSON error response: {"code":"NOT_FOUND","message":"..."} with
// HttpStatusForCode(status.code()), or with an explicit HTTP status for the
// errors that come from HTTP itself (404 no route, 405, 413).
StoreHttpResponse ErrorResponse(const Status& status);
StoreHttpResponse ErrorResponse(int http_status, const Status& status);

// Parses a request line. On failure returns false and sets *rejection to the
// 400 (bad number, missing cookie), 404 (no such path) or 405 (path exists,
// method does not; with an Allow field) to send.
bool RouteStoreRequest(std::string_view method, std::string_view target, StoreRoute* route,
                       StoreHttpResponse* rejection);

// The inverse of RouteStoreRequest: the method and target naming `route`.
std::string_view StoreRouteMethod(StoreOp op);
std::string StoreRouteTarget(const StoreRoute& route);

// Runs `route` against `store`. `body` is the request body (the needle data of
// a PUT; ignored otherwise). Blocks on disk I/O: never call it on an io thread.
StoreHttpResponse ExecuteStoreRoute(Store* store, const StoreRoute& route, std::string_view body);

}  // namespace bale::store_http
