#include "gateway/orphan_sweep.h"

#include <algorithm>
#include <unordered_map>

#include "backend/directory/directory.h"
#include "common/log.h"
#include "gateway/s3_error.h"
#include "gateway/s3_request.h"

namespace bale::s3 {
namespace {

int64_t Micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

}  // namespace

Status CheckNeedlesFresh(const S3Backends& b, std::chrono::seconds grace,
                         const std::vector<meta::Chunk>& chunks) {
  if (grace.count() == 0) return Status::Ok();
  const int64_t oldest_allowed = b.clock->NowMicros() - Micros(grace) / 2;
  for (const meta::Chunk& c : chunks) {
    if (NeedleKeyMicros(c.needle_key) >= oldest_allowed) continue;
    ReleaseChunks(b, chunks);
    BALE_LOG(kWarning) << "refused to commit a write whose data was written more than "
                       << grace.count() / 2 << " s ago (needle " << c.needle_key << ")";
    return ErrorStatus("RequestTimeout",
                       "Your socket connection to the server was not read from or written to "
                       "within the timeout period. Idle connections will be closed.");
  }
  return Status::Ok();
}

OrphanSweepReport& OrphanSweepReport::operator+=(const OrphanSweepReport& o) {
  passes += o.passes;
  volumes += o.volumes;
  volumes_skipped += o.volumes_skipped;
  metadata_scans += o.metadata_scans;
  needles += o.needles;
  orphans += o.orphans;
  orphan_bytes += o.orphan_bytes;
  deleted_bucket_rows += o.deleted_bucket_rows;
  return *this;
}

OrphanSweeper::OrphanSweeper(S3Backends backends, OrphanSweepOptions options)
    : backends_(backends), options_(options) {}

OrphanSweeper::~OrphanSweeper() { Stop(); }

// The first pass waits an interval: a scan of every record at start-up would
// only compete with it, and needles the last run left are no older than the
// grace by then anyway (unless the process was down for long, when a later
// pass finds them just the same).
void OrphanSweeper::Start() {
  loop_.Start(
      options_.interval,
      [this] {
        auto report = RunOnce();
        if (!report.ok()) BALE_LOG(kWarning) << "orphan sweep: " << report.status();
      },
      /*background=*/true, /*wait_first=*/true);
}

void OrphanSweeper::Stop() { loop_.Stop(); }

// Volumes go in groups whose named needle keys fit options_.scan_memory (8
// bytes a key; a volume's live needles bound how many records name it), and
// each group takes one scan of the metadata. A store of a few million
// objects is one group; one of billions is several scans, never billions of
// keys in memory at once.
std::vector<std::vector<VolumeStats>> OrphanSweeper::Groups(
    std::vector<VolumeStats> volumes) const {
  const uint64_t keys_per_scan = std::max<uint64_t>(1, options_.scan_memory / sizeof(NeedleKey));
  std::vector<std::vector<VolumeStats>> groups;
  uint64_t keys = 0;
  for (VolumeStats& v : volumes) {
    if (groups.empty() || (keys > 0 && keys + v.needles > keys_per_scan)) {
      groups.emplace_back();
      keys = 0;
    }
    keys += v.needles;
    groups.back().push_back(std::move(v));
  }
  return groups;
}

Result<OrphanSweepReport> OrphanSweeper::RunOnce() {
  // Without a grace a pass would free the needles of writes not yet committed.
  if (options_.grace.count() <= 0)
    return FailedPreconditionError("the orphan sweep needs a grace above 0 (--orphan-grace)");
  std::lock_guard run(run_mu_);
  const int64_t start = backends_.clock->NowMicros();
  OrphanSweepReport report;
  report.passes = 1;
  std::vector<VolumeStats> sweepable;
  for (VolumeStats& v : backends_.store->Stats()) {
    if (v.ok && v.coding == "none" && !v.read_only)
      sweepable.push_back(std::move(v));
    else
      report.volumes_skipped++;
  }
  const std::vector<std::vector<VolumeStats>> groups = Groups(std::move(sweepable));
  Status st;
  for (size_t g = 0; g < groups.size() && st.ok() && !loop_.stopping(); ++g) {
    if (groups.size() > 1)
      BALE_LOG(kInfo) << "orphan sweep: metadata scan " << g + 1 << " of " << groups.size()
                      << ", for " << groups[g].size() << " volume(s)";
    st = SweepGroup(groups[g], &report);
  }
  if (st.ok() && !loop_.stopping()) st = DeleteRowsOfDeletedBuckets(start, &report);
  std::lock_guard lk(mu_);
  totals_ += report;  // what the groups before a failure freed counts too
  if (!st.ok()) return st;
  return report;
}

// A write of data commits at most grace/2 after its needles, which it wrote
// before reading its bucket; so a grace after a bucket's deletion no such
// write can land under its id, and the marker may go once its rows are gone.
// (A CreateMultipartUpload racing the deletion writes no needle and commits
// right after its read; were one stalled past the grace, what it left would
// be an unreachable row naming no needle.)
Status OrphanSweeper::DeleteRowsOfDeletedBuckets(int64_t start, OrphanSweepReport* report) {
  ASSIGN_OR_RETURN(meta::DeletedBucketCleanup done,
                   backends_.meta->DeleteRowsOfDeletedBuckets(start - Micros(options_.grace)));
  report->deleted_bucket_rows += done.rows;
  if (done.rows > 0)
    BALE_LOG(kInfo) << "orphan sweep: deleted " << done.rows << " row(s) left under the ids of "
                    << done.buckets << " deleted bucket(s)";
  return Status::Ok();
}

Status OrphanSweeper::SweepGroup(const std::vector<VolumeStats>& volumes,
                                 OrphanSweepReport* report) {
  const int64_t cutoff = backends_.clock->NowMicros() - Micros(options_.grace);
  // The group's named needle keys by volume, sorted for binary search.
  std::unordered_map<VolumeId, std::vector<NeedleKey>> named;
  for (const VolumeStats& v : volumes) named[v.id].reserve(v.needles);
  RETURN_IF_ERROR(backends_.meta->ForEachReferencedChunk([&](const meta::Chunk& c) {
    if (auto it = named.find(c.volume_id); it != named.end()) it->second.push_back(c.needle_key);
  }));
  report->metadata_scans++;
  for (auto& [vid, keys] : named) std::sort(keys.begin(), keys.end());

  for (const VolumeStats& v : volumes) {
    if (loop_.stopping()) break;
    auto live = backends_.store->LiveNeedles(v.id);
    if (!live.ok()) {  // coded or failed since Stats()
      report->volumes_skipped++;
      continue;
    }
    const std::vector<NeedleKey>& keys = named[v.id];
    std::vector<NeedleKey> orphans;
    uint64_t bytes = 0;
    for (const LiveNeedle& n : *live) {
      if (NeedleKeyMicros(n.key) >= cutoff) continue;
      if (std::binary_search(keys.begin(), keys.end(), n.key)) continue;
      orphans.push_back(n.key);
      bytes += n.size;
    }
    report->volumes++;
    report->needles += live->size();
    if (orphans.empty()) continue;
    Status st = backends_.store->ReleaseUnreferenced(v.id, orphans);
    if (!st.ok()) {
      BALE_LOG(kWarning) << "orphan sweep: volume " << v.id << ": " << st;
      continue;
    }
    report->orphans += orphans.size();
    report->orphan_bytes += bytes;
    BALE_LOG(kInfo) << "orphan sweep: volume " << v.id << ": freed " << orphans.size()
                    << " needle(s), " << bytes << " bytes, that no record names";
  }
  return Status::Ok();
}

OrphanSweepReport OrphanSweeper::totals() const {
  std::lock_guard lk(mu_);
  return totals_;
}

}  // namespace bale::s3
