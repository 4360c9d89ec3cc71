#include "backend/store/http/store_http_handler.h"

#include <charconv>

#include "backend/store/http/store_http_codec.h"
#include "backend/store/store.h"

namespace bale::store_http {
namespace {

constexpr std::string_view kPrefix = "/v1/";

// Parses a whole string of decimal digits into T: no sign, no spaces, no
// overflow.
template <typename T>
bool ParseDecimal(std::string_view s, T* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// The value of query parameter `name`: false when absent or repeated.
bool FindQueryParam(std::string_view query, std::string_view name, std::string_view* value) {
  bool found = false;
  for (std::string_view param : Split(query, '&')) {
    size_t eq = param.find('=');
    if (param.substr(0, eq) != name) continue;
    if (found) return false;
    found = true;
    *value = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
  }
  return found;
}

StoreHttpResponse BadRequest(std::string message) {
  return ErrorResponse(400, InvalidArgumentError(std::move(message)));
}

StoreHttpResponse MethodNotAllowed(std::string_view method, std::string_view path,
                                   std::string_view allow) {
  StoreHttpResponse r = ErrorResponse(
      405, UnimplementedError(std::string(method) + " is not allowed on " + std::string(path) +
                              " (allowed: " + std::string(allow) + ")"));
  r.headers.emplace_back("Allow", allow);
  return r;
}

// The path's shape, before its numbers are checked.
struct PathMatch {
  StoreOp op;              // for needle paths: kGetNeedle, refined by method
  std::string_view allow;  // methods the path accepts
};

std::optional<PathMatch> MatchPath(const std::vector<std::string_view>& seg) {
  // seg[0] is "v1".
  if (seg.size() == 2 && seg[1] == "status") return PathMatch{StoreOp::kStatus, "GET"};
  if (seg.size() < 3 || seg[1] != "volumes") return std::nullopt;
  if (seg.size() == 3) return PathMatch{StoreOp::kCreateVolume, "PUT"};
  if (seg.size() == 4 && seg[3] == "seal") return PathMatch{StoreOp::kSealVolume, "POST"};
  if (seg.size() == 4 && seg[3] == "compact") return PathMatch{StoreOp::kCompactVolume, "POST"};
  if (seg.size() == 5 && seg[3] == "needles") {
    return PathMatch{StoreOp::kGetNeedle, "GET, HEAD, PUT, DELETE"};
  }
  return std::nullopt;
}

// For needle paths, the method picks the op; elsewhere it must equal `allow`.
std::optional<StoreOp> OpForMethod(const PathMatch& m, std::string_view method) {
  if (m.op != StoreOp::kGetNeedle) {
    return method == m.allow ? std::optional<StoreOp>(m.op) : std::nullopt;
  }
  if (method == "GET") return StoreOp::kGetNeedle;
  if (method == "HEAD") return StoreOp::kHeadNeedle;
  if (method == "PUT") return StoreOp::kPutNeedle;
  if (method == "DELETE") return StoreOp::kDeleteNeedle;
  return std::nullopt;
}

StoreHttpResponse Empty(int http_status) {
  StoreHttpResponse r;
  r.status = http_status;
  return r;
}

StoreHttpResponse Json(int http_status, std::string body) {
  StoreHttpResponse r;
  r.status = http_status;
  r.content_type = kJsonType;
  r.body = std::move(body);
  return r;
}

}  // namespace

StoreHttpResponse ErrorResponse(const Status& status) {
  return ErrorResponse(HttpStatusForCode(status.code()), status);
}

StoreHttpResponse ErrorResponse(int http_status, const Status& status) {
  StoreHttpResponse r = Json(http_status, EncodeErrorJson(status.code(), status.message()));
  r.headers.emplace_back(kErrorCodeHeader, CodeName(status.code()));
  r.headers.emplace_back(kErrorMessageHeader, EscapeHeaderValue(status.message()));
  return r;
}

bool RouteStoreRequest(std::string_view method, std::string_view target, StoreRoute* route,
                       StoreHttpResponse* rejection) {
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);

  std::optional<PathMatch> match;
  std::vector<std::string_view> seg;
  if (path.starts_with(kPrefix)) {
    seg = Split(path.substr(1), '/');
    match = MatchPath(seg);
  }
  if (!match) {
    // UNIMPLEMENTED rather than NOT_FOUND: a client must not take a URL this
    // server does not know for a needle that does not exist.
    *rejection = ErrorResponse(404, UnimplementedError("no route for " + std::string(path)));
    return false;
  }
  std::optional<StoreOp> op = OpForMethod(*match, method);
  if (!op) {
    *rejection = MethodNotAllowed(method, path, match->allow);
    return false;
  }

