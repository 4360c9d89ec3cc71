#include "tools/admin/admin_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "tools/admin/json_text.h"

namespace bale::admin {
namespace json = boost::json;
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

bool Succeeded(int status) { return status >= 200 && status < 300; }

}  // namespace

std::string ApiPath(std::initializer_list<std::string_view> segments) {
  std::string path;
  for (std::string_view s : segments) {
    if (!path.empty()) path += "/";
    path += auth::AwsUriEncode(s, /*keep_slash=*/false);
  }
  return path;
}

Status RefusalFrom(const HttpResponse& response) {
  json::error_code ec;
  json::value body = json::parse(response.body, ec);
  const json::value& error = Field(body, "error");
  std::string code = Str(error, "code");
  if (ec || code.empty()) {
    std::string status = "HTTP " + std::to_string(response.status);
    return FailedPreconditionError(status + " " + response.reason).WithReason(status);
  }
  return FailedPreconditionError(code + ": " + Str(error, "message")).WithReason(code);
}

Result<json::value> AdminClient::Call(std::string_view method, std::string_view path,
                                      const json::value& body) const {
  const std::string payload = body.is_null() ? "" : json::serialize(body);
  auth::SignedRequest head{std::string(method),
                           std::string(kApiPrefix) + std::string(path),
                           {{"Host", endpoint_.HostHeader()}}};
  if (!payload.empty()) head.headers.emplace_back("Content-Type", "application/json");
  auth::SignWithHeader(&head, credentials_, clock_->NowMicros() / kMicrosPerSecond,
                       auth::Sha256Hex(payload));
  ASSIGN_OR_RETURN(HttpResponse response, SendHttp(endpoint_, head, payload, kRequestTimeout));
  if (!Succeeded(response.status)) return RefusalFrom(response);
  if (response.body.empty()) return json::value(nullptr);
  json::error_code ec;
  json::value answer = json::parse(response.body, ec);
  if (ec) {
    return InternalError("the server answered HTTP " + std::to_string(response.status) +
                         " with a body that is not JSON");
  }
  return answer;
}

}  // namespace bale::admin
