#include "backend/directory/directory.h"

#include <algorithm>

#include "backend/store/needle_format.h"
#include "common/fiber.h"
#include "common/log.h"

namespace bale {
namespace {

constexpr int kMaxWriteAttempts = 4;

}  // namespace

Directory::Directory(Store* store, Clock* clock, NeedleKey floor)
    : store_(store), clock_(clock), last_key_(floor), rng_(std::random_device{}()) {}

Result<std::unique_ptr<Directory>> Directory::Open(Store* store, Clock* clock) {
  return std::unique_ptr<Directory>(new Directory(store, clock, store->MaxNeedleKey()));
}

NeedleKey Directory::NextKey() {
  std::lock_guard lk(mu_);
  NeedleKey from_clock = static_cast<NeedleKey>(clock_->NowMicros()) << kNeedleKeyCounterBits;
  last_key_ = std::max(last_key_ + 1, from_clock);
  return last_key_;
}

Status Directory::AddVolume(size_t seen) {
  std::lock_guard lk(create_mu_);
  std::vector<VolumeStats> vols = store_->Stats();
  if (vols.size() != seen) return Status::Ok();  // another writer just added one
  VolumeId next = vols.empty() ? 1 : vols.back().id + 1;
  // A volume that broke on its first write (a full disk) holds nothing: it
  // goes, so that a disk that stays full does not collect one per retry.
  for (const auto& v : vols) {
    if (!v.ok || v.coding != "none" || v.sealed || !v.read_only || v.needles != 0 ||
        v.file_bytes > format::kSuperblockSize)
      continue;
    if (store_->RemoveEmptyVolume(v.id).ok())
      BALE_LOG(kWarning) << "removed empty volume " << v.id << ", which failed its first write ("
                         << v.error << ")";
  }
  RETURN_IF_ERROR(store_->CreateVolume(next));
  BALE_LOG(kInfo) << "every writable volume was full: added volume " << next;
  return Status::Ok();
}

Result<Placement> Directory::WriteNeedle(std::string_view data) {
  Status last;
  bool out_of_space = false;
  for (int attempt = 0; attempt < kMaxWriteAttempts; attempt++) {
    ASSIGN_OR_RETURN(Placement p, Allocate(data.size()));
    last = store_->Put(p.volume, p.key, p.cookie, data);
    if (last.ok()) return p;
    switch (last.code()) {
      case Code::kResourceExhausted:  // full, or ENOSPC
        out_of_space = true;
        [[fallthrough]];
      case Code::kFailedPrecondition:  // sealed, or read-only after an error
      case Code::kDataLoss:            // EIO: the volume is now read-only
      case Code::kUnavailable:         // a failed volume
      case Code::kNotFound:            // the volume is gone
        BALE_LOG(kWarning) << "volume " << p.volume << " refused a needle (" << last
                           << "); retrying on another volume";
        {
          std::lock_guard lk(mu_);
          if (small_volume_ == p.volume) small_volume_ = 0;
        }
        continue;
      default:
        return last;
    }
  }
  // Every volume tried refused. The last refusal alone would misname it: a
  // volume made read-only by a concurrent writer's ENOSPC answers
  // FAILED_PRECONDITION, which is no fault of this write's (S3 would call it
  // 412 PreconditionFailed). The write could not be placed now: out of space
  // if any volume said so (SlowDown, as a full store), else unavailable.
  std::string why = "no volume took a needle of " + std::to_string(data.size()) + " bytes in " +
                    std::to_string(kMaxWriteAttempts) + " attempts; the last: " + last.ToString();
  if (out_of_space) return ResourceExhaustedError(std::move(why)).WithReason("SlowDown");
  return UnavailableError(std::move(why));
}

Result<Placement> Directory::Allocate(uint64_t size) {
  auto p = TryAllocate(size);
  if (p.ok()) return p;
  // Stats() waits behind appends and creating a volume fsyncs: off a fiber's thread.
  Status st;
  fiber::RunBlocking([&] { st = AddVolume(store_->Stats().size()); });
  if (!st.ok())
    return ResourceExhaustedError(
               "no writable volume has room for " + std::to_string(size) +
               " more bytes, and a new volume could not be created: " + st.ToString())
        .WithReason("SlowDown");
  return TryAllocate(size);
}

Result<Placement> Directory::TryAllocate(uint64_t size) {
  const uint64_t need =
      format::NeedleLength(static_cast<uint32_t>(std::min<uint64_t>(size, format::kMaxNeedleData)));
  std::vector<std::pair<VolumeId, uint64_t>> vols = store_->WritableRoom();
  Placement p;
  bool found = false;
  {
    std::lock_guard lk(mu_);
    // Small needles keep to one volume while it has room: concurrent writes
    // to one volume share a group commit (one fdatasync), while spread over
    // several each volume would pay its own. Large ones go round the volumes:
    // their chunks are written in parallel and fill groups on their own.
    const bool small = size <= kSmallNeedleBytes;
    for (const auto& [id, room] : vols) {
      if (small && id == small_volume_ && room >= need) {
        p.volume = id;
        found = true;
        break;
      }
    }
    for (size_t i = 0; i < vols.size() && !found; i++) {
      const auto& [id, room] = vols[(next_volume_ + i) % vols.size()];
      if (room < need) continue;
      p.volume = id;
      next_volume_ = (next_volume_ + i + 1) % vols.size();
      found = true;
      if (small) small_volume_ = id;
    }
    p.cookie = static_cast<Cookie>(rng_());
  }
  if (!found)
    return ResourceExhaustedError("no writable volume has room for " + std::to_string(size) +
                                  " more bytes")
        .WithReason("SlowDown");
  p.key = NextKey();
  return p;
}

}  // namespace bale
