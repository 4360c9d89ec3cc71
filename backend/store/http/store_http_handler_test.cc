// The store HTTP API without sockets: URL grammar, error table, JSON shapes.
#include "backend/store/http/store_http_handler.h"

#include <doctest.h>

#include "backend/store/http/store_http_codec.h"

namespace bale::store_http {
namespace {

// The status a request line is rejected with, or 0 when it routes.
int Reject(std::string_view method, std::string_view target) {
  StoreRoute route;
  StoreHttpResponse rejection;
  return RouteStoreRequest(method, target, &route, &rejection) ? 0 : rejection.status;
}

StoreRoute Route(std::string_view method, std::string_view target) {
  StoreRoute route;
  StoreHttpResponse rejection;
  REQUIRE_MESSAGE(RouteStoreRequest(method, target, &route, &rejection), rejection.body);
  return route;
}

TEST_CASE("routes parse into typed requests and print back to the same target") {
  StoreRoute r = Route("PUT", "/v1/volumes/7/needles/18446744073709551615?cookie=4294967295");
  CHECK(r.op == StoreOp::kPutNeedle);
  CHECK(r.vid == 7);
  CHECK(r.key == 18446744073709551615ull);
  CHECK(r.cookie == 4294967295u);
  CHECK(Route("GET", "/v1/volumes/1/needles/2?x=y&cookie=3").op == StoreOp::kGetNeedle);
  CHECK(Route("HEAD", "/v1/volumes/1/needles/2?cookie=3").op == StoreOp::kHeadNeedle);
  CHECK(Route("DELETE", "/v1/volumes/1/needles/2?cookie=3").op == StoreOp::kDeleteNeedle);
  CHECK(Route("PUT", "/v1/volumes/4294967295").vid == 4294967295u);
  CHECK(Route("POST", "/v1/volumes/9/seal").op == StoreOp::kSealVolume);
  CHECK(Route("POST", "/v1/volumes/9/compact").op == StoreOp::kCompactVolume);
  CHECK(Route("GET", "/v1/status").op == StoreOp::kStatus);

  for (StoreRoute want :
       {StoreRoute{StoreOp::kPutNeedle, 1, 2, 3},
        StoreRoute{StoreOp::kGetNeedle, 4294967295u, 0, 0},
        StoreRoute{StoreOp::kHeadNeedle, 5, 6, 7}, StoreRoute{StoreOp::kDeleteNeedle, 8, 9, 10},
        StoreRoute{StoreOp::kCreateVolume, 11}, StoreRoute{StoreOp::kSealVolume, 12},
        StoreRoute{StoreOp::kCompactVolume, 13}, StoreRoute{StoreOp::kStatus}}) {
    StoreRoute got = Route(StoreRouteMethod(want.op), StoreRouteTarget(want));
    CHECK(got.op == want.op);
    CHECK(got.vid == want.vid);
    CHECK(got.key == want.key);
    CHECK(got.cookie == want.cookie);
  }
}

TEST_CASE("bad numbers and missing cookies are 400") {
  CHECK(Reject("GET", "/v1/volumes/abc/needles/1?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/4294967296/needles/1?cookie=1") == 400);  // u32 overflow
  CHECK(Reject("GET", "/v1/volumes/1/needles/18446744073709551616?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1?cookie=4294967296") == 400);
  CHECK(Reject("GET", "/v1/volumes/-1/needles/1?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/+1/needles/1?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/0x10?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1%32?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes//needles/1?cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1?cookie=") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1?cookie") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1?cookie=1&cookie=1") == 400);
  CHECK(Reject("GET", "/v1/volumes/1/needles/1?cookie= 1") == 400);
  CHECK(Reject("PUT", "/v1/volumes/1x") == 400);
  CHECK(Reject("POST", "/v1/volumes/x/seal") == 400);
}

TEST_CASE("unknown paths are 404 and wrong methods 405 with Allow") {
  CHECK(Reject("GET", "/") == 404);
  CHECK(Reject("GET", "/v2/status") == 404);
  CHECK(Reject("GET", "/v1/status/") == 404);
  CHECK(Reject("GET", "/v1/volumes/1/needles") == 404);
  CHECK(Reject("GET", "/v1/volumes/1/needles/2/3?cookie=1") == 404);
  CHECK(Reject("POST", "/v1/volumes/1/shred") == 404);

  StoreRoute route;
  StoreHttpResponse r;
  REQUIRE_FALSE(RouteStoreRequest("POST", "/v1/volumes/1/needles/2?cookie=3", &route, &r));
  CHECK(r.status == 405);
  CHECK(r.content_type == kJsonType);
  REQUIRE(r.headers.size() == 3);
  CHECK(r.headers[2] == std::pair<std::string, std::string>("Allow", "GET, HEAD, PUT, DELETE"));
  CHECK(Reject("GET", "/v1/volumes/1") == 405);
  CHECK(Reject("GET", "/v1/volumes/1/seal") == 405);
  CHECK(Reject("PUT", "/v1/status") == 405);
  // The method is judged before the numbers.
  CHECK(Reject("PATCH", "/v1/volumes/abc/needles/1?cookie=1") == 405);
}

TEST_CASE("error responses carry the Status code in the body and in headers") {
  StoreHttpResponse r = ErrorResponse(FailedPreconditionError("volume 3 is sealed\n%\x01"));
  CHECK(r.status == 409);
  CHECK(r.body == R"({"code":"FAILED_PRECONDITION","message":"volume 3 is sealed\n%\u0001"})");
  REQUIRE(r.headers.size() == 2);
  CHECK(r.headers[0].second == "FAILED_PRECONDITION");
  CHECK(r.headers[1].second == "volume 3 is sealed%0A%25%01");
  CHECK(UnescapeHeaderValue(r.headers[1].second) == "volume 3 is sealed\n%\x01");

  Code code;
  std::string message;
  REQUIRE(DecodeErrorJson(r.body, &code, &message));
  CHECK(code == Code::kFailedPrecondition);
  CHECK(message == "volume 3 is sealed\n%\x01");
  CHECK_FALSE(DecodeErrorJson(R"({"code":"NO_SUCH_CODE","message":"x"})", &code, &message));
  CHECK_FALSE(DecodeErrorJson(R"({"code":"OK","message":"x"})", &code, &message));
  CHECK_FALSE(DecodeErrorJson("<html>", &code, &message));
}

TEST_CASE("status codes map to HTTP and back") {
  CHECK(HttpStatusForCode(Code::kNotFound) == 404);
  CHECK(HttpStatusForCode(Code::kAlreadyExists) == 409);
  CHECK(HttpStatusForCode(Code::kInvalidArgument) == 400);
  CHECK(HttpStatusForCode(Code::kResourceExhausted) == 507);
  CHECK(HttpStatusForCode(Code::kFailedPrecondition) == 409);
  CHECK(HttpStatusForCode(Code::kDataLoss) == 500);
  CHECK(HttpStatusForCode(Code::kUnavailable) == 503);
  CHECK(HttpStatusForCode(Code::kPermissionDenied) == 403);
  CHECK(HttpStatusForCode(Code::kUnimplemented) == 501);
  CHECK(HttpStatusForCode(Code::kInternal) == 500);
  CHECK(HttpStatusForCode(Code::kAborted) == 500);
  for (Code c : {Code::kNotFound, Code::kInvalidArgument, Code::kResourceExhausted,
                 Code::kUnavailable, Code::kPermissionDenied, Code::kUnimplemented}) {
    CHECK(CodeForHttpStatus(HttpStatusForCode(c)) == c);
  }
  CHECK(CodeForHttpStatus(502) == Code::kInternal);
  Code parsed;
  for (int i = 1; i <= static_cast<int>(Code::kUnauthenticated); ++i) {
    REQUIRE(ParseCodeName(CodeName(static_cast<Code>(i)), &parsed));
    CHECK(parsed == static_cast<Code>(i));
  }
  CHECK_FALSE(ParseCodeName("not_found", &parsed));
}

TEST_CASE("status JSON round-trips every VolumeStats field, odd strings included") {
  VolumeStats a;
  a.id = 4294967295u;
  a.drive = "/data/d\"1\\ \xc3\xa9 \xff\t";
  a.ok = false;
  a.error = "DATA_LOSS: crc mismatch\n\x1f";
  a.read_only = true;
  a.sealed = true;
  a.revision = 7;
  a.needles = 18446744073709551615ull;
  a.file_bytes = 1ull << 40;
  a.live_bytes = 12345;
  a.size_limit = 30ull << 30;
  a.garbage_ratio = 0.1 + 0.2;
  a.index_bytes = 99;
  a.compacting = true;
  a.compaction_progress = 1.0 / 3;
  VolumeStats b;
  b.id = 2;

  std::string text = EncodeStatusJson({a, b});
  CHECK(text.find("\"garbage_ratio\":0.30000000000000004") != std::string::npos);
  Result<std::vector<VolumeStats>> got = DecodeStatusJson(text);
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  REQUIRE(got->size() == 2);
  const VolumeStats& g = (*got)[0];
  CHECK(g.id == a.id);
  CHECK(g.drive == a.drive);
  CHECK(g.ok == a.ok);
  CHECK(g.error == a.error);
  CHECK(g.read_only == a.read_only);
  CHECK(g.sealed == a.sealed);
  CHECK(g.revision == a.revision);
  CHECK(g.needles == a.needles);
  CHECK(g.file_bytes == a.file_bytes);
  CHECK(g.live_bytes == a.live_bytes);
  CHECK(g.size_limit == a.size_limit);
  CHECK(g.garbage_ratio == a.garbage_ratio);
  CHECK(g.index_bytes == a.index_bytes);
  CHECK(g.compacting == a.compacting);
  CHECK(g.compaction_progress == a.compaction_progress);
  CHECK((*got)[1].id == 2);
  CHECK((*got)[1].ok);

  CHECK(EncodeStatusJson({}) == R"({"volumes":[]})");
  CHECK(DecodeStatusJson(R"({"volumes":[{"id":3,"future_field":[1]}]})").value()[0].id == 3);
  CHECK(DecodeStatusJson(R"({"volumes":[{"drive":"/d"}]})").status().code() == Code::kInternal);
  CHECK(DecodeStatusJson(R"({"volumes":[{"id":-1}]})").status().code() == Code::kInternal);
  CHECK(DecodeStatusJson(R"({"volumes":[{"id":1,"sealed":1}]})").status().code() ==
        Code::kInternal);
  CHECK(DecodeStatusJson("[]").status().code() == Code::kInternal);
  CHECK(DecodeSizeJson(EncodeSizeJson(1 << 20)).value() == 1 << 20);
}

}  // namespace
}  // namespace bale::store_http
