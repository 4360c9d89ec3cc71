// A client of the admin API (docs/admin-api.md): each call is signed with
// SigV4 (auth/client_signer.h), sent on its own connection, and its JSON
// answer parsed.
//
// Failures, by what the caller should do (tools/admin/commands.h turns them
// into exit codes):
//   UNAVAILABLE          the server could not be reached: the message names the endpoint
//   FAILED_PRECONDITION  the server refused: reason() is its error code
//                        ("NoSuchBucket"), the message "<Code>: <message>"
//                        (or the HTTP status when the body is not the API's error JSON)
//   INTERNAL             the server said yes in a form that is not JSON
//
// Thread-safety: Call is const and may run concurrently.
#pragma once

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "auth/client_signer.h"
#include "common/clock.h"
#include "common/status.h"
#include "tools/admin/http_client.h"

namespace bale::admin {

// Where the API lives on the S3 listener.
inline constexpr std::string_view kApiPrefix = "/_bale/admin/v1/";

// "buckets/a%20b/quota" from {"buckets", "a b", "quota"}: each segment
// URI-encoded the S3 way, so a name can never reach another path.
std::string ApiPath(std::initializer_list<std::string_view> segments);

// The failure a refused call reports (see above), from the server's answer.
Status RefusalFrom(const HttpResponse& response);

class AdminClient {
 public:
  static constexpr std::chrono::seconds kRequestTimeout{30};

  AdminClient(Endpoint endpoint, auth::SigningCredentials credentials,
              const Clock* clock = Clock::Real())
      : endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), clock_(clock) {}

  // METHOD kApiPrefix + `path` (from ApiPath) with `body` as JSON when not
  // null. The answer's JSON; null for an empty 2xx answer (204).
  Result<boost::json::value> Call(std::string_view method, std::string_view path,
                                  const boost::json::value& body = nullptr) const;

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Endpoint endpoint_;
  auth::SigningCredentials credentials_;
  const Clock* clock_;
};

}  // namespace bale::admin
