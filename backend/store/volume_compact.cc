// Online compaction.
//   1. Note the .dat end E. Copy every live needle in [8, E) byte-exact into
//      <vid>.dat.compact (reads and writes go on against the old file). Both
//      files are read and written through PacedFile: in 256 KiB pieces with a
//      brief sleep between them, so that request threads do not wait behind
//      the copy for a CPU (common/paced_file.h).
//   2. Replay what writers appended after E (needles and tombstones), a few
//      rounds without blocking writers.
//   3. Block appends, replay the last few needles, write the new .idx, make
//      both durable, rename them over the old files, swap the in-memory
//      generation, bump the compaction revision, unblock.
// A crash before the .dat rename leaves the old volume whole (the .compact
// files are removed at the next start); a crash between the two renames
// leaves an .idx of the old revision, which Open() detects and rebuilds.
#include "backend/store/needle_scanner.h"
#include "backend/store/volume_internal.h"
#include "common/log.h"
#include "common/paced_file.h"

namespace bale {
namespace {

constexpr uint64_t kFlushBytes = 4 << 20;
constexpr uint64_t kFinalReplayBytes = 1 << 20;  // replay under the lock below this
constexpr int kMaxUnlockedRounds = 4;
constexpr uint64_t kSyncEveryBytes = 32 << 20;

}  // namespace

class Volume::Compactor {
 public:
  Compactor(Volume* v, const ProgressFn& progress) : v_(v), progress_(progress) {}

  ~Compactor() {
    if (!committed_) {  // leave no half-built files behind
      out_.reset();
      v_->fs_->Remove(tmp_dat_).IgnoreError();
      v_->fs_->Remove(tmp_idx_).IgnoreError();
    }
  }

  Status Run() {
    {
      std::lock_guard alk(v_->append_mu_);
      old_ = v_->gen_;
      copied_to_ = v_->end_;
    }
    tmp_dat_ = DatPath(v_->dir_, v_->id_) + ".compact";
    tmp_idx_ = IdxPath(v_->dir_, v_->id_) + ".compact";
    ASSIGN_OR_RETURN(out_, v_->fs_->Open(tmp_dat_, OpenMode::kCreateReadWrite));
    RETURN_IF_ERROR(out_->Truncate(0));
    format::Superblock sb = old_->superblock;
    sb.revision = static_cast<uint16_t>(sb.revision + 1);
    buf_ = format::EncodeSuperblock(sb);
    v_->compact_total_ = copied_to_;

    RETURN_IF_ERROR(Copy(format::kSuperblockSize, copied_to_, /*replay=*/false));
    for (int round = 0; round < kMaxUnlockedRounds; round++) {
      uint64_t end;
      {
        std::lock_guard alk(v_->append_mu_);
        end = v_->end_;
      }
      if (end - copied_to_ < kFinalReplayBytes) break;
      RETURN_IF_ERROR(Copy(copied_to_, end, /*replay=*/true));
      copied_to_ = end;
    }
    RETURN_IF_ERROR(out_->Sync());  // most of it, before writers are held back
    unlocked_ = false;
    std::lock_guard alk(v_->append_mu_);
    RETURN_IF_ERROR(Copy(copied_to_, v_->end_, /*replay=*/true));
    return Commit(sb);
  }

  uint64_t dropped() const { return dropped_; }

 private:
  // Copies needles of the old .dat in [from, to). Outside replay only those
  // the index still points at; in replay every one, tombstones included.
  Status Copy(uint64_t from, uint64_t to, bool replay) {
    const PacedFile in = Paced(old_->dat.get());
    NeedleScanner scan(&in, from, to);
    // Outside replay the dead are passed over unread: only live bytes are read.
    auto dead = [&](const format::NeedleHeader& h, uint64_t offset) {
      if (replay) return false;
      auto e = old_->index->Get(h.key);
      return h.tombstone() || !e || uint64_t{e->offset_units} * format::kAlignment != offset;
    };
    while (scan.Next(dead)) {
      const auto& h = scan.header();
      if (!replay) {
        v_->compact_done_ = scan.position();
        if (progress_) progress_(scan.position(), v_->compact_total_);
        if (scan.bytes().empty()) {  // passed over: dead
          dropped_ += scan.position() - scan.offset();
          continue;
        }
      }
      uint64_t at = written_ + buf_.size();
      uint32_t units = static_cast<uint32_t>(at / format::kAlignment);
      builder_.Add(IndexEntry{h.key, h.tombstone() ? 0u : units, h.size});
      format::AppendIdxRecord(
          format::IdxRecord{h.key, units, h.tombstone() ? format::kIdxTombstoneSize : h.size},
          &idx_);
      buf_.append(scan.bytes());
      if (buf_.size() >= kFlushBytes) RETURN_IF_ERROR(Flush());
    }
    if (!scan.status().ok())
      return scan.status().WithContext("compacting volume " + std::to_string(v_->id_));
    if (scan.bad())
      return DataLossError(v_->Where(scan.position()) + ": " + scan.why() +
                           "; compaction stopped, the volume is unchanged (repair it first)");
    return Flush();
  }

