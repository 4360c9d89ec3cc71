// bale admin status, volume ..., drive ...: the storage side of the server.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <boost/json/array.hpp>

#include "tools/admin/commands.h"
#include "tools/admin/json_text.h"
#include "tools/admin/progress_bar.h"
#include "tools/admin/table.h"
#include "tools/admin/value_parsing.h"

namespace bale::admin {
namespace json = boost::json;
namespace {

// How often `volume compact` asks how far the compaction is.
constexpr std::chrono::milliseconds kCompactionPollInterval{200};

std::string Percent(double fraction) {
  char text[16];
  std::snprintf(text, sizeof(text), "%.1f%%", fraction * 100);
  return text;
}

std::string CompactingText(const json::value& v) {
  if (!Bool(v, "compacting")) return "no";
  return "yes, " + Percent(Number(v, "compaction_progress"));
}

// "none, 3 copies", "encoding 4+2, 40.0%", "coded 4+2", "degraded 4+2, 5 of 6 shards good".
std::string CodingText(const json::value& v) {
  const std::string coding = Str(v, "coding");
  const json::value& ec = Field(v, "ec");
  const std::string scheme = ec.is_string() ? std::string(ec.get_string().c_str()) : "";
  if (coding == "none") {
    uint64_t copies = Uint(v, "replicas");
    return copies > 1 ? "none, " + std::to_string(copies) + " copies" : "none";
  }
  if (coding == "encoding") return "encoding " + scheme + ", " + Percent(Number(v, "coding_progress"));
  if (coding == "degraded") {
    uint64_t ok = Uint(v, "shards_ok");
    return "degraded " + scheme + ", " + std::to_string(ok) + " shards good";
  }
  return coding + " " + scheme;
}

std::string VolumeText(const json::value& v) {
  Fields f = {{"id", std::to_string(Uint(v, "id"))},
              {"drive", Str(v, "drive")},
              {"state", Str(v, "state")},
              {"size", BytesWithExact(Uint(v, "size_bytes"))},
              {"size limit", BytesWithExact(Uint(v, "size_limit"))},
              {"needles", std::to_string(Uint(v, "needles"))},
              {"live bytes", BytesWithExact(Uint(v, "live_bytes"))},
              {"garbage", Percent(Number(v, "garbage_ratio"))},
              {"coding", CodingText(v)},
              {"compacting", CompactingText(v)}};
  // Copies or shards on several drives: all of them (one drive is the line above).
  std::string drives;
  for (const json::value& d : Array(v, "drives"))
    drives += (drives.empty() ? "" : ", ") + std::string(d.is_string() ? d.get_string().c_str() : "");
  if (Array(v, "drives").size() > 1) f.emplace_back("drives", drives);
  if (!Str(v, "error").empty()) f.emplace_back("error", Str(v, "error"));
  return RenderFields(f);
}

std::string VolumeListText(const json::value& answer) {
  Table t({{"ID", Align::kRight},
           {"DRIVE"},
           {"STATE"},
           {"SIZE", Align::kRight},
           {"LIMIT", Align::kRight},
           {"NEEDLES", Align::kRight},
           {"LIVE", Align::kRight},
           {"GARBAGE", Align::kRight},
           {"CODING"},
           {"COMPACTING"},
           {"ERROR"}});
  for (const json::value& v : Array(answer, "volumes")) {
    t.AddRow({std::to_string(Uint(v, "id")), Str(v, "drive"), Str(v, "state"),
              HumanBytes(Uint(v, "size_bytes")), HumanBytes(Uint(v, "size_limit")),
              std::to_string(Uint(v, "needles")), HumanBytes(Uint(v, "live_bytes")),
              Percent(Number(v, "garbage_ratio")), CodingText(v), CompactingText(v),
              Str(v, "error")});
  }
  return t.Render();
}

std::string DriveTable(const json::array& drives) {
  Table t({{"PATH"},
           {"STATE"},
           {"VOLUMES", Align::kRight},
           {"BROKEN", Align::kRight},
           {"TOTAL", Align::kRight},
           {"FREE", Align::kRight}});
  for (const json::value& d : drives) {
    t.AddRow({Str(d, "path"), Str(d, "state"), std::to_string(Uint(d, "volumes")),
              std::to_string(Uint(d, "broken_volumes")), HumanBytes(Uint(d, "total_bytes")),
              HumanBytes(Uint(d, "free_bytes"))});
  }
  return t.Render();
}

std::string DriveListText(const json::value& answer) { return DriveTable(Array(answer, "drives")); }

std::string StatusText(const json::value& s) {
  const json::value& v = Field(s, "volumes");
  std::string out =
      RenderFields({{"healthy", YesNo(Bool(s, "healthy"))},
                    {"version", Str(s, "version")},
                    {"started", Str(s, "started")},
                    {"uptime", HumanDuration(Uint(s, "uptime_seconds"))},
                    {"volumes", std::to_string(Uint(v, "total")) + " total, " +
                                    std::to_string(Uint(v, "writable")) + " writable, " +
                                    std::to_string(Uint(v, "sealed")) + " sealed, " +
                                    std::to_string(Uint(v, "read_only")) + " read-only, " +
                                    std::to_string(Uint(v, "failed")) + " failed"},
                    {"compaction backlog", std::to_string(Uint(s, "compaction_backlog"))},
                    {"repair backlog", std::to_string(Uint(s, "repair_backlog"))}});
  const json::array& problems = Array(s, "problems");
  if (!problems.empty()) {
    out += "\nproblems:\n";
    for (const json::value& p : problems) {
      out += "  " + std::string(p.is_string() ? p.get_string().c_str() : "") + "\n";
    }
  }
  return out + "\ndrives:\n" + DriveTable(Array(s, "drives"));
}

std::string SweepText(const json::value& s) {
  return RenderFields({{"volumes swept", std::to_string(Uint(s, "volumes"))},
                       {"volumes skipped", std::to_string(Uint(s, "volumes_skipped"))},
                       {"metadata scans", std::to_string(Uint(s, "metadata_scans"))},
                       {"needles examined", std::to_string(Uint(s, "needles"))},
                       {"orphans freed", std::to_string(Uint(s, "orphans"))},
                       {"bytes freed", HumanBytes(Uint(s, "orphan_bytes"))},
                       {"dead bucket rows", std::to_string(Uint(s, "deleted_bucket_rows"))}});
}

Status SweepOrphans(CommandContext& ctx) {
  return CallAndShow(ctx, "POST", ApiPath({"orphans", "sweep"}), SweepText);
}

Status ServerStatus(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"status"}), StatusText);
}

