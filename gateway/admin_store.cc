// Admin calls on the store: volumes, drives, the orphan sweep, and the server's status.
#include <sys/statvfs.h>

#include <algorithm>
#include <functional>
#include <map>

#include <boost/json.hpp>

#include "common/log.h"
#include "common/thread_priority.h"
#include "backend/store/compaction_worker.h"
#include "backend/store/erasure_worker.h"
#include "gateway/admin_internal.h"
#include "gateway/bale_version.h"
#include "gateway/orphan_sweep.h"
#include "gateway/s3_error.h"

namespace bale::s3::admin {
namespace {

constexpr double kCompactionBacklogRatio = 0.5;

std::string_view State(const VolumeStats& v) {
  if (!v.ok) return "failed";
  if (v.sealed) return "sealed";
  if (v.read_only) return "read-only";
  return "writable";
}

// `c` knows the compactions its calls started: one asked for is reported
// running before its thread has taken the volume.
// The same goes for encodings: one asked for is "encoding" at once.
json::object VolumeJson(Call& c, const VolumeStats& v) {
  std::string coding = v.coding;
  if (coding == "none" && c.jobs->Running(Jobs::kEncoding, v.id)) coding = "encoding";
  json::array drives;
  for (const auto& d : v.drives) drives.push_back(json::string(d));
  const ErasureOptions& ec = c.r.backends.store->options().ec;
  json::value scheme = nullptr;
  if (v.ec_k > 0)
    scheme = json::string(std::to_string(v.ec_k) + "+" + std::to_string(v.ec_m));
  else if (coding == "encoding")
    scheme = json::string(std::to_string(ec.k) + "+" + std::to_string(ec.m));
  return {{"id", v.id},
          {"drive", v.drive},
          {"drives", std::move(drives)},
          {"state", State(v)},
          {"size_bytes", v.file_bytes},
          {"size_limit", v.size_limit},
          {"needles", v.needles},
          {"live_bytes", v.live_bytes},
          {"garbage_ratio", v.garbage_ratio},
          {"coding", coding},
          {"coding_progress", v.coding_progress},
          {"ec", scheme},
          {"replicas", v.replicas},
          {"shards_ok", v.shards_ok},
          {"compacting", v.compacting || c.jobs->Running(Jobs::kCompaction, v.id)},
          {"compaction_progress", v.compaction_progress},
          {"error", v.error}};
}

bool OnDrive(const VolumeStats& v, const std::string& d) {
  if (v.drives.empty()) return v.drive == d;
  return std::find(v.drives.begin(), v.drives.end(), d) != v.drives.end();
}

json::array DrivesJson(const std::vector<std::string>& drives, const std::vector<VolumeStats>& all,
                       std::vector<std::string>* problems) {
  json::array out;
  for (const auto& d : drives) {
    uint64_t volumes = 0, broken = 0;
    for (const auto& v : all) {
      if (!OnDrive(v, d)) continue;
      ++volumes;
      if (!v.ok || (v.read_only && !v.sealed)) ++broken;
    }
    struct statvfs fs {};
    bool readable = ::statvfs(d.c_str(), &fs) == 0;
    if (!readable && problems) problems->push_back("drive " + d + " cannot be read");
    out.push_back(json::object{{"path", d},
                               {"state", readable ? (broken ? "degraded" : "ok") : "failed"},
                               {"volumes", volumes},
                               {"broken_volumes", broken},
                               {"total_bytes", readable ? uint64_t{fs.f_blocks} * fs.f_frsize : 0},
                               {"free_bytes", readable ? uint64_t{fs.f_bavail} * fs.f_frsize : 0}});
  }
  return out;
}

Result<VolumeStats> FindVolume(Call& c, const std::string& id_text) {
  uint64_t id = 0;
  bool digits = !id_text.empty() && id_text.size() <= 9;
  for (char ch : id_text) digits = digits && ch >= '0' && ch <= '9';
  if (digits) id = std::stoull(id_text);
  for (const auto& v : c.r.backends.store->Stats())
    if (digits && v.id == id) return v;
  return ErrorStatus("NoSuchVolume", "The specified volume does not exist: " + id_text);
}

// Runs `work` on volume `id` as a background job of `kind` (`what` names it
// in the log), and answers 202 with the volume.
Result<Reply> StartVolumeJob(Call& c, const VolumeStats& v, Jobs::Kind kind, const char* what,
                             std::function<Status(Store*, VolumeId)> work) {
  if (!v.ok)
    return ErrorStatus("InvalidRequest", "Volume " + std::to_string(v.id) + " failed to open.");
  c.jobs->Start(kind, v.id, [store = c.r.backends.store, id = v.id, who = c.r.user_id, what,
                             work = std::move(work)] {
    MakeThisThreadBackground();
    BALE_LOG(kInfo) << "volume " << id << ": " << what << " started by " << who;
    Status st = work(store, id);
    if (st.ok())
      BALE_LOG(kInfo) << "volume " << id << ": " << what << " done";
    else
      BALE_LOG(kError) << "volume " << id << ": " << what << " failed: " << st;
  });
  return Reply{202, VolumeJson(c, v)};
}

Result<Reply> Compact(Call& c, const VolumeStats& v) {
  return StartVolumeJob(c, v, Jobs::kCompaction, "compaction",
                        [](Store* store, VolumeId id) { return store->Compact(id); });
}

// Seals and encodes in the background, unthrottled: the operator asked.
Result<Reply> Encode(Call& c, const VolumeStats& v) {
  if (c.r.backends.store->options().ec.k == 0)
    return ErrorStatus("InvalidRequest",
                       "Erasure coding is not configured on this server (bale serve --ec K+M "
                       "with at least K+M drives).");
  if (v.ok && v.coding != "none") return Reply{200, VolumeJson(c, v)};  // coded, or being coded
  return StartVolumeJob(c, v, Jobs::kEncoding, "encoding",
                        [](Store* store, VolumeId id) { return store->Encode(id); });
}

Result<Reply> Volumes(Call& c) {
  const auto& p = c.path;
  if (p.size() == 1) {
    if (c.method != "GET") return MethodNotAllowed(c);
    json::array out;
    for (const auto& v : c.r.backends.store->Stats()) out.push_back(VolumeJson(c, v));
    return Reply{200, json::object{{"volumes", std::move(out)}}};
  }
  ASSIGN_OR_RETURN(VolumeStats v, FindVolume(c, p[1]));
  if (p.size() == 2) {
    if (c.method != "GET") return MethodNotAllowed(c);
    return Reply{200, VolumeJson(c, v)};
  }
  if (p.size() != 3) return NoSuchPath(c);
  if (c.method != "POST") return MethodNotAllowed(c);
  if (p[2] == "compact") return Compact(c, v);
  if (p[2] == "seal") {
    RETURN_IF_ERROR(c.r.backends.store->Seal(v.id));
    BALE_LOG(kInfo) << "volume " << v.id << " sealed by " << c.r.user_id;
    ASSIGN_OR_RETURN(v, FindVolume(c, p[1]));
    return Reply{200, VolumeJson(c, v)};
  }
  if (p[2] == "encode") return Encode(c, v);
  return NoSuchPath(c);
}

json::value CompactionJson(Call& c) {
  const CompactionWorker* w = c.r.backends.compactor;
  if (!w) return nullptr;  // no background worker in this process
  CompactionProgress p = w->progress();
  return json::object{{"running", p.running},
                      {"volume", p.running ? json::value(p.volume) : json::value(nullptr)},
                      {"progress", p.fraction},
                      {"compactions", p.compactions},
                      {"failures", p.failures},
                      {"reclaimed_bytes", p.reclaimed_bytes}};
}

// The erasure worker's own account: what it does now and what it has done.
json::value ErasureWorkerJson(Call& c) {
  const ErasureWorker* w = c.r.backends.erasure;
  if (!w || c.r.backends.store->options().ec.k == 0) return nullptr;
  ErasureProgress p = w->progress();
  return json::object{{"activity", p.activity},
                      {"volume", p.activity == "idle" ? json::value(nullptr) : json::value(p.volume)},
                      {"progress", p.fraction},
                      {"sealed", p.sealed},
                      {"encoded", p.encoded},
                      {"repaired", p.repaired},
                      {"scrubbed", p.scrubbed},
                      {"bad_shards_found", p.bad_shards_found},
                      {"failures", p.failures},
                      {"last_error", p.last_error}};
}

json::value SweepJson(const OrphanSweepReport& r) {
  return json::object{{"passes", r.passes},
                      {"volumes", r.volumes},
                      {"volumes_skipped", r.volumes_skipped},
                      {"metadata_scans", r.metadata_scans},
                      {"needles", r.needles},
                      {"orphans", r.orphans},
                      {"orphan_bytes", r.orphan_bytes},
                      {"deleted_bucket_rows", r.deleted_bucket_rows}};
}

// POST orphans/sweep: one pass now, answered with what it did.
Result<Reply> SweepOrphans(Call& c) {
  if (c.path.size() != 2 || c.path[1] != "sweep") return NoSuchPath(c);
  if (c.method != "POST") return MethodNotAllowed(c);
  if (!c.r.backends.sweeper)
    return ErrorStatus("InvalidRequest", "This server runs no orphan sweep (--orphan-grace 0).");
  ASSIGN_OR_RETURN(OrphanSweepReport report, c.r.backends.sweeper->RunOnce());
  BALE_LOG(kInfo) << "orphan sweep run by " << c.r.user_id << ": " << report.orphans
                  << " needle(s) freed, " << report.orphan_bytes << " bytes";
  return Reply{200, SweepJson(report)};
}

Result<Reply> ServerStatus(Call& c) {
  if (c.method != "GET") return MethodNotAllowed(c);
  std::vector<VolumeStats> all = c.r.backends.store->Stats();
  std::vector<std::string> problems;
  json::array drives = DrivesJson(c.r.backends.store->drives(), all, &problems);
  std::map<std::string, uint64_t> counts{
      {"total", 0}, {"writable", 0}, {"sealed", 0}, {"read_only", 0}, {"failed", 0}};
  uint64_t backlog = 0, repair_backlog = 0, encode_backlog = 0;
  const ErasureOptions& ec = c.r.backends.store->options().ec;
  json::array coding_now;
  for (const auto& v : all) {
    if (v.coding == "degraded") {
      ++repair_backlog;
      problems.push_back("volume " + std::to_string(v.id) + " is degraded (" +
                         std::to_string(v.shards_ok) + " of " + std::to_string(v.ec_k + v.ec_m) +
                         " shards good): " + v.error);
    }
    if (ec.k > 0 && v.ok && v.coding == "none" && v.sealed) ++encode_backlog;
    if (v.coding == "encoding" || (v.coding == "degraded" && v.coding_progress > 0))
      coding_now.push_back(json::object{{"volume", v.id},
                                        {"job", v.coding == "encoding" ? "encoding" : "repairing"},
                                        {"progress", v.coding_progress}});
    ++counts["total"];
    std::string_view state = State(v);
    if (state == "failed") {
      ++counts["failed"];
      problems.push_back("volume " + std::to_string(v.id) + " on " + v.drive +
                         " failed to open: " + v.error);
    } else if (state == "read-only" || (v.coding == "none" && !v.error.empty() && v.ok)) {
      ++counts["read_only"];
      problems.push_back("volume " + std::to_string(v.id) + " on " + v.drive +
                         " is read-only: " + v.error);
    } else {
      ++counts[std::string(state)];
    }
    if (v.ok && v.garbage_ratio >= kCompactionBacklogRatio) ++backlog;
  }
  json::object volumes;
  for (const auto& [k, n] : counts) volumes[k] = n;
  int64_t now = c.r.backends.clock->NowMicros();
  json::array problem_list;
  for (auto& p : problems) problem_list.push_back(json::string(p));
  return Reply{200, json::object{{"healthy", problems.empty()},
                                 {"problems", std::move(problem_list)},
                                 {"version", kBaleVersion},
                                 {"uptime_seconds", (now - c.started_micros) / 1'000'000},
                                 {"started", Rfc3339(c.started_micros)},
                                 {"drives", std::move(drives)},
                                 {"volumes", std::move(volumes)},
                                 {"compaction_backlog", backlog},
                                 {"compaction", CompactionJson(c)},
                                 {"orphan_sweep", c.r.backends.sweeper
                                                      ? SweepJson(c.r.backends.sweeper->totals())
                                                      : json::value(nullptr)},
                                 {"repair_backlog", repair_backlog},
                                 {"erasure",
                                  json::object{
                                      {"scheme", ec.k > 0 ? json::value(json::string(
                                                                std::to_string(ec.k) + "+" +
                                                                std::to_string(ec.m)))
                                                          : json::value(nullptr)},
                                      {"copies", c.r.backends.store->options().replicas},
                                      {"encode_backlog", encode_backlog},
                                      {"running", std::move(coding_now)},
                                      {"worker", ErasureWorkerJson(c)}}}}};
}

}  // namespace

Result<Reply> ServeStore(Call& c) {
  if (c.path[0] == "volumes") return Volumes(c);
  if (c.path[0] == "orphans") return SweepOrphans(c);
  if (c.path.size() != 1) return NoSuchPath(c);
  if (c.path[0] == "status") return ServerStatus(c);
  if (c.method != "GET") return MethodNotAllowed(c);
  std::vector<VolumeStats> all = c.r.backends.store->Stats();
  return Reply{200, json::object{{"drives", DrivesJson(c.r.backends.store->drives(), all, nullptr)}}};
}

}  // namespace bale::s3::admin
