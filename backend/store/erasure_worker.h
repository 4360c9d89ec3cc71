// ErasureWorker: keeps every volume as redundant as the configured scheme
// says, without anyone running a command (design §2 "sealing + erasure
// coding", f4). Every `interval` it:
//   1. seals writable volumes that are full, idle for `seal_idle`, or short of
//      copies (a drive holding one is gone);
//   2. encodes sealed volumes RS(k, m), one at a time, throttled;
//   3. repairs coded volumes with missing or corrupt shards;
//   4. every `scrub_interval`, reads every shard of every coded volume against
//      its checksums (throttled) and repairs what it finds.
// Work interrupted by Stop() or a crash resumes on the next pass.
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "backend/store/store.h"
#include "common/periodic.h"

namespace bale {

struct ErasureWorkerOptions {
  std::chrono::milliseconds interval{10'000};
  std::chrono::seconds seal_idle{24 * 3600};  // 0: seal only full volumes
  uint64_t full_room = 1 << 20;  // a volume with less room than this is full
  uint64_t encode_bytes_per_second = 64ull << 20;  // shard bytes written; 0: unthrottled
  uint64_t scrub_bytes_per_second = 32ull << 20;   // 0: unthrottled
  std::chrono::seconds scrub_interval{7 * 24 * 3600};  // 0: never
};

struct ErasureProgress {
  std::string activity = "idle";  // "idle", "encoding", "repairing", "scrubbing"
  VolumeId volume = 0;            // ... this volume
  double fraction = 0;            // ... this far (0..1)
  uint64_t encode_backlog = 0;    // sealed volumes not yet coded
  uint64_t repair_backlog = 0;    // coded volumes with bad shards
  uint64_t sealed = 0;            // volumes sealed by the worker since start
  uint64_t encoded = 0;           // volumes encoded since start
  uint64_t repaired = 0;          // volumes repaired since start
  uint64_t scrubbed = 0;          // volumes scrubbed since start
  uint64_t bad_shards_found = 0;  // by scrubs since start
  uint64_t failures = 0;
  std::string last_error;
};

class ErasureWorker {
 public:
  ErasureWorker(Store* store, ErasureWorkerOptions options);
  ~ErasureWorker();  // Stop()
  ErasureWorker(const ErasureWorker&) = delete;
  ErasureWorker& operator=(const ErasureWorker&) = delete;

  void Start();
  // Stops; an encoding or repair under way stops at its next row and resumes later.
  void Stop();
  // One pass now, on the caller's thread.
  void RunOnce();
  // Asks the background thread for a pass now (after an admin request, say).
  void Wake();
  ErasureProgress progress() const;

 private:
  void SealWhatIsDue(const std::vector<VolumeStats>& all);
  // Runs `job` on `vid`, its progress shown as `activity`; a failure is
  // counted and logged. True when it succeeded.
  bool Run(const char* activity, VolumeId vid, const std::function<Status(const ProgressFn&)>& job);
  // Repairs coded volume `vid` and counts it.
  bool Repair(VolumeId vid);
  void Note(const std::string& activity, VolumeId vid, double fraction);
  void Failed(const Status& st);

  Store* const store_;
  const ErasureWorkerOptions options_;
  mutable std::mutex mu_;
  ErasureProgress progress_;     // mu_
  std::atomic<bool> stop_{false};
  // Idle tracking: a volume's size when last seen, and since when it is that size.
  std::map<VolumeId, std::pair<uint64_t, std::chrono::steady_clock::time_point>> sizes_;
  std::chrono::steady_clock::time_point last_scrub_;
  PeriodicThread loop_;
};

}  // namespace bale
