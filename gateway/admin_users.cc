// Admin calls on users and access keys.
#include <boost/json.hpp>

#include "common/log.h"
#include "common/random.h"
#include "gateway/admin_internal.h"
#include "gateway/s3_error.h"

namespace bale::s3::admin {
namespace {

constexpr std::string_view kRootUser = "root";  // tools/root_user.cc creates it

Status ValidUserId(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char ch : id)
    ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-');
  if (ok) return Status::Ok();
  return ErrorStatus("InvalidArgument",
                     "A user id is 1 to 64 characters of A-Z a-z 0-9 . _ -, not \"" +
                         std::string(id) + "\".");
}

Result<meta::UserRecord> FindUser(Call& c, const std::string& id) {
  auto u = c.r.backends.meta->GetUser(id);
  if (!u.ok() && u.status().code() == Code::kNotFound)
    return ErrorStatus("NoSuchUser", "The specified user does not exist: " + id);
  return u;
}

json::object KeyJson(const meta::AccessKeyRecord& k) {
  return {{"access_key_id", k.access_key_id},
          {"user_id", k.user_id},
          {"active", k.active},
          {"created", Rfc3339(k.created_micros)}};
}

Result<json::object> UserJson(Call& c, const meta::UserRecord& u) {
  ASSIGN_OR_RETURN(auto buckets, c.r.backends.meta->ListBuckets(u.user_id));
  ASSIGN_OR_RETURN(auto keys, c.r.backends.meta->ListAccessKeys(u.user_id));
  return json::object{{"user_id", u.user_id},
                      {"display_name", u.display_name},
                      {"admin", u.admin},
                      {"disabled", u.disabled},
                      {"created", Rfc3339(u.created_micros)},
                      {"buckets", buckets.size()},
                      {"keys", keys.size()}};
}

Result<Reply> UserReply(Call& c, int status, const meta::UserRecord& u) {
  ASSIGN_OR_RETURN(json::object o, UserJson(c, u));
  return Reply{status, std::move(o)};
}

Result<Reply> CreateUser(Call& c) {
  ASSIGN_OR_RETURN(json::object body, ReadJsonObject(c, {"user_id", "display_name", "admin"}));
  const json::value* id = body.if_contains("user_id");
  if (!id || !id->is_string())
    return ErrorStatus("InvalidArgument", "\"user_id\" must be given as a string.");
  meta::UserRecord u;
  u.user_id = std::string(id->get_string());
  RETURN_IF_ERROR(ValidUserId(u.user_id));
  if (const json::value* n = body.if_contains("display_name")) {
    if (!n->is_string()) return ErrorStatus("InvalidArgument", "\"display_name\" must be a string.");
    u.display_name = std::string(n->get_string());
  } else {
    u.display_name = u.user_id;
  }
  if (const json::value* a = body.if_contains("admin")) {
    if (!a->is_bool()) return ErrorStatus("InvalidArgument", "\"admin\" must be true or false.");
    u.admin = a->get_bool();
  }
  u.created_micros = c.r.backends.clock->NowMicros();
  auto existing = c.r.backends.meta->GetUser(u.user_id);
  if (existing.ok())
    return ErrorStatus("UserAlreadyExists", "The specified user already exists: " + u.user_id);
  if (existing.status().code() != Code::kNotFound) return existing.status();
  RETURN_IF_ERROR(c.r.backends.meta->PutUser(u));
  BALE_LOG(kInfo) << "user " << u.user_id << " created" << (u.admin ? " (admin)" : "") << " by "
                  << c.r.user_id;
  return UserReply(c, 201, u);
}

Result<Reply> SetDisabled(Call& c, meta::UserRecord u, bool disabled) {
  if (c.method != "POST") return MethodNotAllowed(c);
  if (disabled && u.user_id == kRootUser)
    return ErrorStatus("InvalidArgument", "The root user cannot be disabled.");
  u.disabled = disabled;
  RETURN_IF_ERROR(c.r.backends.meta->PutUser(u));
  BALE_LOG(kInfo) << "user " << u.user_id << (disabled ? " disabled" : " enabled") << " by "
                  << c.r.user_id;
  return UserReply(c, 200, u);
}

Result<Reply> Keys(Call& c, const meta::UserRecord& u) {
  if (c.method == "GET") {
    ASSIGN_OR_RETURN(auto keys, c.r.backends.meta->ListAccessKeys(u.user_id));
    json::array out;
    for (const auto& k : keys) out.push_back(KeyJson(k));
    return Reply{200, json::object{{"keys", std::move(out)}}};
  }
  if (c.method != "POST") return MethodNotAllowed(c);
  meta::AccessKeyRecord k{NewAccessKeyId(), NewSecretKey(), u.user_id, true,
                          c.r.backends.clock->NowMicros()};
  RETURN_IF_ERROR(c.r.backends.meta->PutAccessKey(k));
  BALE_LOG(kInfo) << "access key " << k.access_key_id << " created for " << u.user_id << " by "
                  << c.r.user_id;
  json::object out = KeyJson(k);
  out["secret_key"] = k.secret_key;
  return Reply{201, std::move(out)};
}

}  // namespace

Result<Reply> ServeUsers(Call& c) {
  const auto& p = c.path;
  if (p[0] == "keys") {
    if (p.size() != 2) return NoSuchPath(c);
    if (c.method != "DELETE") return MethodNotAllowed(c);
    Status st = c.r.backends.meta->DeleteAccessKey(p[1]);
    if (st.code() == Code::kNotFound)
      return ErrorStatus("NoSuchAccessKey", "The specified access key does not exist: " + p[1]);
    RETURN_IF_ERROR(st);
    BALE_LOG(kInfo) << "access key " << p[1] << " revoked by " << c.r.user_id;
    return Reply{204, nullptr};
  }
  if (p.size() == 1) {
    if (c.method == "POST") return CreateUser(c);
    if (c.method != "GET") return MethodNotAllowed(c);
    ASSIGN_OR_RETURN(auto users, c.r.backends.meta->ListUsers());
    json::array out;
    for (const auto& u : users) {
      ASSIGN_OR_RETURN(json::object o, UserJson(c, u));
      out.push_back(std::move(o));
    }
    return Reply{200, json::object{{"users", std::move(out)}}};
  }
  ASSIGN_OR_RETURN(meta::UserRecord u, FindUser(c, p[1]));
  if (p.size() == 2) {
    if (c.method == "GET") return UserReply(c, 200, u);
    if (c.method != "DELETE") return MethodNotAllowed(c);
    if (u.user_id == kRootUser)
      return ErrorStatus("InvalidArgument", "The root user cannot be deleted.");
    Status st = c.r.backends.meta->DeleteUser(u.user_id);
    if (st.reason() == "UserHasBuckets") return ErrorStatus("UserHasBuckets", std::string(st.message()));
    RETURN_IF_ERROR(st);
    BALE_LOG(kInfo) << "user " << u.user_id << " deleted by " << c.r.user_id;
    return Reply{204, nullptr};
  }
  if (p.size() == 3 && p[2] == "disable") return SetDisabled(c, u, true);
  if (p.size() == 3 && p[2] == "enable") return SetDisabled(c, u, false);
  if (p.size() == 3 && p[2] == "keys") return Keys(c, u);
  return NoSuchPath(c);
}

}  // namespace bale::s3::admin
