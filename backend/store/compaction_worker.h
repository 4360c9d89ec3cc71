// CompactionWorker: gives deleted and overwritten bytes back as free space
// without anyone running a command. Every `interval` it looks at the store's
// volumes and compacts, one at a time, each whose garbage passes both
// thresholds, most garbage first. Compaction reads at most
// `max_bytes_per_second` (the throttle sleeps only in the copy pass, never
// while writers are blocked), so client latency holds while it runs.
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "backend/store/store.h"
#include "common/periodic.h"

namespace bale {

struct CompactionWorkerOptions {
  double min_garbage_ratio = 0.3;              // share of the .dat that is garbage
  uint64_t min_garbage_bytes = 16ull << 20;    // and at least this much of it
  std::chrono::milliseconds interval{10'000};  // between looks at the volumes
  uint64_t max_bytes_per_second = 64ull << 20; // 0: unthrottled
};

struct CompactionProgress {
  bool running = false;     // a compaction is under way
  VolumeId volume = 0;      // ... of this volume
  double fraction = 0;      // ... this far (0..1)
  uint64_t backlog = 0;     // volumes past the thresholds, the running one included
  uint64_t compactions = 0; // finished since start
  uint64_t failures = 0;
  uint64_t reclaimed_bytes = 0;  // .dat bytes given back since start
};

class CompactionWorker {
 public:
  CompactionWorker(Store* store, CompactionWorkerOptions options);
  ~CompactionWorker();  // Stop()
  CompactionWorker(const CompactionWorker&) = delete;
  CompactionWorker& operator=(const CompactionWorker&) = delete;

  // Starts the background thread.
  void Start();
  // Stops looking; a compaction under way finishes unthrottled first.
  void Stop();
  // One look now, on the caller's thread: compacts every volume past the
  // thresholds. Returns how many it compacted.
  int RunOnce();
  CompactionProgress progress() const;

 private:
  bool Eligible(const VolumeStats& v) const;
  void Compact(const VolumeStats& v);
  void Throttle(uint64_t done);

  Store* const store_;
  const CompactionWorkerOptions options_;
  mutable std::mutex mu_;
  CompactionProgress progress_;  // mu_
  std::chrono::steady_clock::time_point started_;  // of the running compaction
  std::atomic<bool> unthrottled_{false};
  PeriodicThread loop_;
};

}  // namespace bale
