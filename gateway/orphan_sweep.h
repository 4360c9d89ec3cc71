// OrphanSweeper: gives back the space of needles that no metadata record
// names. Deletes and overwrites free their needles as they go, but some
// escape: a needle written by a request that died before its record was
// committed (kill -9, power loss), a release whose tombstone was still
// queued when the process died (Volume::Release does not wait), a release
// refused by a volume read-only after an I/O error, the parts of uploads left
// open when their bucket was deleted (S3 allows it, and the upload reaper
// only visits live buckets). Nothing else would ever count their bytes as
// garbage, so compaction would never take them back.
//
// A pass, for each group of writable, uncoded volumes: note the time T,
// collect every chunk of the group's volumes that a part or object record
// names (MetadataStore::ForEachReferencedChunk), then in each of the volumes
// free the live needles that are not named and were issued before T − grace
// (their key says when: NeedleKeyMicros). The compaction worker then reclaims
// their bytes. A group is as many volumes as keep the collected keys within
// OrphanSweepOptions::scan_memory: memory stays bounded however many objects
// the store holds, at the price of one metadata scan per group.
//
// Then the pass deletes the metadata rows left under the ids of deleted
// buckets: open uploads' rows (S3 deletes a bucket with open uploads) and any
// object a write racing the deletion committed. No record there names a
// needle the sweep keeps (a deleted bucket's rows are not references), so the
// sweep freed their needles already, or will once they pass the grace.
//
// Why a record can never lose its needles: the scan sees every record
// committed before T. A record committed after T names needles issued after
// T − grace/2, because a write whose needles are older than grace/2 by its
// commit is refused (CheckNeedlesFresh, RequestTimeout) and its needles freed.
// So every needle a pass frees was named by no record at T and will be named
// by none later. Coded volumes are left alone (they are not compacted), and
// so are sealed ones (they take no tombstones).
//
// Runs where metadata and store share a process (`bale serve`).
//
// Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "backend/store/types.h"
#include "common/periodic.h"
#include "common/status.h"
#include "gateway/s3_service.h"
#include "meta/records.h"

namespace bale::s3 {

struct OrphanSweepOptions {
  std::chrono::seconds grace{24 * 3600};    // needles younger than this stay
  std::chrono::seconds interval{6 * 3600};  // between passes
  // Memory for the needle keys one metadata scan collects (8 bytes each).
  // Volumes whose live needles need more take further scans of the metadata.
  size_t scan_memory = 256 << 20;
};

struct OrphanSweepReport {
  uint64_t passes = 0;
  uint64_t volumes = 0;          // volumes swept
  uint64_t volumes_skipped = 0;  // sealed, coded, read-only or failed
  uint64_t metadata_scans = 0;   // scans of every record, one per group of volumes
  uint64_t needles = 0;          // live needles looked at
  uint64_t orphans = 0;          // of them freed
  uint64_t orphan_bytes = 0;     // their data bytes
  uint64_t deleted_bucket_rows = 0;  // metadata rows left under deleted buckets' ids, deleted

  OrphanSweepReport& operator+=(const OrphanSweepReport& o);
};

// The commit-time half of the rule above: OK when every chunk's needle was
// issued within grace/2 of now, or when grace is 0 (no sweep); otherwise frees
// them and returns S3's RequestTimeout (the request took too long to be
// committed safely).
Status CheckNeedlesFresh(const S3Backends& b, std::chrono::seconds grace,
                         const std::vector<meta::Chunk>& chunks);

class OrphanSweeper {
 public:
  OrphanSweeper(S3Backends backends, OrphanSweepOptions options);
  ~OrphanSweeper();  // Stop()

  void Start();
  void Stop();  // a pass under way stops before its next volume
  // One pass now, on the caller's thread; what it did. FAILED_PRECONDITION
  // with a grace of 0: it would free the needles of writes being committed.
  Result<OrphanSweepReport> RunOnce();
  OrphanSweepReport totals() const;  // every pass since construction

 private:
  std::vector<std::vector<VolumeStats>> Groups(std::vector<VolumeStats> volumes) const;
  Status SweepGroup(const std::vector<VolumeStats>& volumes, OrphanSweepReport* report);
  Status DeleteRowsOfDeletedBuckets(int64_t start, OrphanSweepReport* report);

  const S3Backends backends_;
  const OrphanSweepOptions options_;
  std::mutex run_mu_;  // one pass at a time
  mutable std::mutex mu_;
  OrphanSweepReport totals_;  // mu_
  PeriodicThread loop_;
};

}  // namespace bale::s3