  StoreRoute r;
  r.op = *op;
  if (r.op != StoreOp::kStatus && !ParseDecimal(seg[2], &r.vid)) {
    *rejection = BadRequest("volume id \"" + std::string(seg[2]) + "\" is not a decimal u32");
    return false;
  }
  if (seg.size() == 5) {
    if (!ParseDecimal(seg[4], &r.key)) {
      *rejection = BadRequest("needle key \"" + std::string(seg[4]) + "\" is not a decimal u64");
      return false;
    }
    std::string_view cookie;
    if (!FindQueryParam(query, "cookie", &cookie)) {
      *rejection = BadRequest("needle requests need exactly one ?cookie=");
      return false;
    }
    if (!ParseDecimal(cookie, &r.cookie)) {
      *rejection = BadRequest("cookie \"" + std::string(cookie) + "\" is not a decimal u32");
      return false;
    }
  }
  *route = r;
  return true;
}

std::string_view StoreRouteMethod(StoreOp op) {
  switch (op) {
    case StoreOp::kPutNeedle:
      return "PUT";
    case StoreOp::kGetNeedle:
      return "GET";
    case StoreOp::kHeadNeedle:
      return "HEAD";
    case StoreOp::kDeleteNeedle:
      return "DELETE";
    case StoreOp::kCreateVolume:
      return "PUT";
    case StoreOp::kSealVolume:
      return "POST";
    case StoreOp::kCompactVolume:
      return "POST";
    case StoreOp::kStatus:
      return "GET";
  }
  return "GET";
}

std::string StoreRouteTarget(const StoreRoute& route) {
  if (route.op == StoreOp::kStatus) return "/v1/status";
  std::string volume = "/v1/volumes/" + std::to_string(route.vid);
  switch (route.op) {
    case StoreOp::kCreateVolume:
      return volume;
    case StoreOp::kSealVolume:
      return volume + "/seal";
    case StoreOp::kCompactVolume:
      return volume + "/compact";
    default:
      return volume + "/needles/" + std::to_string(route.key) +
             "?cookie=" + std::to_string(route.cookie);
  }
}

StoreHttpResponse ExecuteStoreRoute(Store* store, const StoreRoute& route, std::string_view body) {
  switch (route.op) {
    case StoreOp::kPutNeedle: {
      Status st = store->Put(route.vid, route.key, route.cookie, body);
      return st.ok() ? Json(201, EncodeSizeJson(body.size())) : ErrorResponse(st);
    }
    case StoreOp::kGetNeedle: {
      Result<std::string> data = store->Get(route.vid, route.key, route.cookie);
      if (!data.ok()) return ErrorResponse(data.status());
      StoreHttpResponse r = Empty(200);
      r.content_type = kOctetStreamType;
      r.body = std::move(data).value();
      return r;
    }
    case StoreOp::kHeadNeedle: {
      Result<NeedleMeta> meta = store->Head(route.vid, route.key, route.cookie);
      if (!meta.ok()) return ErrorResponse(meta.status());
      StoreHttpResponse r = Empty(200);
      r.content_type = kOctetStreamType;
      r.head_content_length = meta->size;
      r.headers.emplace_back(kAppendTimeHeader, std::to_string(meta->append_time_micros));
      return r;
    }
    case StoreOp::kDeleteNeedle: {
      Status st = store->Delete(route.vid, route.key, route.cookie);
      return st.ok() ? Empty(204) : ErrorResponse(st);
    }
    case StoreOp::kCreateVolume: {
      Status st = store->CreateVolume(route.vid);
      return st.ok() ? Empty(201) : ErrorResponse(st);
    }
    case StoreOp::kSealVolume: {
      Status st = store->Seal(route.vid);
      return st.ok() ? Empty(200) : ErrorResponse(st);
    }
    case StoreOp::kCompactVolume: {
      Status st = store->Compact(route.vid);
      return st.ok() ? Empty(200) : ErrorResponse(st);
    }
    case StoreOp::kStatus:
      return Json(200, EncodeStatusJson(store->Stats()));
  }
  return ErrorResponse(InternalError("unhandled store route"));
}

}  // namespace bale::store_http
