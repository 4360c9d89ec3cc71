// Admin calls on buckets: list, show, quota, usage, owner.
#include <boost/json.hpp>

#include "gateway/admin_internal.h"
#include "common/log.h"
#include "gateway/s3_error.h"

namespace bale::s3::admin {
namespace {

json::object QuotaJson(const meta::BucketRecord& b) {
  return {{"max_bytes", b.quota_max_bytes}, {"max_objects", b.quota_max_objects}};
}

json::object UsageJson(const meta::UsageRecord& u) {
  return {{"bytes", u.bytes}, {"objects", u.objects}};
}

Result<json::object> BucketJson(Call& c, const meta::BucketRecord& b) {
  ASSIGN_OR_RETURN(meta::UsageRecord usage, c.r.backends.meta->GetUsage(b));
  return json::object{{"name", b.name},
                      {"owner", b.owner_user_id},
                      {"created", Rfc3339(b.created_micros)},
                      {"quota", QuotaJson(b)},
                      {"usage", UsageJson(usage)}};
}

Result<meta::BucketRecord> FindBucket(Call& c, const std::string& name) {
  auto b = c.r.backends.meta->GetBucket(name);
  if (!b.ok() && b.status().code() == Code::kNotFound)
    return ErrorStatus("NoSuchBucket", "The specified bucket does not exist: " + name);
  return b;
}

// Replaces the bucket's record by `change(record)`, checked against the bucket
// that was read (a bucket deleted and created again is not touched).
Result<meta::BucketRecord> UpdateBucket(Call& c, const meta::BucketRecord& read,
                                        const std::function<void(meta::BucketRecord&)>& change) {
  meta::BucketRecord next = read;
  change(next);
  Status st = c.r.backends.meta->PutBucket(next, [&](const meta::BucketRecord& current) {
    if (current.bucket_id != read.bucket_id)
      return ErrorStatus("NoSuchBucket", "The bucket was deleted meanwhile: " + read.name);
    return Status::Ok();
  });
  if (st.code() == Code::kNotFound) return ErrorStatus("NoSuchBucket");
  RETURN_IF_ERROR(st);
  return FindBucket(c, read.name);
}

Result<Reply> Quota(Call& c, const meta::BucketRecord& b) {
  if (c.method == "GET") return Reply{200, QuotaJson(b)};
  if (c.method == "DELETE") {
    ASSIGN_OR_RETURN(meta::BucketRecord now, UpdateBucket(c, b, [](meta::BucketRecord& n) {
                       n.quota_max_bytes = n.quota_max_objects = 0;
                     }));
    return Reply{200, QuotaJson(now)};
  }
  if (c.method != "PUT") return MethodNotAllowed(c);
  ASSIGN_OR_RETURN(json::object body, ReadJsonObject(c, {"max_bytes", "max_objects"}));
  ASSIGN_OR_RETURN(uint64_t max_bytes, UintField(body, "max_bytes", 0));
  ASSIGN_OR_RETURN(uint64_t max_objects, UintField(body, "max_objects", 0));
  ASSIGN_OR_RETURN(meta::BucketRecord now, UpdateBucket(c, b, [&](meta::BucketRecord& n) {
                     n.quota_max_bytes = max_bytes;
                     n.quota_max_objects = max_objects;
                   }));
  BALE_LOG(kInfo) << "bucket " << b.name << ": quota set to " << max_bytes << " bytes, "
                  << max_objects << " objects by " << c.r.user_id;
  return Reply{200, QuotaJson(now)};
}

Result<Reply> Usage(Call& c, const meta::BucketRecord& b, bool recount) {
  if (recount != (c.method == "POST")) return MethodNotAllowed(c);
  ASSIGN_OR_RETURN(meta::UsageRecord counters, c.r.backends.meta->GetUsage(b));
  if (!recount) return Reply{200, UsageJson(counters)};
  ASSIGN_OR_RETURN(meta::UsageRecord counted, c.r.backends.meta->RecountUsage(b.name));
  json::object out = UsageJson(counted);
  out["recounted"] = true;
  out["counted_before"] = UsageJson(counters);
  if (!(counted == counters))
    BALE_LOG(kWarning) << "bucket " << b.name << ": recount found " << counted.bytes << " bytes, "
                       << counted.objects << " objects; the counters said " << counters.bytes
                       << ", " << counters.objects << " (writes during the recount also differ)";
  return Reply{200, std::move(out)};
}

Result<Reply> Owner(Call& c, const meta::BucketRecord& b) {
  if (c.method != "PUT") return MethodNotAllowed(c);
  ASSIGN_OR_RETURN(json::object body, ReadJsonObject(c, {"user_id"}));
  const json::value* id = body.if_contains("user_id");
  if (!id || !id->is_string())
    return ErrorStatus("InvalidArgument", "\"user_id\" must be given as a string.");
  std::string user_id(id->get_string());
  auto user = c.r.backends.meta->GetUser(user_id);
  if (!user.ok() && user.status().code() == Code::kNotFound)
    return ErrorStatus("NoSuchUser", "The specified user does not exist: " + user_id);
  RETURN_IF_ERROR(user.status());
  ASSIGN_OR_RETURN(meta::BucketRecord now, UpdateBucket(c, b, [&](meta::BucketRecord& n) {
                     n.owner_user_id = user_id;
                   }));
  BALE_LOG(kInfo) << "bucket " << b.name << ": owner " << b.owner_user_id << " -> " << user_id;
  ASSIGN_OR_RETURN(json::object out, BucketJson(c, now));
  return Reply{200, std::move(out)};
}

}  // namespace

Result<Reply> ServeBuckets(Call& c) {
  const auto& p = c.path;
  if (p.size() == 1) {
    if (c.method != "GET") return MethodNotAllowed(c);
    ASSIGN_OR_RETURN(std::vector<meta::BucketRecord> all, c.r.backends.meta->ListAllBuckets());
    json::array out;
    for (const auto& b : all) {
      ASSIGN_OR_RETURN(json::object o, BucketJson(c, b));
      out.push_back(std::move(o));
    }
    return Reply{200, json::object{{"buckets", std::move(out)}}};
  }
  ASSIGN_OR_RETURN(meta::BucketRecord b, FindBucket(c, p[1]));
  if (p.size() == 2) {
    if (c.method != "GET") return MethodNotAllowed(c);
    ASSIGN_OR_RETURN(json::object o, BucketJson(c, b));
    return Reply{200, std::move(o)};
  }
  if (p.size() == 3 && p[2] == "quota") return Quota(c, b);
  if (p.size() == 3 && p[2] == "usage") return Usage(c, b, false);
  if (p.size() == 4 && p[2] == "usage" && p[3] == "recount") return Usage(c, b, true);
  if (p.size() == 3 && p[2] == "owner") return Owner(c, b);
  return NoSuchPath(c);
}

}  // namespace bale::s3::admin
