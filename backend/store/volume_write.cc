// Appending needles with group commit.
//
// Writers queue up; the one at the front becomes the leader, takes everyone
// queued behind it (up to kMaxGroupBytes), writes all their needles with one
// pwritev (large needles' middles past the page cache: WriteSegments) and
// makes them durable with one fdatasync, then wakes them. While it
// waits on the disk, the next group gathers behind it. This is LevelDB's
// writer queue, applied to a Haystack volume.
#include <span>
#include <string_view>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "backend/store/volume_internal.h"
#include "common/log.h"

namespace bale {
namespace {

constexpr uint64_t kMaxGroupBytes = 4 << 20;
// Threads that lead groups for fibers' writes: one per volume being written
// at once is plenty (each spends its time in fdatasync).
constexpr size_t kFiberLeaders = 4;

// Hands out the bytes of a sequence of parts in order, as views.
class PartsCursor {
 public:
  explicit PartsCursor(std::span<const std::string_view> parts) : parts_(parts) {}
  // The next n bytes (there must be that many).
  void Take(uint64_t n, std::vector<std::string_view>* out) {
    out->clear();
    while (n > 0) {
      std::string_view p = parts_[i_].substr(skip_);
      if (p.size() <= n) {
        out->push_back(p);
        n -= p.size();
        i_++;
        skip_ = 0;
      } else {
        out->push_back(p.substr(0, n));
        skip_ += n;
        n = 0;
      }
    }
  }

