// Volume: one Haystack physical volume: needles appended to <dir>/<vid>.dat,
// one index record per needle appended to <dir>/<vid>.idx, and an in-memory
// index (key -> offset, size) that makes a read one lookup and one pread.
// Byte layouts: docs/formats/volume.md.
//
// Durability: Write/WriteBatch/Delete return OK only after the needle bytes
// are fdatasync'ed (Release does not wait: see there). Concurrent writers are grouped behind one fdatasync
// (group commit). The .idx file is written behind and is never trusted past
// what the .dat proves: Open() rebuilds whatever it lacks from the .dat.
//
// Thread-safety: every method may be called from any thread concurrently.
// Reads never wait for a write's fdatasync; Compact() runs beside reads and
// writes and blocks them only for the final swap.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backend/store/types.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/status.h"

namespace bale {

struct VolumeOptions {
  // Writes that would make the .dat larger than this are refused
  // (RESOURCE_EXHAUSTED). At most 32 GiB: offsets are stored in 8-byte units
  // in a u32.
  uint64_t size_limit = 30ull << 30;
  // Needles with at least this many data bytes are written past the page
  // cache (File::WriteAtVDirect), all but the partial 4 KiB blocks at their
  // two ends: large objects are rarely read again at once, and copying them
  // into the page cache costs more CPU than the disk write (on the project's
  // VM, 1–2 ms a MiB for fresh pages). 0: every needle takes the page cache.
  uint64_t direct_write_min = 256 << 10;
};

// Reports compaction progress: bytes examined so far out of `total`.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

class Volume {
 public:
  // Creates a new, empty volume (fails with ALREADY_EXISTS if files exist).
  static Result<std::unique_ptr<Volume>> Create(FileSystem* fs, Clock* clock,
                                                const std::string& dir, VolumeId id,
                                                const VolumeOptions& options);
  // Opens and recovers an existing volume: loads the .idx, scans the .dat past
  // the last indexed needle, indexes orphans, truncates a torn tail. Refuses a
  // file that is not a Bale volume.
  static Result<std::unique_ptr<Volume>> Open(FileSystem* fs, Clock* clock, const std::string& dir,
                                              VolumeId id, const VolumeOptions& options);
  ~Volume();
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;

  // Appends one needle; an existing needle with the same key is replaced.
  Status Write(NeedleKey key, Cookie cookie, std::string_view data);
  // Appends several needles with one fdatasync; all succeed or all fail.
  Status WriteBatch(std::span<const NeedleWrite> needles);
  // Appends a tombstone. NOT_FOUND if the key is absent or the cookie differs.
  Status Delete(NeedleKey key, Cookie cookie);
  // Frees a needle nothing refers to any more (an overwritten object's old
  // data) without waiting: its tombstone rides with the next group's write,
  // or is written at once when no group is under way. It is durable only
  // once a later write, Seal, Compact or Flush has synced it; a crash before
  // that leaves the needle as unreferenced garbage, never a lost object.
  // NOT_FOUND as Delete; FAILED_PRECONDITION on a sealed volume.
  Status Release(NeedleKey key, Cookie cookie);
  // Release() by key alone, for the orphan sweep: it frees needles that no
  // metadata record names, so it has no cookie (the needle's own is used).
  // Never reachable from outside the process.
  Status ReleaseUnreferenced(NeedleKey key);
  // Writes the tombstones of Release() calls still waiting for a group.
  Status Flush();

  // The needle's data, after checking key, cookie and CRC. A wrong cookie is
  // NOT_FOUND; a CRC mismatch is DATA_LOSS naming the volume and offset.
  Result<std::string> Read(NeedleKey key, Cookie cookie) const;
  // Reads only the header (no CRC check of the data).
  Result<NeedleMeta> Stat(NeedleKey key, Cookie cookie) const;

