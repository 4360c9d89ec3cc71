// bale admin user ... and key ...: users and their access keys.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "tools/admin/commands.h"
#include "tools/admin/json_text.h"
#include "tools/admin/table.h"

namespace bale::admin {
namespace json = boost::json;
namespace {

constexpr char kSecretNotice[] =
    "The secret key is shown only this once: it will not be shown again. Store it now.\n";

std::string UserText(const json::value& u) {
  return RenderFields({{"user id", Str(u, "user_id")},
                       {"display name", Str(u, "display_name")},
                       {"admin", YesNo(Bool(u, "admin"))},
                       {"disabled", YesNo(Bool(u, "disabled"))},
                       {"created", Str(u, "created")},
                       {"buckets", std::to_string(Uint(u, "buckets"))},
                       {"keys", std::to_string(Uint(u, "keys"))}});
}

std::string UserListText(const json::value& answer) {
  Table t({{"USER"},
           {"DISPLAY NAME"},
           {"ADMIN"},
           {"DISABLED"},
           {"BUCKETS", Align::kRight},
           {"KEYS", Align::kRight},
           {"CREATED"}});
  for (const json::value& u : Array(answer, "users")) {
    t.AddRow({Str(u, "user_id"), Str(u, "display_name"), YesNo(Bool(u, "admin")),
              YesNo(Bool(u, "disabled")), std::to_string(Uint(u, "buckets")),
              std::to_string(Uint(u, "keys")), Str(u, "created")});
  }
  return t.Render();
}

std::string KeyListText(const json::value& answer) {
  Table t({{"ACCESS KEY ID"}, {"USER"}, {"ACTIVE"}, {"CREATED"}});
  for (const json::value& k : Array(answer, "keys")) {
    t.AddRow(
        {Str(k, "access_key_id"), Str(k, "user_id"), YesNo(Bool(k, "active")), Str(k, "created")});
  }
  return t.Render();
}

std::string NewKeyText(const json::value& k) {
  return RenderFields({{"access key id", Str(k, "access_key_id")},
                       {"secret key", Str(k, "secret_key")},
                       {"user id", Str(k, "user_id")},
                       {"created", Str(k, "created")}}) +
         kSecretNotice;
}

Status ListUsers(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"users"}), UserListText);
}

Status CreateUser(CommandContext& ctx) {
  json::object body{{"user_id", ctx.args[0]}, {"admin", ctx.line.Has("admin")}};
  if (auto name = ctx.line.Value("display-name")) body["display_name"] = *name;
  return CallAndShow(ctx, "POST", ApiPath({"users"}), UserText, body);
}

Status UserInfo(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"users", ctx.args[0]}), UserText);
}

Status DisableUser(CommandContext& ctx) {
  return CallAndShow(ctx, "POST", ApiPath({"users", ctx.args[0], "disable"}), UserText);
}

Status EnableUser(CommandContext& ctx) {
  return CallAndShow(ctx, "POST", ApiPath({"users", ctx.args[0], "enable"}), UserText);
}

Status DeleteUser(CommandContext& ctx) {
  RETURN_IF_ERROR(ctx.client.Call("DELETE", ApiPath({"users", ctx.args[0]})).status());
  if (!ctx.json) ctx.out << "deleted user " << ctx.args[0] << "\n";
  return Status::Ok();
}

Status ListKeys(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"users", ctx.args[0], "keys"}), KeyListText);
}

Status CreateKey(CommandContext& ctx) {
  ASSIGN_OR_RETURN(json::value answer,
                   ctx.client.Call("POST", ApiPath({"users", ctx.args[0], "keys"})));
  Show(ctx, answer, NewKeyText);
  if (ctx.json) ctx.err << kSecretNotice;  // stdout stays pure JSON
  return Status::Ok();
}

Status RevokeKey(CommandContext& ctx) {
  RETURN_IF_ERROR(ctx.client.Call("DELETE", ApiPath({"keys", ctx.args[0]})).status());
  if (!ctx.json) ctx.out << "revoked key " << ctx.args[0] << "\n";
  return Status::Ok();
}

}  // namespace

std::vector<Command> UserCommands() {
  return {
      {"user list", "", "list every user", "", "bale admin user list", 0, {}, ListUsers},
      {"user create",
       "USER [--display-name NAME] [--admin]",
       "create a user",
       "USER is 1 to 64 characters of A-Z a-z 0-9 . _ -. A new user has no keys: add one\n"
       "with 'bale admin key create USER'.",
       "bale admin user create alice --display-name 'Alice Liddell'",
       1,
       {"display-name", "admin"},
       CreateUser},
      {"user info",
       "USER",
       "show a user: flags, creation time, bucket and key counts",
       "",
       "bale admin user info alice",
       1,
       {},
       UserInfo},
      {"user disable",
       "USER",
       "disable a user: its keys answer 403 AccessDenied",
       "The root user cannot be disabled.",
       "bale admin user disable alice",
       1,
       {},
       DisableUser},
      {"user enable",
       "USER",
       "enable a disabled user again",
       "",
       "bale admin user enable alice",
       1,
       {},
       EnableUser},
      {"user delete",
       "USER",
       "delete a user and revoke its keys",
       "Refused (409 UserHasBuckets) while the user owns buckets: give them away with\n"
       "'bale admin bucket chown' or delete them first. The root user cannot be deleted.",
       "bale admin user delete alice",
       1,
       {},
       DeleteUser},
      {"key list",
       "USER",
       "list a user's access keys (never their secrets)",
       "",
       "bale admin key list alice",
       1,
       {},
       ListKeys},
      {"key create",
       "USER",
       "create an access key for a user and print its secret",
       "The secret is printed once and cannot be read again later.",
       "bale admin key create alice",
       1,
       {},
       CreateKey},
      {"key revoke",
       "ACCESS_KEY_ID",
       "revoke an access key: it stops working at once",
       "",
       "bale admin key revoke BALE6Q2EXAMPLE",
       1,
       {},
       RevokeKey},
  };
}

}  // namespace bale::admin
