// Private pieces shared by the volume_*.cc files. Not for use outside them.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backend/store/needle_format.h"
#include "backend/store/needle_index.h"
#include "backend/store/volume.h"
#include "common/fiber.h"
#include "common/file_system.h"

namespace bale {

// The files and index of one compaction revision of a volume.
struct Volume::Generation {
  std::unique_ptr<File> dat;
  std::unique_ptr<File> idx;
  std::unique_ptr<NeedleIndex> index;
  format::Superblock superblock;
};

// One caller of Write/WriteBatch/Delete in the group-commit queue. Shared
// between the caller and the leader, so that the leader can still notify it
// after the caller has seen "done" and returned.
struct Volume::PendingWrite {
  std::span<const NeedleWrite> needles;
  std::vector<NeedleWrite> owned;  // what `needles` points at when no writer waits (Release)
  bool tombstone = false;
  // Header and footer of each needle, encoded (CRC included) by the writer's
  // own thread before it queues; the leader only writes.
  std::vector<format::NeedleFrame> frames;
  uint64_t bytes = 0;  // on-disk length of all its needles
  Status status;       // written by the leader before `wake` is set
  bool in_fiber = false;  // queued from a fiber: never leads on its own thread
  bool lead = false;      // set before `wake`: a thread writer leads the next group
  fiber::Event wake;      // set once: done, or (`lead`) the group is this writer's to lead
};

std::string DatPath(const std::string& dir, VolumeId id);
std::string IdxPath(const std::string& dir, VolumeId id);
// Sum of NeedleLength over an index: the live bytes of a volume.
uint64_t LiveBytes(const NeedleIndex& index);

}  // namespace bale
