// Store: many volumes over one or more drive directories. Finds and opens
// every volume at start; a volume that fails to open is reported (with its
// error) and the others keep serving.
//
// Thread-safety: thread-safe.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "backend/store/types.h"
#include "backend/store/volume.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/status.h"

namespace bale {

struct StoreOptions {
  std::vector<std::string> drives;  // directories; created when missing
  VolumeOptions volume;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(FileSystem* fs, Clock* clock,
                                             const StoreOptions& options);

  // Creates volume `id` on the drive holding the fewest volumes.
  Status CreateVolume(VolumeId id);

  Status Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data);
  Result<std::string> Get(VolumeId vid, NeedleKey key, Cookie cookie);
  Result<NeedleMeta> Head(VolumeId vid, NeedleKey key, Cookie cookie);
  Status Delete(VolumeId vid, NeedleKey key, Cookie cookie);
  // Volume::Release: frees a needle without waiting for its tombstone's sync.
  Status Release(VolumeId vid, NeedleKey key, Cookie cookie);
  Status Seal(VolumeId vid);
  Status Compact(VolumeId vid, const ProgressFn& progress = {});

  // NOT_FOUND for an unknown volume; UNAVAILABLE for one that failed to open.
  Result<std::shared_ptr<Volume>> Find(VolumeId vid);
  // (volume, WritableRoom()) of every volume that opened, by id. Cheap: for
  // placing each write.
  std::vector<std::pair<VolumeId, uint64_t>> WritableRoom();
  // Every volume, sorted by id, failed ones included (ok=false).
  std::vector<VolumeStats> Stats();
  const std::vector<std::string>& drives() const { return options_.drives; }

 private:
  Store(FileSystem* fs, Clock* clock, StoreOptions options);
  Status LoadDrive(const std::string& drive);

  FileSystem* const fs_;
  Clock* const clock_;
  const StoreOptions options_;
  std::shared_mutex mu_;
  std::map<VolumeId, std::shared_ptr<Volume>> volumes_;
  std::map<VolumeId, VolumeStats> failed_;  // volumes that did not open
};

}  // namespace bale
