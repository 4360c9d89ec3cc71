// Store: many volumes over one or more drive directories. Finds and opens
// every volume at start; a volume that fails to open is reported (with its
// error) and the others keep serving.
//
// Redundancy on one machine (design §2, docs/architecture.md): a writable
// volume is kept as `replicas` copies on distinct drives, every write durable
// on all of them before it is acknowledged; with erasure coding configured,
// a sealed volume is encoded RS(k, m) into shards on k + m distinct drives
// (EcVolume) and its copies are removed. With replicas = m + 1, losing any m
// drives loses nothing, sealed or not.
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "backend/store/ec_build.h"
#include "backend/store/types.h"
#include "backend/store/volume.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/status.h"

namespace boost::asio {
class thread_pool;
}

namespace bale {

class EcVolume;
struct EcMaintenanceOptions;

struct ErasureOptions {
  int k = 0;  // 0: no erasure coding
  int m = 0;
  uint64_t block_size = ec::kDefaultBlockSize;
  uint64_t chunk_size = ec::kDefaultChunkSize;
};

struct StoreOptions {
  std::vector<std::string> drives;  // directories; created when missing
  VolumeOptions volume;
  int replicas = 1;  // copies of a writable volume, on distinct drives
  ErasureOptions ec;
};

// "4+2" -> {4, 2}; checks 1 ≤ k ≤ 32, 1 ≤ m ≤ 8.
Result<ErasureOptions> ParseErasureScheme(std::string_view text);
// The scheme bale serve uses when several drives are given and --ec is not:
// none for 1 drive, 1+1 for 2, (n-1)+1 for 3 to 5, 4+2 for 6 to 13, 10+4 from 14.
ErasureOptions DefaultErasureScheme(size_t drives);

class Store {
 public:
  // INVALID_ARGUMENT when the drives cannot hold `replicas` copies or k + m
  // shards on distinct drives.
  static Result<std::unique_ptr<Store>> Open(FileSystem* fs, Clock* clock,
                                             const StoreOptions& options);
  ~Store();

  // Creates volume `vid`: `replicas` copies on the drives holding the fewest volumes.
  Status CreateVolume(VolumeId id);

  // Durable on every copy before OK; a copy that fails leaves the volume
  // read-only (the caller retries on another volume).
  Status Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data);
  // From the first copy that has it, or from the shards.
  Result<std::string> Get(VolumeId vid, NeedleKey key, Cookie cookie);
  Result<NeedleMeta> Head(VolumeId vid, NeedleKey key, Cookie cookie);
  Status Delete(VolumeId vid, NeedleKey key, Cookie cookie);
  // Volume::Release: frees a needle without waiting for its tombstone's sync.
  Status Release(VolumeId vid, NeedleKey key, Cookie cookie);
  // The orphan sweep's two steps (gateway/orphan_sweep.h). The live needles
  // of volume `vid` (its first healthy copy), in no particular order;
  // FAILED_PRECONDITION for a coded volume.
  Result<std::vector<LiveNeedle>> LiveNeedles(VolumeId vid);
  // Frees needles of `vid` that no record names (Volume::ReleaseUnreferenced)
  // on every copy, then makes their tombstones durable. Keys no longer live
  // are skipped. FAILED_PRECONDITION for a sealed or coded volume.
  Status ReleaseUnreferenced(VolumeId vid, std::span<const NeedleKey> keys);
  Status Seal(VolumeId vid);
  Status Compact(VolumeId vid, const ProgressFn& progress = {});
  // Seals volume `vid` and encodes it RS(k, m) (ErasureOptions), resuming an
  // encoding a crash interrupted; then serves it from the shards and removes
  // its copies. OK at once for a volume already coded.
  Status Encode(VolumeId vid, const ec::BuildOptions& options = {});
  // Reads every shard of coded volume `vid` against its checksums; returns
  // the shards found bad. FAILED_PRECONDITION for a volume not coded.
  Result<std::vector<int>> Scrub(VolumeId vid, const EcMaintenanceOptions& options);
  // Rebuilds the bad shards of coded volume `vid` (EcVolume::Repair).
  Status Repair(VolumeId vid, const EcMaintenanceOptions& options);

  // Forgets volume `vid` and deletes its files if it holds no needle at all
  // (one that broke on its first write, say, on a full disk).
  // FAILED_PRECONDITION otherwise.
  Status RemoveEmptyVolume(VolumeId vid);

  // A copy of a volume that is not coded (the first healthy one). NOT_FOUND
  // for an unknown volume; UNAVAILABLE for one that failed to open;
  // FAILED_PRECONDITION for a coded one.
  Result<std::shared_ptr<Volume>> Find(VolumeId vid);
  // Whether volume `vid` is known (opened, failed to open, or coded).
  bool HasVolume(VolumeId vid);
  // Largest needle key of any volume (0 when empty).
  NeedleKey MaxNeedleKey();
  // (volume, room) of every volume that takes writes: room is 0 for a volume
  // sealed, read-only, coded, or short of copies. Cheap: for placing each write.
  std::vector<std::pair<VolumeId, uint64_t>> WritableRoom();
  // Every volume, sorted by id, failed ones included (ok=false).
  std::vector<VolumeStats> Stats();
  const std::vector<std::string>& drives() const { return options_.drives; }
  const StoreOptions& options() const { return options_; }

 private:
  struct Entry;
  Store(FileSystem* fs, Clock* clock, StoreOptions options);
  Status Load();
  Result<std::shared_ptr<Entry>> Lookup(VolumeId vid);
  VolumeStats StatsOf(VolumeId vid, const Entry& e);
  // Drives ordered by how many volume copies and shards they hold, fewest first.
  std::vector<std::string> DrivesByLoad();

  FileSystem* const fs_;
  Clock* const clock_;
  const StoreOptions options_;
  std::shared_mutex mu_;
  std::map<VolumeId, std::shared_ptr<Entry>> volumes_;
  std::map<VolumeId, VolumeStats> failed_;  // volumes that did not open
  // Writes to the copies after the first, when there are several: threads
  // kept for it, not one started per write.
  std::unique_ptr<boost::asio::thread_pool> copy_writers_;
};

}  // namespace bale