  // Syncs as it goes while writers run beside it, so that neither the final
  // sync (under the append lock) nor the kernel's writeback comes in one burst.
  Status Flush() {
    RETURN_IF_ERROR(Paced(out_.get()).WriteAt(written_, buf_));
    written_ += buf_.size();
    buf_.clear();
    if (unlocked_ && written_ - synced_ >= kSyncEveryBytes) {
      RETURN_IF_ERROR(out_->Sync());
      synced_ = written_;
    }
    return Status::Ok();
  }

  // `f` as the copy uses it: in pieces, with a brief sleep between them while
  // writers run beside it; the sleeps stop once they wait on it (the final
  // replay, under append_mu_).
  PacedFile Paced(File* f) const {
    return PacedFile(f, PacedFile::kDefaultPiece, [unlocked = unlocked_] {
      if (unlocked) PacedFile::SleepBriefly();
    });
  }

  // Called with append_mu_ held.
  Status Commit(const format::Superblock& sb) {
    RETURN_IF_ERROR(out_->Sync());
    ASSIGN_OR_RETURN(auto idx_file, v_->fs_->Open(tmp_idx_, OpenMode::kCreateReadWrite));
    std::string idx = format::EncodeIdxHeader(sb.revision) + idx_;
    RETURN_IF_ERROR(idx_file->Truncate(0));
    RETURN_IF_ERROR(idx_file->WriteAt(0, idx));
    RETURN_IF_ERROR(idx_file->Sync());
    const std::string dat_path = DatPath(v_->dir_, v_->id_);
    const std::string idx_path = IdxPath(v_->dir_, v_->id_);
    RETURN_IF_ERROR(v_->fs_->Rename(tmp_dat_, dat_path));  // the commit point
    committed_ = true;
    Status st = v_->fs_->Rename(tmp_idx_, idx_path);
    if (st.ok()) st = v_->fs_->SyncDir(v_->dir_);

    auto g = std::make_shared<Generation>();
    g->dat = std::move(out_);
    g->superblock = sb;
    g->index = builder_.Finish();
    if (st.ok()) {
      g->idx = std::move(idx_file);
    } else {
      BALE_LOG(kWarning) << "volume " << v_->id_ << ": " << st
                         << "; the index is rebuilt at the next open";
      g->idx = std::move(old_->idx);
    }
    v_->live_bytes_ = LiveBytes(*g->index);
    v_->end_ = written_;
    v_->published_end_ = v_->end_;
    v_->idx_end_ = idx.size();
    v_->idx_broken_ = !st.ok();
    std::unique_lock gl(v_->gen_mu_);
    v_->gen_ = std::move(g);
    return Status::Ok();
  }

  Volume* v_;
  const ProgressFn& progress_;
  std::shared_ptr<Generation> old_;
  uint64_t copied_to_ = 0;
  std::string tmp_dat_, tmp_idx_;
  std::unique_ptr<File> out_;
  std::string buf_;
  std::string idx_;
  uint64_t written_ = 0;
  uint64_t synced_ = 0;   // written_ at the last sync
  bool unlocked_ = true;  // writers are not held back: syncing is cheap for them
  uint64_t dropped_ = 0;
  NeedleIndex::Builder builder_;
  bool committed_ = false;
};

Status Volume::Compact(const ProgressFn& progress) {
  std::lock_guard cl(compact_mu_);
  {
    std::lock_guard lk(state_mu_);
    if (!read_only_reason_.empty())
      return FailedPreconditionError(
          "volume " + std::to_string(id_) +
          " is read-only after an error, not compacting: " + read_only_reason_);
  }
  RETURN_IF_ERROR(Flush());  // released needles are garbage too
  VolumeStats before = Stats();
  compact_done_ = 0;
  compacting_ = true;
  Status st;
  uint64_t dropped = 0;
  {
    Compactor c(this, progress);
    st = c.Run();
    dropped = c.dropped();
  }
  compacting_ = false;
  if (!st.ok()) {
    BALE_LOG(kError) << "volume " << id_ << ": compaction failed: " << st;
    return st;
  }
  reclaimed_ += dropped;
  VolumeStats after = Stats();
  BALE_LOG(kInfo) << "volume " << id_ << ": compacted to revision " << after.revision << ", "
                  << before.file_bytes << " -> " << after.file_bytes << " bytes (" << dropped
                  << " bytes of dead needles dropped)";
  return Status::Ok();
}

}  // namespace bale
