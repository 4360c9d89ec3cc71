// Reading needles: one index lookup, one pread, then key, cookie and CRC are
// checked before a byte is returned.
#include <algorithm>
#include <memory>
#include <span>

#include "backend/store/volume_internal.h"
#include "common/buffer_pool.h"

namespace bale {

Result<std::string> Volume::Read(NeedleKey key, Cookie cookie) const {
  std::shared_lock g(gen_mu_);
  auto e = gen_->index->Get(key);
  if (!e)
    return NotFoundError("needle " + std::to_string(key) + " not in volume " + std::to_string(id_));
  const uint64_t off = uint64_t{e->offset_units} * format::kAlignment;
  const uint64_t len = format::NeedleLength(e->size);
  // One preadv: the data lands in the string returned (no copy of a large
  // needle), header and footer beside it.
  char head[format::kNeedleHeaderSize];
  char tail[format::kNeedleFooterSize + format::kAlignment];
  const size_t tail_len = len - format::kNeedleHeaderSize - e->size;
  std::string data = buffers::TakeUninitialized(e->size);  // every byte is read over
  const std::span<char> parts[] = {
      {head, sizeof head}, {data.data(), data.size()}, {tail, tail_len}};
  auto n = gen_->dat->ReadAtV(off, parts);
  if (!n.ok()) {
    Status st = n.status().WithContext(Where(off));
    if (st.code() == Code::kDataLoss) MakeReadOnly(st);  // EIO: the drive is failing
    return st;
  }
  if (*n != len)
    return DataLossError(Where(off) + ": needle cut short: read " + std::to_string(*n) + " of " +
                         std::to_string(len) + " bytes");
  ASSIGN_OR_RETURN(
      auto h, format::VerifyNeedleParts({head, sizeof head}, data, {tail, tail_len}, Where(off)));
  if (h.key != key || h.tombstone())
    return DataLossError(Where(off) + ": index names needle " + std::to_string(key) +
                         " but the file holds " + (h.tombstone() ? "a tombstone for " : "needle ") +
                         std::to_string(h.key));
  if (h.cookie != cookie)
    return NotFoundError("needle " + std::to_string(key) + " not in volume " + std::to_string(id_));
  return data;
}

Result<NeedleMeta> Volume::Stat(NeedleKey key, Cookie cookie) const {
  ASSIGN_OR_RETURN(NeedleMeta h, ReadHeader(key));
  if (h.cookie != cookie)
    return NotFoundError("needle " + std::to_string(key) + " not in volume " + std::to_string(id_));
  return h;
}

Result<NeedleMeta> Volume::ReadHeader(NeedleKey key) const {
  std::shared_lock g(gen_mu_);
  auto e = gen_->index->Get(key);
  if (!e)
    return NotFoundError("needle " + std::to_string(key) + " not in volume " + std::to_string(id_));
  const uint64_t off = uint64_t{e->offset_units} * format::kAlignment;
  char head[format::kNeedleHeaderSize];
  auto n = gen_->dat->ReadAt(off, sizeof head, head);
  if (!n.ok()) return n.status().WithContext(Where(off));
  if (*n != sizeof head) return DataLossError(Where(off) + ": needle header cut short");
  auto h = format::DecodeNeedleHeader(std::string_view(head, sizeof head));
  if (!h.ok()) return DataLossError(Where(off) + ": " + std::string(h.status().message()));
  if (h->key != key || h->size != e->size)
    return DataLossError(Where(off) + ": needle header does not match the index");
  return NeedleMeta{h->key, h->cookie, h->size, h->append_time_micros};
}

Volume::Image Volume::Snapshot() const {
  Image out;
  std::lock_guard alk(append_mu_);
  std::shared_lock g(gen_mu_);
  out.revision = gen_->superblock.revision;
  out.dat_path = DatPath(dir_, id_);
  out.dat_size = end_;
  out.needles.reserve(gen_->index->size());
  gen_->index->ForEach([&](const IndexEntry& e) {
    out.needles.push_back({e.key, e.offset_units, e.size});
  });
  std::sort(out.needles.begin(), out.needles.end(),
            [](const NeedleLocation& a, const NeedleLocation& b) { return a.key < b.key; });
  return out;
}

void Volume::ForEachNeedle(const std::function<void(NeedleKey, uint32_t)>& fn) const {
  std::shared_lock g(gen_mu_);
  gen_->index->ForEach([&](const IndexEntry& e) { fn(e.key, e.size); });
}

uint64_t Volume::WritableRoom() const {
  if (sealed_ || broken_) return 0;
  uint64_t end = published_end_.load(std::memory_order_relaxed);
  return end < options_.size_limit ? options_.size_limit - end : 0;
}

VolumeStats Volume::Stats() const {
  VolumeStats s;
  s.id = id_;
  s.drive = dir_;
  s.size_limit = options_.size_limit;
  {
    std::lock_guard alk(append_mu_);
    s.file_bytes = end_;
    std::shared_lock g(gen_mu_);
    s.revision = gen_->superblock.revision;
    s.needles = gen_->index->size();
    s.index_bytes = gen_->index->MemoryBytes();
  }
  s.live_bytes = live_bytes_.load();
  s.sealed = sealed_.load();
  {
    std::lock_guard lk(state_mu_);
    s.error = read_only_reason_;
  }
  s.read_only = s.sealed || !s.error.empty();
  uint64_t body =
      s.file_bytes > format::kSuperblockSize ? s.file_bytes - format::kSuperblockSize : 0;
  s.garbage_ratio =
      body == 0 ? 0.0 : 1.0 - static_cast<double>(std::min(s.live_bytes, body)) / body;
  s.compacting = compacting_.load();
  s.reclaimed_bytes = reclaimed_.load();
  uint64_t total = compact_total_.load();
  s.compaction_progress =
      (s.compacting && total > 0) ? static_cast<double>(compact_done_.load()) / total : 0.0;
  return s;
}

}  // namespace bale
