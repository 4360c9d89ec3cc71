#include "gateway/admin_api.h"

#include <boost/json.hpp>

#include "auth/amz_date.h"
#include "common/log.h"
#include "gateway/admin_internal.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"

namespace bale::s3 {
namespace admin {

Jobs::~Jobs() {
  std::lock_guard lk(mu_);
  for (std::thread& t : threads_) t.join();
}

void Jobs::Start(Kind kind, uint32_t id, std::function<void()> fn) {
  std::lock_guard lk(mu_);
  running_.insert({kind, id});
  threads_.emplace_back([this, kind, id, fn = std::move(fn)] {
    fn();
    std::lock_guard done(mu_);
    running_.erase(running_.find({kind, id}));
  });
}

bool Jobs::Running(Kind kind, uint32_t id) {
  std::lock_guard lk(mu_);
  return running_.count({kind, id}) > 0;
}

std::string Rfc3339(int64_t micros) { return auth::FormatIso8601(micros / 1'000'000); }

Result<json::object> ReadJsonObject(Call& c, std::initializer_list<std::string_view> allowed) {
  constexpr size_t kMaxBody = 64 << 10;
  auto text = ReadRequestDocument(c.r, kMaxBody, false);
  if (!text.ok()) {
    if (text.status().reason() == "MalformedXML")
      return ErrorStatus("MalformedJSON", "The request body is over 64 KiB.");
    return text.status();
  }
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) return ErrorStatus("MalformedJSON", "The request body is not JSON: " + ec.message());
  if (!v.is_object()) return ErrorStatus("MalformedJSON", "The request body must be a JSON object.");
  for (const auto& field : v.get_object()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || field.key() == a;
    if (!known)
      return ErrorStatus("InvalidArgument", "Unknown field \"" + std::string(field.key()) + "\".");
  }
  return std::move(v.get_object());
}

Result<uint64_t> UintField(const json::object& o, std::string_view name, uint64_t fallback) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return fallback;
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() < kLimit) return v->get_uint64();
  return ErrorStatus("InvalidArgument", "\"" + std::string(name) +
                                            "\" must be an integer from 0 to 2^63-1, not " +
                                            json::serialize(*v) + ".");
}

Status MethodNotAllowed(const Call& c) {
  return ErrorStatus("MethodNotAllowed", c.method + " is not allowed on this admin resource.");
}

Status NoSuchPath(const Call& c) {
  std::string p;
  for (const auto& s : c.path) p += "/" + s;
  return ErrorStatus("InvalidRequest", "No admin API call at " + std::string(c.method) + " " + p +
                                           " (docs/admin-api.md lists them).");
}

}  // namespace admin

namespace {

constexpr std::string_view kRoot = "/_bale/";
constexpr std::string_view kPrefix = "/_bale/admin/v1/";

void SendJson(S3Request& r, int status, const boost::json::value& body) {
  r.sink.Send({status, r.Headers({{"Content-Type", "application/json"}}), {}},
              boost::json::serialize(body) + "\n")
      .IgnoreError();
}

void SendError(S3Request& r, const Status& st) {
  S3Error e = FromStatus(st);
  if (e.http_status >= 500 && e.code != "NotImplemented")
    BALE_LOG(kError) << "admin request " << r.request_id << " " << r.head.method << " "
                     << r.head.target << ": " << st;
  SendJson(r, e.http_status,
           boost::json::object{{"error", boost::json::object{{"code", e.code},
                                                             {"message", e.message},
                                                             {"request_id", r.request_id}}}});
}

// Path segments after the prefix: letters, digits, '.', '_' and '-' only.
Result<std::vector<std::string>> Segments(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.substr(0, kPrefix.size()) != kPrefix)
    return ErrorStatus("InvalidRequest", "The admin API lives under " + std::string(kPrefix) + ".");
  path.remove_prefix(kPrefix.size());
  std::vector<std::string> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    for (char ch : seg)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-')
        return ErrorStatus("InvalidArgument",
                           "Bad admin path segment \"" + std::string(seg) + "\".");
    if (!seg.empty()) out.emplace_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

struct AdminApi::Impl {
  S3Backends backends;
  QuotaGuard* quotas;
  int64_t started_micros;
  admin::Jobs jobs;

  Result<admin::Reply> Serve(S3Request& r) {
    ASSIGN_OR_RETURN(std::optional<meta::UserRecord> user, AuthenticateCaller(r));
    if (!user || !user->admin)
      return ErrorStatus("AccessDenied", "The admin API needs the key of an admin user.");
    ASSIGN_OR_RETURN(std::vector<std::string> path, Segments(r.head.target));
    admin::Call c{r, r.head.method, std::move(path), quotas, &jobs, started_micros};
    if (c.path.empty()) return admin::NoSuchPath(c);
    const std::string& family = c.path[0];
    if (family == "buckets") return admin::ServeBuckets(c);
    if (family == "users" || family == "keys") return admin::ServeUsers(c);
    if (family == "volumes" || family == "drives" || family == "status" || family == "orphans")
      return admin::ServeStore(c);
    return admin::NoSuchPath(c);
  }
};

AdminApi::AdminApi(const S3Backends& backends, QuotaGuard* quotas)
    : impl_(new Impl{backends, quotas, backends.clock->NowMicros(), {}}) {}
AdminApi::~AdminApi() = default;

bool AdminApi::Handles(std::string_view target) {
  return target.substr(0, kRoot.size()) == kRoot || target == "/_bale";
}

void AdminApi::Handle(S3Request& r) {
  auto reply = impl_->Serve(r);
  if (reply.ok())
    SendJson(r, reply->status, reply->body);
  else
    SendError(r, reply.status());
}

}  // namespace bale::s3