  // Makes the volume read-only for good (persisted in the superblock).
  Status Seal();
  // Copies live needles byte-exact into a new file while reads and writes go
  // on, replays what arrived meanwhile, swaps, and bumps the revision.
  Status Compact(const ProgressFn& progress = {});

  VolumeStats Stats() const;
  // Bytes that writes may still append: 0 when sealed or read-only. Lock-free,
  // for placement on every write (Stats() waits behind an append's fsync).
  uint64_t WritableRoom() const;
  VolumeId id() const { return id_; }
  const std::string& dir() const { return dir_; }

  // What encoding a sealed volume reads: the compaction revision, the .dat's
  // path and size, and every live needle's location, sorted by key.
  struct Image {
    uint16_t revision = 0;
    std::string dat_path;
    uint64_t dat_size = 0;
    std::vector<NeedleLocation> needles;
  };
  Image Snapshot() const;

  // Visits every live needle's index entry (for probes and tests).
  void ForEachNeedle(const std::function<void(NeedleKey key, uint32_t size)>& fn) const;

 private:
  struct Generation;
  struct PendingWrite;
  class Loader;
  class Compactor;

  Volume(FileSystem* fs, Clock* clock, std::string dir, VolumeId id, VolumeOptions options);

  // The header of live needle `key`, checked against the index (not its cookie).
  Result<NeedleMeta> ReadHeader(NeedleKey key) const;

  // Encodes needles on the caller's thread, ready for the queue.
  std::shared_ptr<PendingWrite> Prepare(std::span<const NeedleWrite> needles, bool tombstone) const;
  Status Append(std::shared_ptr<PendingWrite> w);
  // Writes the group that `w` heads (w is the queue's front), hands the lead
  // to the next writer queued and wakes the group's writers (all but `w`
  // when `w` is a thread leading for itself).
  void Lead(const std::shared_ptr<PendingWrite>& w);
  // Lead(w) on a thread kept for fibers' groups: their pwrite and fdatasync
  // must not stop the thread that serves their connections.
  void LeadElsewhere(std::shared_ptr<PendingWrite> w);
  void WriteGroup(std::span<const std::shared_ptr<PendingWrite>> group);
  void MakeReadOnly(const Status& why) const;
  std::string Where(uint64_t offset) const;

  FileSystem* const fs_;
  Clock* const clock_;
  const std::string dir_;
  const VolumeId id_;
  const VolumeOptions options_;

  // The open files and index; replaced as a whole by compaction.
  mutable std::shared_mutex gen_mu_;
  std::shared_ptr<Generation> gen_;

  // Group commit queue (LevelDB's writer queue): the writer at the front leads.
  std::mutex queue_mu_;
  std::deque<std::shared_ptr<PendingWrite>> queue_;
  // Tombstones from Release(), taken by the next leader into its group (queue_mu_).
  std::vector<std::shared_ptr<PendingWrite>> released_;

  // Held by the leader during I/O and by compaction's final swap.
  mutable std::mutex append_mu_;
  uint64_t end_ = 0;         // .dat size: where the next needle goes (append_mu_)
  uint64_t idx_end_ = 0;     // .idx size (append_mu_)
  bool idx_broken_ = false;  // an .idx write failed: stop appending (append_mu_)

  std::atomic<uint64_t> live_bytes_{0};
  std::atomic<uint64_t> published_end_{0};   // end_, for lock-free readers
  mutable std::atomic<bool> broken_{false};  // read-only after an error (MakeReadOnly is const)
  std::atomic<bool> sealed_{false};
  mutable std::mutex state_mu_;
  mutable std::string read_only_reason_;  // non-empty: read-only after an error (state_mu_)

  std::mutex compact_mu_;  // one compaction at a time
  std::atomic<bool> compacting_{false};
  std::atomic<uint64_t> compact_done_{0};
  std::atomic<uint64_t> compact_total_{0};
  std::atomic<uint64_t> reclaimed_{0};  // dead-needle bytes dropped by compactions since open
};

}  // namespace bale
