// PacedFile: a File seen by a background copy (compaction). Each ReadAt and
// WriteAt goes to the file in pieces of at most `piece` bytes, and between
// pieces the thread sleeps for a moment.
//
// Why: on this kind of machine (few cores, a kernel that lets the running
// task finish its slice before a woken one preempts it) a request thread woken
// on a CPU where a multi-MiB read or copy is under way waits for it, or for
// the next scheduler tick: 4-5 ms. Nice 19 and SCHED_IDLE do not help; a
// sched_yield() often gives the CPU straight back. A real sleep does: every
// piece (~100 us of copying) ends in a point where whoever waits gets the CPU.
// Measured in docs/benchmarks.md ("Compaction beside GETs").
//
// Thread-safety: as the wrapped File.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "common/file_system.h"

namespace bale {

class PacedFile final : public File {
 public:
  static constexpr size_t kDefaultPiece = 256 << 10;

  // `file` is not owned and must outlive this. `pause` runs between pieces;
  // by default a 1 us nanosleep (the timer slack makes it ~50 us).
  explicit PacedFile(File* file, size_t piece = kDefaultPiece,
                     std::function<void()> pause = SleepBriefly);

  Result<size_t> ReadAt(uint64_t offset, size_t n, char* buf) const override;
  Status WriteAt(uint64_t offset, std::string_view data) override;
  Status Sync() override { return file_->Sync(); }
  Status Truncate(uint64_t size) override { return file_->Truncate(size); }
  Result<uint64_t> Size() const override { return file_->Size(); }
  const std::string& path() const override { return file_->path(); }

  static void SleepBriefly();

 private:
  File* const file_;
  const size_t piece_;
  const std::function<void()> pause_;
};

}  // namespace bale
