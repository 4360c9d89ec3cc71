// bale admin bucket ...: buckets, their quotas and usage counters.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "tools/admin/commands.h"
#include "tools/admin/json_text.h"
#include "tools/admin/table.h"
#include "tools/admin/value_parsing.h"

namespace bale::admin {
namespace json = boost::json;
namespace {

std::string LimitText(uint64_t limit, bool bytes) {
  if (limit == 0) return "none";
  return bytes ? BytesWithExact(limit) : std::to_string(limit);
}

Fields QuotaFields(const json::value& quota) {
  return {{"max size", LimitText(Uint(quota, "max_bytes"), true)},
          {"max objects", LimitText(Uint(quota, "max_objects"), false)}};
}

Fields UsageFields(const json::value& usage) {
  Fields f = {{"objects", std::to_string(Uint(usage, "objects"))},
              {"size", BytesWithExact(Uint(usage, "bytes"))}};
  if (Bool(usage, "recounted")) {
    const json::value& before = Field(usage, "counted_before");
    const bool exact = Uint(before, "objects") == Uint(usage, "objects") &&
                       Uint(before, "bytes") == Uint(usage, "bytes");
    f.emplace_back("counted before", std::to_string(Uint(before, "objects")) + " objects, " +
                                         std::to_string(Uint(before, "bytes")) + " bytes (" +
                                         (exact ? "exact" : "corrected") + ")");
  }
  return f;
}

std::string BucketText(const json::value& b) {
  Fields f = {{"name", Str(b, "name")}, {"owner", Str(b, "owner")}, {"created", Str(b, "created")}};
  for (Fields more : {UsageFields(Field(b, "usage")), QuotaFields(Field(b, "quota"))}) {
    f.insert(f.end(), more.begin(), more.end());
  }
  return RenderFields(f);
}

std::string BucketListText(const json::value& answer) {
  Table t({{"NAME"},
           {"OWNER"},
           {"CREATED"},
           {"OBJECTS", Align::kRight},
           {"SIZE", Align::kRight},
           {"MAX OBJECTS", Align::kRight},
           {"MAX SIZE", Align::kRight}});
  for (const json::value& b : Array(answer, "buckets")) {
    const json::value &usage = Field(b, "usage"), &quota = Field(b, "quota");
    uint64_t max_bytes = Uint(quota, "max_bytes");
    t.AddRow({Str(b, "name"), Str(b, "owner"), Str(b, "created"),
              std::to_string(Uint(usage, "objects")), HumanBytes(Uint(usage, "bytes")),
              LimitText(Uint(quota, "max_objects"), false),
              max_bytes ? HumanBytes(max_bytes) : "none"});
  }
  return t.Render();
}

std::string QuotaText(const json::value& q) { return RenderFields(QuotaFields(q)); }
std::string UsageText(const json::value& u) { return RenderFields(UsageFields(u)); }

Status List(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"buckets"}), BucketListText);
}

Status Info(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"buckets", ctx.args[0]}), BucketText);
}

Status QuotaGet(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"buckets", ctx.args[0], "quota"}), QuotaText);
}

// The API's PUT takes both limits, so a flag not given keeps the current value.
Status QuotaSet(CommandContext& ctx) {
  ASSIGN_OR_RETURN(QuotaChange change,
                   ParseQuotaChange(ctx.line.Value("max-size"), ctx.line.Value("max-objects")));
  const std::string path = ApiPath({"buckets", ctx.args[0], "quota"});
  ASSIGN_OR_RETURN(json::value current, ctx.client.Call("GET", path));
  Quota merged = Merge(Quota{Uint(current, "max_bytes"), Uint(current, "max_objects")}, change);
  json::value body =
      json::object{{"max_bytes", merged.max_bytes}, {"max_objects", merged.max_objects}};
  return CallAndShow(ctx, "PUT", path, QuotaText, body);
}

Status QuotaClear(CommandContext& ctx) {
  return CallAndShow(ctx, "DELETE", ApiPath({"buckets", ctx.args[0], "quota"}), QuotaText);
}

Status Usage(CommandContext& ctx) {
  if (ctx.line.Has("recount")) {
    return CallAndShow(ctx, "POST", ApiPath({"buckets", ctx.args[0], "usage", "recount"}),
                       UsageText);
  }
  return CallAndShow(ctx, "GET", ApiPath({"buckets", ctx.args[0], "usage"}), UsageText);
}

Status Chown(CommandContext& ctx) {
  json::value body = json::object{{"user_id", ctx.args[1]}};
  return CallAndShow(ctx, "PUT", ApiPath({"buckets", ctx.args[0], "owner"}), BucketText, body);
}

}  // namespace

std::vector<Command> BucketCommands() {
  return {
      {"bucket list",
       "",
       "list every bucket with its owner, usage and quota",
       "",
       "bale admin bucket list",
       0,
       {},
       List},
      {"bucket info",
       "BUCKET",
       "show a bucket: owner, creation time, usage and quota",
       "",
       "bale admin bucket info photos",
       1,
       {},
       Info},
      {"bucket quota get",
       "BUCKET",
       "show a bucket's quota",
       "A limit of 'none' means there is none.",
       "bale admin bucket quota get photos",
       1,
       {},
       QuotaGet},
      {"bucket quota set",
       "BUCKET [--max-size SIZE|none] [--max-objects N|none]",
       "set a bucket's quota",
       "Give at least one flag; a limit not given keeps its current value. 'none' or 0\n"
       "removes a limit. Limits are below 2^63; a bad value is refused before anything\n"
       "is sent. A limit below the current usage is accepted: the bucket then refuses\n"
       "to grow (403 QuotaExceeded) until objects are deleted.",
       "bale admin bucket quota set photos --max-size 10GiB --max-objects 1000000",
       1,
       {"max-size", "max-objects"},
       QuotaSet},
      {"bucket quota clear",
       "BUCKET",
       "remove both limits of a bucket's quota",
       "",
       "bale admin bucket quota clear photos",
       1,
       {},
       QuotaClear},
      {"bucket usage",
       "BUCKET [--recount]",
       "show a bucket's object count and total size",
       "With --recount the server walks every object of the bucket, replaces the counters\n"
       "with what it found and reports what they said before: 'exact' when they agreed.",
       "bale admin bucket usage photos --recount",
       1,
       {"recount"},
       Usage},
      {"bucket chown",
       "BUCKET USER",
       "give a bucket to another user",
       "",
       "bale admin bucket chown photos alice",
       2,
       {},
       Chown},
  };
}

}  // namespace bale::admin
