// EcVolume: a sealed volume stored as RS(k, m) shards on k + m drives
// (layout: ec_format.h, docs/formats/erasure.md).
//
// Reads: one sorted-index lookup, then the needle's bytes straight from the
// data shards that hold them. When a shard is missing, unreadable, or its
// bytes fail the needle's CRC, the same range is read from k surviving shards
// and only that range is decoded (f4's degraded read). Which shard lied is
// found from the per-chunk checksums; it is marked corrupt and left for
// repair. With fewer than k shards readable a read is UNAVAILABLE, never wrong
// bytes.
//
// Deletes go to a delete journal kept, like the index, on m + 1 shard drives.
//
// Scrub() reads every shard against its checksums; Repair() rebuilds missing
// or corrupt shards from the survivors onto a healthy drive (resumable from a
// checkpoint, idempotent).
//
// Thread-safety: all methods may be called concurrently; Scrub and Repair
// run beside reads.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "backend/store/ec_build.h"
#include "backend/store/ec_format.h"
#include "backend/store/types.h"
#include "common/file_system.h"
#include "common/status.h"
#include "erasure/reed_solomon.h"

namespace bale {

struct EcMaintenanceOptions {
  uint64_t max_bytes_per_second = 0;  // 0: unthrottled
  std::function<void(uint64_t done, uint64_t total)> progress;
  const std::atomic<bool>* stop = nullptr;
};

class EcVolume {
 public:
  // Opens volume `vid` from whatever of its files the drives hold. Picks the
  // encoding (nonce) that has an intact index and the most intact shards;
  // shards of other volumes, revisions or encodings, truncated or with a bad
  // header, count as missing. Makes sure the drives of the first m + 1 good
  // shards hold the index and the full delete journal (m + 1 copies outlive
  // any m lost drives). FAILED_PRECONDITION when no
  // intact index exists; opening with fewer than k shards succeeds (reads are
  // then UNAVAILABLE) so that status pages can say so.
  static Result<std::unique_ptr<EcVolume>> Open(FileSystem* fs, VolumeId vid,
                                                const std::vector<std::string>& drives);
  ~EcVolume();

  Result<std::string> Read(NeedleKey key, Cookie cookie) const;
  Result<NeedleMeta> Stat(NeedleKey key, Cookie cookie) const;
  // Journals the delete on every shard drive (durable on at least one); in a
  // fiber, the journal's fsync runs on another thread (fiber::RunBlocking).
  Status Delete(NeedleKey key, Cookie cookie);
  void ForEachNeedle(const std::function<void(NeedleKey, uint32_t)>& fn) const;
  VolumeStats Stats() const;

  // Reads every readable shard in full against its checksums and marks what
  // fails (or whose file is gone). Returns the shards now bad.
  std::vector<int> Scrub(const EcMaintenanceOptions& options);
  // Rebuilds every missing or corrupt shard from k good ones onto a drive of
  // `drives`: its own drive when that still exists, else one holding no shard
  // of this volume. OK at once when nothing is bad.
  Status Repair(const std::vector<std::string>& drives, const EcMaintenanceOptions& options);
  std::vector<int> BadShards() const;

  VolumeId id() const { return id_.volume; }
  const ec::Identity& identity() const { return id_; }
  const ec::Layout& layout() const { return layout_; }
  // Drives holding a shard of this volume (for placement of later volumes).
  std::vector<std::string> ShardDrives() const;

 private:
  struct Shard;
  EcVolume(FileSystem* fs, ec::Identity id, ec::Layout layout, uint64_t chunk_size,
           erasure::ReedSolomon rs);

  // An index entry of a live needle, or NOT_FOUND.
  Result<ec::IndexRecord> Lookup(NeedleKey key) const;
  // .dat bytes [offset, offset + length), healthy or decoded; shards in
  // `distrust` are not used.
  Result<std::string> ReadRange(uint64_t offset, uint64_t length,
                                std::vector<bool>* distrust) const;
  // Reads shard bytes [shard_offset, + shards[i].size()) of the k lowest-
  // indexed usable shards not in `skip` into `shards` and reconstructs every
  // other shard's bytes there. Unreadable shards are marked missing and others
  // tried; UNAVAILABLE with fewer than k.
  Status Rebuild(uint64_t shard_offset, std::span<const std::span<uint8_t>> shards,
                 const std::vector<bool>& skip) const;
  // A piece of a data shard that cannot be read as it is, from the others.
  Status Decode(const ec::Piece& piece, std::vector<bool>* distrust, char* out) const;
  // After bytes failed their CRC: checks the chunks of [offset, offset + length)
  // on every shard, marks those that fail. True if it found one.
  bool FindCorrupt(uint64_t offset, uint64_t length, std::vector<bool>* distrust) const;
  // Reads needle `e` with key, cookie and CRC checked.
  Result<std::string> ReadNeedle(const ec::IndexRecord& e, Cookie cookie, bool header_only) const;
  void MarkBad(int shard, int state, const std::string& why) const;
  bool Usable(int shard) const;
  // Writes index and journal copies onto every shard drive that lacks them.
  Status Reconcile();
  std::string Where(uint64_t offset) const;

  FileSystem* const fs_;
  const ec::Identity id_;
  const ec::Layout layout_;
  const uint64_t chunk_size_;
  const erasure::ReedSolomon rs_;

  mutable std::shared_mutex mu_;  // shards' files and the index
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<ec::IndexRecord> index_;  // sorted; size kIdxTombstoneSize: deleted
  uint64_t live_needles_ = 0;
  uint64_t live_bytes_ = 0;

  std::string original_index_;  // the .ecx bytes, copied to drives that lack them

  // Index and journal copies. Open reads each at most once; Reconcile writes
  // only what a drive lacks (journal_mu_ for all of these).
  struct JournalCopy {
    std::unique_ptr<File> file;
    uint64_t end = 0;  // where the next record goes
  };
  std::mutex journal_mu_;
  std::vector<std::pair<NeedleKey, Cookie>> deleted_;  // every delete, all copies together
  std::map<std::string, JournalCopy> journals_;        // drive -> its open copy
  std::map<std::string, uint64_t> journal_read_;       // drive -> intact bytes found at open
  std::set<std::string> index_copies_;                 // drives holding an intact index copy
  std::mutex repair_mu_;   // one repair at a time
  std::atomic<bool> repairing_{false};
  std::atomic<double> repair_progress_{0};
};

}  // namespace bale