Status ListVolumes(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"volumes"}), VolumeListText);
}

Status ListDrives(CommandContext& ctx) {
  return CallAndShow(ctx, "GET", ApiPath({"drives"}), DriveListText);
}

// volume info, seal and encode: one call on the volume named by the argument.
Status OnVolume(CommandContext& ctx, std::string_view method, std::string_view action) {
  ASSIGN_OR_RETURN(uint32_t id, ParseVolumeId(ctx.args[0]));
  const std::string name = std::to_string(id);
  std::string path =
      action.empty() ? ApiPath({"volumes", name}) : ApiPath({"volumes", name, action});
  return CallAndShow(ctx, method, path, VolumeText);
}

Status VolumeInfo(CommandContext& ctx) { return OnVolume(ctx, "GET", ""); }
Status SealVolume(CommandContext& ctx) { return OnVolume(ctx, "POST", "seal"); }
// The server compacts and encodes in the background; these wait for it, polling.
Status RunVolumeJob(CommandContext& ctx, std::string_view action, std::string_view doing,
                    bool (*running)(const json::value&), std::string_view progress_field) {
  ASSIGN_OR_RETURN(uint32_t id, ParseVolumeId(ctx.args[0]));
  const std::string name = std::to_string(id);
  ASSIGN_OR_RETURN(json::value volume,
                   ctx.client.Call("POST", ApiPath({"volumes", name, std::string(action)})));
  ProgressBar bar(ctx.err, isatty(STDERR_FILENO) == 1, std::string(doing) + " volume " + name);
  while (running(volume)) {
    bar.Show(Number(volume, progress_field));
    std::this_thread::sleep_for(kCompactionPollInterval);
    Result<json::value> now = ctx.client.Call("GET", ApiPath({"volumes", name}));
    if (!now.ok()) bar.Finish();
    RETURN_IF_ERROR(now.status());
    volume = std::move(*now);
  }
  bar.Show(1.0);
  bar.Finish();
  Show(ctx, volume, VolumeText);
  return Status::Ok();
}

