#include "gateway/orphan_sweep.h"

#include <algorithm>
#include <map>

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
  needles += o.needles;
  orphans += o.orphans;
  orphan_bytes += o.orphan_bytes;
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

Result<OrphanSweepReport> OrphanSweeper::RunOnce() {
  std::lock_guard run(run_mu_);
  const int64_t cutoff = backends_.clock->NowMicros() - Micros(options_.grace);
  // Every volume's named needle keys, sorted for binary search.
  std::map<VolumeId, std::vector<NeedleKey>> named;
  RETURN_IF_ERROR(backends_.meta->ForEachReferencedChunk(
      [&](const meta::Chunk& c) { named[c.volume_id].push_back(c.needle_key); }));
  for (auto& [vid, keys] : named) std::sort(keys.begin(), keys.end());

  OrphanSweepReport report;
  report.passes = 1;
  for (const VolumeStats& v : backends_.store->Stats()) {
    if (loop_.stopping()) break;
    if (!v.ok || v.coding != "none" || v.read_only) {
      report.volumes_skipped++;
      continue;
    }
    auto live = backends_.store->LiveNeedles(v.id);
    if (!live.ok()) {  // coded or failed since Stats()
      report.volumes_skipped++;
      continue;
    }
    static const std::vector<NeedleKey> kNone;
    auto it = named.find(v.id);
    const std::vector<NeedleKey>& keys = it == named.end() ? kNone : it->second;
    std::vector<NeedleKey> orphans;
    uint64_t bytes = 0;
    for (const LiveNeedle& n : *live) {
      if (NeedleKeyMicros(n.key) >= cutoff) continue;
      if (std::binary_search(keys.begin(), keys.end(), n.key)) continue;
      orphans.push_back(n.key);
      bytes += n.size;
    }
    report.volumes++;
    report.needles += live->size();
    if (orphans.empty()) continue;
    Status st = backends_.store->ReleaseUnreferenced(v.id, orphans);
    if (!st.ok()) {
      BALE_LOG(kWarning) << "orphan sweep: volume " << v.id << ": " << st;
      continue;
    }
    report.orphans += orphans.size();
    report.orphan_bytes += bytes;
    BALE_LOG(kInfo) << "orphan sweep: volume " << v.id << ": freed " << orphans.size()
                    << " needle(s), " << bytes << " bytes, that no record names";
  }
  std::lock_guard lk(mu_);
  totals_ += report;
  return report;
}

OrphanSweepReport OrphanSweeper::totals() const {
  std::lock_guard lk(mu_);
  return totals_;
}

}  // namespace bale::s3
