// What the admin API's handlers share. Private to gateway/admin_*.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <mutex>
#include <thread>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "gateway/quota.h"
#include "gateway/s3_request.h"

namespace bale::s3::admin {

namespace json = boost::json;

// Volume jobs (compaction, encoding) started by calls, on threads of their
// own; joined when destroyed.
class Jobs {
 public:
  enum Kind { kCompaction, kEncoding };
  ~Jobs();
  // Runs `fn` for volume `id`; Running(kind, id) is true from now until it returns.
  void Start(Kind kind, uint32_t id, std::function<void()> fn);
  bool Running(Kind kind, uint32_t id);

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::multiset<std::pair<Kind, uint32_t>> running_;
};

// One admin call: "GET /_bale/admin/v1/buckets/photos/quota" has
// path {"buckets", "photos", "quota"}.
struct Call {
  S3Request& r;
  const std::string& method;
  std::vector<std::string> path;
  QuotaGuard* quotas;
  Jobs* jobs;
  int64_t started_micros;  // when the server started
};

// An answer to send: status and JSON document.
struct Reply {
  int status = 200;
  json::value body;
};

// Calls under one resource family; NOT_FOUND reason "NoSuchResource" style
// errors come back as Status (the caller turns them into JSON errors).
Result<Reply> ServeBuckets(Call& c);
Result<Reply> ServeUsers(Call& c);   // users/..., keys/...
Result<Reply> ServeStore(Call& c);   // volumes/..., drives, orphans/sweep, status

// Shared helpers (admin_api.cc).
std::string Rfc3339(int64_t micros);
// The request body as a JSON object whose fields are all in `allowed`.
Result<json::object> ReadJsonObject(Call& c, std::initializer_list<std::string_view> allowed);
// Field `name` as an integer in [0, 2^63), or `fallback` when absent.
Result<uint64_t> UintField(const json::object& o, std::string_view name, uint64_t fallback);
Status MethodNotAllowed(const Call& c);
Status NoSuchPath(const Call& c);

}  // namespace bale::s3::admin