Status CompactVolume(CommandContext& ctx) {
  return RunVolumeJob(
      ctx, "compact", "compacting", [](const json::value& v) { return Bool(v, "compacting"); },
      "compaction_progress");
}

Status EncodeVolume(CommandContext& ctx) {
  ASSIGN_OR_RETURN(uint32_t id, ParseVolumeId(ctx.args[0]));
  RETURN_IF_ERROR(RunVolumeJob(
      ctx, "encode", "encoding",
      [](const json::value& v) { return Str(v, "coding") == "encoding"; }, "coding_progress"));
  // The job ends coded, or failed (the server's log says why).
  ASSIGN_OR_RETURN(json::value after,
                   ctx.client.Call("GET", ApiPath({"volumes", std::to_string(id)})));
  if (Str(after, "coding") == "none")
    return InternalError("the server could not encode volume " + std::to_string(id) +
                         " (its log says why)");
  return Status::Ok();
}

}  // namespace

std::vector<Command> VolumeCommands() {
  return {
      {"status",
       "",
       "show the server's health, version, volume counts, backlogs and drives",
       "'healthy: no' comes with the problems that make it so: a failed or read-only\n"
       "volume, an unreadable drive, no writable volume left.",
       "bale admin status",
       0,
       {},
       ServerStatus},
      {"volume list",
       "",
       "list every volume with its state, size and garbage",
       "",
       "bale admin volume list",
       0,
       {},
       ListVolumes},
      {"volume info", "ID", "show one volume", "", "bale admin volume info 3", 1, {}, VolumeInfo},
      {"volume compact",
       "ID",
       "compact a volume and wait until it is done",
       "Rewrites the volume without its deleted needles. The server compacts in the\n"
       "background; this polls every 200 ms, draws a progress bar on stderr when stderr\n"
       "is a terminal, and prints the volume when the compaction is over.",
       "bale admin volume compact 3",
       1,
       {},
       CompactVolume},
      {"volume seal",
       "ID",
       "seal a volume: it takes no more writes",
       "",
       "bale admin volume seal 3",
       1,
       {},
       SealVolume},
      {"volume encode",
       "ID",
       "seal a volume and erasure-code it now, waiting until it is done",
       "Encodes the volume into K+M shards on K+M drives (the server's --ec scheme) and\n"
       "removes its copies. The server does this in the background by itself for full\n"
       "and idle volumes; this does it now, unthrottled, polling every 200 ms with a\n"
       "progress bar on stderr when stderr is a terminal. Fails when the server has no\n"
       "erasure scheme (one drive).",
       "bale admin volume encode 3",
       1,
       {},
       EncodeVolume},
      {"orphans sweep",
       "",
       "free the needles no object or part names, now",
       "Runs one pass of the server's orphan sweep (it also runs every --orphan-interval):\n"
       "needles older than --orphan-grace that no record names (left by a crash between\n"
       "writing data and committing its record, or a delete whose tombstone was lost) are\n"
       "freed, and the compaction worker then returns their space. The pass also deletes\n"
       "the metadata rows left under deleted buckets (their open uploads' rows, say).",
       "bale admin orphans sweep",
       0,
       {},
       SweepOrphans},
      {"drive list",
       "",
       "list the drives with their state, volumes and free space",
       "",
       "bale admin drive list",
       0,
       {},
       ListDrives},
  };
}

}  // namespace bale::admin