 private:
  std::span<const std::string_view> parts_;
  size_t i_ = 0;     // the part the next byte is in
  size_t skip_ = 0;  // bytes of it already handed out
};

// A range of a group's bytes written past the page cache: [begin, end).
struct DirectRange {
  uint64_t begin;
  uint64_t end;
};

constexpr uint64_t AlignDownBlock(uint64_t n) { return n & ~(kDirectIoAlignment - 1); }
constexpr uint64_t AlignUpBlock(uint64_t n) { return AlignDownBlock(n + kDirectIoAlignment - 1); }

// Writes `parts` back to back from `start`, the (ascending) `direct` ranges
// with WriteAtVDirect and the bytes between them with WriteAtV, in file order.
Status WriteSegments(File& f, uint64_t start, uint64_t end, std::span<const std::string_view> parts,
                     std::span<const DirectRange> direct) {
  if (direct.empty()) return f.WriteAtV(start, parts);
  PartsCursor cursor(parts);
  std::vector<std::string_view> views;
  uint64_t at = start;
  for (const DirectRange& d : direct) {
    if (d.begin > at) {
      cursor.Take(d.begin - at, &views);
      RETURN_IF_ERROR(f.WriteAtV(at, views));
    }
    cursor.Take(d.end - d.begin, &views);
    RETURN_IF_ERROR(f.WriteAtVDirect(d.begin, views));
    at = d.end;
  }
  if (end > at) {
    cursor.Take(end - at, &views);
    RETURN_IF_ERROR(f.WriteAtV(at, views));
  }
  return Status::Ok();
}

}  // namespace

std::string Volume::Where(uint64_t offset) const {
  return "volume " + std::to_string(id_) + " (" + DatPath(dir_, id_) + ") at offset " +
         std::to_string(offset);
}

void Volume::MakeReadOnly(const Status& why) const {
  std::lock_guard lk(state_mu_);
  if (!read_only_reason_.empty()) return;
  read_only_reason_ = why.ToString();
  broken_ = true;
  BALE_LOG(kError) << "volume " << id_ << " is now read-only: " << read_only_reason_;
}

Status Volume::Write(NeedleKey key, Cookie cookie, std::string_view data) {
  NeedleWrite n{key, cookie, data};
  return WriteBatch(std::span<const NeedleWrite>(&n, 1));
}

std::shared_ptr<Volume::PendingWrite> Volume::Prepare(std::span<const NeedleWrite> needles,
                                                      bool tombstone) const {
  auto w = std::make_shared<PendingWrite>();
  w->needles = needles;
  w->tombstone = tombstone;
  w->frames.reserve(needles.size());
  const int64_t now = clock_->NowMicros();
  for (const auto& n : needles) {
    std::string_view data = tombstone ? std::string_view() : n.data;
    format::NeedleHeader h{n.cookie, n.key, tombstone ? format::kNeedleTombstone : uint8_t{0},
                           static_cast<uint32_t>(data.size()), now};
    w->frames.push_back(format::EncodeNeedleFrame(h, data));
    w->bytes += format::NeedleLength(h.size);
  }
  return w;
}

Status Volume::WriteBatch(std::span<const NeedleWrite> needles) {
  for (const auto& n : needles) {
    if (n.data.size() > format::kMaxNeedleData)
      return InvalidArgumentError("needle " + std::to_string(n.key) + " of " +
                                  std::to_string(n.data.size()) + " bytes is over the " +
                                  std::to_string(format::kMaxNeedleData) + "-byte maximum");
  }
  if (needles.empty()) return Status::Ok();
  return Append(Prepare(needles, /*tombstone=*/false));
}

Status Volume::Delete(NeedleKey key, Cookie cookie) {
  RETURN_IF_ERROR(Stat(key, cookie).status());
  NeedleWrite n{key, cookie, {}};
  return Append(Prepare(std::span<const NeedleWrite>(&n, 1), /*tombstone=*/true));
}

Status Volume::Release(NeedleKey key, Cookie cookie) {
  RETURN_IF_ERROR(Stat(key, cookie).status());
  if (sealed_) return FailedPreconditionError("volume " + std::to_string(id_) + " is sealed");
  NeedleWrite n{key, cookie, {}};
  auto w = Prepare(std::span<const NeedleWrite>(&n, 1), /*tombstone=*/true);
  w->owned.push_back(n);  // nobody waits: the write keeps its own copy
  w->needles = w->owned;
  {
    std::lock_guard lk(queue_mu_);
    if (!queue_.empty()) {  // a leader is at work: a later group takes it
      released_.push_back(std::move(w));
      return Status::Ok();
    }
  }
  return Append(std::move(w));  // idle: nothing to ride with, write it now
}

Status Volume::ReleaseUnreferenced(NeedleKey key) {
  ASSIGN_OR_RETURN(NeedleMeta h, ReadHeader(key));
  return Release(key, h.cookie);
}

Status Volume::Flush() {
  {
    std::lock_guard lk(queue_mu_);
    if (released_.empty()) return Status::Ok();
  }
  return Append(std::make_shared<PendingWrite>());  // an empty write that leads them out
}

// A writer that finds the queue empty leads at once; the others sleep on
// their own Event (one futex wake each, no mutex to reacquire) until their
// group is written or the lead passes to them. A fiber never leads on its own
// thread, which serves connections: a thread of the leaders' pool leads for it.
Status Volume::Append(std::shared_ptr<PendingWrite> w) {
  w->in_fiber = fiber::InFiber();
  bool lead;
  {
    std::lock_guard lk(queue_mu_);
    queue_.push_back(w);
    lead = queue_.size() == 1;
  }
  if (lead && !w->in_fiber) {
    Lead(w);
    return w->status;
  }
  if (lead) LeadElsewhere(w);
  w->wake.Wait();
  if (w->lead) Lead(w);
  return w->status;
}

void Volume::LeadElsewhere(std::shared_ptr<PendingWrite> w) {
  // Never destroyed: a group may still be led while the process exits.
  static boost::asio::thread_pool* leaders = new boost::asio::thread_pool(kFiberLeaders);
  boost::asio::post(*leaders, [this, w = std::move(w)] { Lead(w); });
}

void Volume::Lead(const std::shared_ptr<PendingWrite>& w) {
  // Take a group from the front of the queue (w is first).
  std::vector<std::shared_ptr<PendingWrite>> group;
  size_t queued = 0;  // the group's first `queued` writes are queue_'s front
  {
    std::lock_guard lk(queue_mu_);
    uint64_t bytes = 0;
    for (const auto& p : queue_) {
      if (!group.empty() && bytes + p->bytes > kMaxGroupBytes) break;
      group.push_back(p);
      bytes += p->bytes;
    }
    queued = group.size();
    group.insert(group.end(), released_.begin(), released_.end());  // nobody waits on these
    released_.clear();
  }
  WriteGroup(group);
  for (size_t i = queued; i < group.size(); i++) {
    if (!group[i]->status.ok())
      BALE_LOG(kWarning) << "volume " << id_ << ": could not free needle "
                         << group[i]->owned.front().key << ": " << group[i]->status;
  }
  std::shared_ptr<PendingWrite> next;
  {
    std::lock_guard lk(queue_mu_);
    for (size_t i = 0; i < queued; i++) queue_.pop_front();
    if (!queue_.empty()) next = queue_.front();
  }
  // Hand over first, so the next group's I/O starts while this one's
  // writers are being woken. The writers' wakes come last: once woken, a
  // writer may drop the last reference to this volume.
  if (next && next->in_fiber) {
    LeadElsewhere(std::move(next));
  } else if (next) {
    next->lead = true;
    next->wake.Set();
  }
  const bool self = !w->in_fiber;  // a thread leading its own write returns its status
  for (size_t i = 0; i < queued; i++)
    if (!(self && group[i] == w)) group[i]->wake.Set();
}

void Volume::WriteGroup(std::span<const std::shared_ptr<PendingWrite>> group) {
  std::lock_guard alk(append_mu_);
  Status refuse;
  if (sealed_) {
    refuse = FailedPreconditionError("volume " + std::to_string(id_) + " is sealed");
  } else {
    std::lock_guard slk(state_mu_);
    if (!read_only_reason_.empty())
      refuse = FailedPreconditionError("volume " + std::to_string(id_) +
                                       " is read-only: " + read_only_reason_);
  }
  if (!refuse.ok()) {
    for (const auto& p : group) p->status = refuse;
    return;
  }

  Generation& g = *gen_;
  std::vector<std::string_view> parts;
  std::string idx;
  std::vector<PendingWrite*> accepted;
  std::vector<DirectRange> direct;
  uint64_t off = end_;
  for (const auto& shared : group) {
    PendingWrite* p = shared.get();
    // Tombstones may pass the limit (up to what offsets can address): a full
    // volume must still free what is deleted from it, or it could never be
    // compacted.
    const uint64_t limit = p->tombstone ? format::kMaxVolumeBytes : options_.size_limit;
    if (off + p->bytes > limit) {
      p->status = ResourceExhaustedError(
          "volume " + std::to_string(id_) + " is full: " + std::to_string(p->bytes) +
          " more bytes at offset " + std::to_string(off) + " would pass its limit of " +
          std::to_string(limit));
      continue;
    }
    for (size_t i = 0; i < p->needles.size(); i++) {
      const format::NeedleFrame& f = p->frames[i];
      uint32_t size = p->tombstone ? 0u : static_cast<uint32_t>(p->needles[i].data.size());
      format::AppendIdxRecord(
          format::IdxRecord{p->needles[i].key, static_cast<uint32_t>(off / format::kAlignment),
                            p->tombstone ? format::kIdxTombstoneSize : size},
          &idx);
      parts.push_back(f.head_view());
      if (size > 0) parts.push_back(p->needles[i].data);
      parts.push_back(f.tail_view());
      const uint64_t next = off + format::NeedleLength(size);
      if (options_.direct_write_min > 0 && size >= options_.direct_write_min &&
          AlignDownBlock(next) > AlignUpBlock(off))
        direct.push_back({AlignUpBlock(off), AlignDownBlock(next)});
      off = next;
    }
    accepted.push_back(p);
  }
  if (accepted.empty()) return;

  Status st = WriteSegments(*g.dat, end_, off, parts, direct);
  if (st.ok()) st = g.dat->Sync();
  if (!st.ok()) {
    st = st.WithContext("volume " + std::to_string(id_) + ": appending " +
                        std::to_string(off - end_) + " bytes at offset " + std::to_string(end_));
    // Nothing of this group was acknowledged; drop what may have landed.
    g.dat->Truncate(end_).IgnoreError();
    MakeReadOnly(st);
    for (PendingWrite* p : accepted) p->status = st;
    return;
  }

  // Durable. The .idx is written behind: recovery re-derives anything it lacks.
  if (!idx_broken_) {
    Status ist = g.idx->WriteAt(idx_end_, idx);
    if (ist.ok()) {
      idx_end_ += idx.size();
    } else {
      idx_broken_ = true;
      BALE_LOG(kWarning) << "volume " << id_ << ": " << ist
                         << "; no more .idx appends, the next open rescans the .dat";
    }
  }
  for (size_t i = 0; i < idx.size(); i += format::kIdxRecordSize) {
    format::IdxRecord r = format::DecodeIdxRecord(idx.data() + i);
    std::optional<IndexEntry> old;
    if (r.size == format::kIdxTombstoneSize) {
      old = g.index->Remove(r.key);
    } else {
      old = g.index->Put(IndexEntry{r.key, r.offset_units, r.size});
      live_bytes_ += format::NeedleLength(r.size);
    }
    if (old) live_bytes_ -= format::NeedleLength(old->size);
  }
  end_ = off;
  published_end_ = end_;
}

Status Volume::Seal() {
  Flush().IgnoreError();  // best effort: a failed write was logged and made the volume read-only
  std::lock_guard alk(append_mu_);
  if (sealed_) return Status::Ok();
  Generation& g = *gen_;
  format::Superblock sb = g.superblock;
  sb.flags |= format::kSuperblockSealed;
  Status st = g.dat->WriteAt(0, format::EncodeSuperblock(sb));
  if (st.ok()) st = g.dat->Sync();
  if (!st.ok()) return st.WithContext("sealing volume " + std::to_string(id_));
  g.superblock = sb;
  sealed_ = true;
  return Status::Ok();
}

}  // namespace bale
