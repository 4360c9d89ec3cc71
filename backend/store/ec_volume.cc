#include "backend/store/ec_volume.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "backend/store/needle_format.h"
#include "common/crc32c.h"
#include "common/fiber.h"
#include "common/log.h"

namespace bale {

using ec::IndexRecord;

struct EcVolume::Shard {
  enum State : int { kOk = 0, kMissing = 1, kCorrupt = 2 };
  std::string drive;  // empty: no intact file was found
  std::string path;
  std::unique_ptr<File> file;  // (mu_)
  mutable std::atomic<int> state{kMissing};
  mutable std::mutex why_mu;
  mutable std::string why;  // (why_mu)
};

namespace {

std::string Name(VolumeId vid) { return "coded volume " + std::to_string(vid); }

struct FoundShard {
  ec::ShardHeader header;
  std::string drive;
  std::string path;
  std::unique_ptr<File> file;
};

// A shard file, checked as far as opening needs: header, identity, size.
Result<FoundShard> OpenShard(FileSystem* fs, VolumeId vid, const std::string& drive,
                             const std::string& name) {
  std::string path = JoinPath(drive, name);
  ASSIGN_OR_RETURN(auto f, fs->Open(path, OpenMode::kReadOnly));
  std::string head(ec::kShardHeaderSize, '\0');
  ASSIGN_OR_RETURN(size_t n, f->ReadAt(0, head.size(), head.data()));
  ASSIGN_OR_RETURN(auto h, ec::DecodeShardHeader(std::string_view(head.data(), n)));
  if (h.id.volume != vid)
    return InvalidArgumentError(path + " is a shard of volume " + std::to_string(h.id.volume));
  ASSIGN_OR_RETURN(uint64_t size, f->Size());
  if (size != h.file_size())
    return InvalidArgumentError(path + " has " + std::to_string(size) + " bytes, not " +
                                std::to_string(h.file_size()) + " (truncated or extended)");
  return FoundShard{h, drive, path, std::move(f)};
}

bool SameLayout(const ec::Layout& a, const ec::Layout& b) {
  return a.k == b.k && a.m == b.m && a.block_size == b.block_size && a.dat_size == b.dat_size;
}

}  // namespace

EcVolume::EcVolume(FileSystem* fs, ec::Identity id, ec::Layout layout, uint64_t chunk_size,
                   erasure::ReedSolomon rs)
    : fs_(fs), id_(id), layout_(layout), chunk_size_(chunk_size), rs_(std::move(rs)) {
  for (int i = 0; i < layout.k + layout.m; i++) shards_.push_back(std::make_unique<Shard>());
}

EcVolume::~EcVolume() = default;

Result<std::unique_ptr<EcVolume>> EcVolume::Open(FileSystem* fs, VolumeId vid,
                                                 const std::vector<std::string>& drives) {
  // Shard headers first (4 KiB each); an index copy is read only when needed.
  std::vector<std::string> index_drives;
  std::vector<FoundShard> found;
  for (const auto& drive : drives) {
    auto names = fs->ListDir(drive);
    if (!names.ok()) continue;  // a drive that is gone holds nothing
    std::sort(names->begin(), names->end());
    for (const auto& name : *names) {
      if (name == ec::IndexName(vid)) {
        index_drives.push_back(drive);
        continue;
      }
      auto parsed = ec::ParseShardName(name);
      if (!parsed || parsed->first != vid) continue;
      auto s = OpenShard(fs, vid, drive, name);
      if (!s.ok()) {
        BALE_LOG(kWarning) << Name(vid) << ": ignoring shard file: " << s.status();
        continue;
      }
      if (s->header.index != parsed->second)
        BALE_LOG(kWarning) << s->path << " holds shard " << s->header.index
                           << " (its header says so); using it as that shard";
      found.push_back(std::move(*s));
    }
  }

  // The encoding most shards belong to, if an index copy of it is intact;
  // else the next. With no shard at all, any intact index.
  std::map<uint64_t, std::set<int>> shards_of;  // nonce -> shard indexes
  for (const auto& s : found) shards_of[s.header.id.nonce].insert(s.header.index);
  std::vector<std::pair<size_t, uint64_t>> candidates;  // (shards, nonce)
  for (const auto& [nonce, have] : shards_of) candidates.push_back({have.size(), nonce});
  std::sort(candidates.rbegin(), candidates.rend());
  std::map<std::string, Result<ec::IndexFile>> decoded;  // drive -> its copy, read once
  auto index_on = [&](const std::string& drive) -> const Result<ec::IndexFile>& {
    auto it = decoded.find(drive);
    if (it == decoded.end()) {
      const std::string path = JoinPath(drive, ec::IndexName(vid));
      auto bytes = ec::ReadWholeFile(fs, path);
      auto x = bytes.ok() ? ec::DecodeIndex(*bytes) : Result<ec::IndexFile>(bytes.status());
      if (x.ok() && x->id.volume != vid) x = InvalidArgumentError("another volume's index");
      if (!x.ok()) BALE_LOG(kWarning) << path << " is not usable: " << x.status();
      it = decoded.emplace(drive, std::move(x)).first;
    }
    return it->second;
  };
  const ec::IndexFile* best = nullptr;
  for (const auto& [count, nonce] : candidates) {
    for (const auto& d : index_drives) {
      const auto& x = index_on(d);
      if (x.ok() && x->id.nonce == nonce) {
        best = &*x;
        break;
      }
    }
    if (best) break;
  }
  for (size_t i = 0; !best && i < index_drives.size(); i++)
    if (const auto& x = index_on(index_drives[i]); x.ok()) best = &*x;
  if (!best) return FailedPreconditionError(Name(vid) + ": no intact index (.ecx) on any drive");

  ASSIGN_OR_RETURN(auto rs, erasure::ReedSolomon::Create(best->layout.k, best->layout.m));
  std::unique_ptr<EcVolume> v(
      new EcVolume(fs, best->id, best->layout, best->chunk_size, std::move(rs)));
  for (auto& s : found) {
    if (!(s.header.id == best->id) || !SameLayout(s.header.layout, best->layout) ||
        s.header.chunk_size != best->chunk_size) {
      BALE_LOG(kWarning) << s.path << " belongs to another encoding of volume " << vid
                         << " (revision " << s.header.id.revision << "); not used";
      continue;
    }
    Shard& slot = *v->shards_[s.header.index];
    if (!slot.drive.empty()) {
      BALE_LOG(kWarning) << s.path << " duplicates shard " << s.header.index << " at "
                         << slot.path << "; not used";
      continue;
    }
    slot.drive = s.drive;
    slot.path = s.path;
    slot.file = std::move(s.file);
    slot.state = Shard::kOk;
  }
  for (size_t i = 0; i < v->shards_.size(); i++)
    if (v->shards_[i]->state != Shard::kOk) v->MarkBad(int(i), Shard::kMissing, "no intact file");
  v->index_ = best->records;
  v->original_index_ = ec::EncodeIndex(*best);
  for (const auto& [drive, x] : decoded)
    if (x.ok() && x->id == v->id_) v->index_copies_.insert(drive);
  for (const auto& r : v->index_) {
    v->live_needles_++;
    v->live_bytes_ += format::NeedleLength(r.size);
  }

  // Deletes: the union of every journal copy of this encoding.
  std::set<std::pair<NeedleKey, Cookie>> deleted;
  for (const auto& drive : drives) {
    std::string path = JoinPath(drive, ec::JournalName(vid));
    if (!fs->Exists(path)) continue;
    auto bytes = ec::ReadWholeFile(fs, path);
    if (!bytes.ok()) continue;
    auto id = ec::DecodeJournalHeader(*bytes, vid);
    if (!id.ok() || !(*id == v->id_)) continue;
    size_t off = ec::kJournalHeaderSize;
    for (; off + ec::kJournalRecordSize <= bytes->size(); off += ec::kJournalRecordSize) {
      auto r = ec::DecodeJournalRecord(
          v->id_, std::string_view(bytes->data() + off, ec::kJournalRecordSize));
      if (!r) break;  // a torn tail
      deleted.insert(*r);
    }
    v->journal_read_[drive] = off;
  }
  for (const auto& [key, cookie] : deleted) {
    auto it = std::lower_bound(v->index_.begin(), v->index_.end(), key,
                               [](const IndexRecord& r, NeedleKey k) { return r.key < k; });
    if (it == v->index_.end() || it->key != key || it->size == format::kIdxTombstoneSize) continue;
    v->live_needles_--;
    v->live_bytes_ -= format::NeedleLength(it->size);
    it->size = format::kIdxTombstoneSize;
  }
  v->deleted_.assign(deleted.begin(), deleted.end());
  if (Status st = v->Reconcile(); !st.ok())
    BALE_LOG(kWarning) << Name(vid) << ": could not copy its index and journal to every shard drive: "
                       << st;
  return v;
}

Status EcVolume::Reconcile() {
  // m + 1 copies survive any m lost drives; more would cost (k+m)/k its 2%.
  std::vector<std::string> drives = ShardDrives();
  if (drives.size() > size_t(layout_.m + 1)) drives.resize(layout_.m + 1);
  std::lock_guard jl(journal_mu_);
  const uint64_t journal_size = ec::kJournalHeaderSize + ec::kJournalRecordSize * deleted_.size();
  Status first;
  auto failed = [&](const Status& st) {
    if (first.ok()) first = st;
  };
  for (const auto& drive : drives) {
    if (!index_copies_.count(drive)) {
      // A copy Open did not need to read: its size and 64-byte header (identity,
      // layout, count) are checked, not its CRC: a start-up reads one copy whole.
      const std::string path = JoinPath(drive, ec::IndexName(id_.volume));
      std::string head(ec::kIndexHeaderSize, '\0');
      auto f = fs_->Open(path, OpenMode::kReadOnly);
      bool same = false;
      if (f.ok()) {
        auto size = (*f)->Size();
        auto got = (*f)->ReadAt(0, head.size(), head.data());
        same = size.ok() && *size == original_index_.size() && got.ok() && *got == head.size() &&
               original_index_.compare(0, head.size(), head) == 0;
      }
      Status st = same ? Status::Ok() : ec::WriteFileAtomically(fs_, path, original_index_);
      if (st.ok()) index_copies_.insert(drive);
      failed(st);
    }
    // A copy holds a subset of deleted_ (their union): one as long is complete.
    if (auto it = journals_.find(drive); it != journals_.end() && it->second.end == journal_size)
      continue;
    const std::string path = JoinPath(drive, ec::JournalName(id_.volume));
    if (journal_read_[drive] != journal_size) {
      std::string want = ec::EncodeJournalHeader(id_);
      for (const auto& [key, cookie] : deleted_) want += ec::EncodeJournalRecord(id_, key, cookie);
      if (Status st = ec::WriteFileAtomically(fs_, path, want); !st.ok()) {
        failed(st);
        continue;
      }
      journal_read_[drive] = journal_size;
    }
    auto f = fs_->Open(path, OpenMode::kReadWrite);
    if (!f.ok()) {
      failed(f.status());
      continue;
    }
    journals_[drive] = {std::move(*f), journal_size};
  }
  return first;
}

std::vector<std::string> EcVolume::ShardDrives() const {
  std::shared_lock lk(mu_);
  std::vector<std::string> out;
  for (const auto& s : shards_)
    if (!s->drive.empty() && std::find(out.begin(), out.end(), s->drive) == out.end())
      out.push_back(s->drive);
  return out;
}

std::string EcVolume::Where(uint64_t offset) const {
  return Name(id_.volume) + " at offset " + std::to_string(offset);
}

void EcVolume::MarkBad(int shard, int state, const std::string& why) const {
  Shard& s = *shards_[shard];
  int was = s.state.exchange(state);
  {
    std::lock_guard lk(s.why_mu);
    s.why = why;
  }
  if (was == Shard::kOk)
    BALE_LOG(kWarning) << Name(id_.volume) << ": shard " << shard
                       << (state == Shard::kMissing ? " is missing: " : " is corrupt: ") << why;
}

bool EcVolume::Usable(int shard) const { return shards_[shard]->state.load() == Shard::kOk; }

std::vector<int> EcVolume::BadShards() const {
  std::vector<int> out;
  for (size_t i = 0; i < shards_.size(); i++)
    if (!Usable(int(i))) out.push_back(int(i));
  return out;
}

Result<IndexRecord> EcVolume::Lookup(NeedleKey key) const {
  auto it = std::lower_bound(index_.begin(), index_.end(), key,
                             [](const IndexRecord& r, NeedleKey k) { return r.key < k; });
  if (it == index_.end() || it->key != key || it->size == format::kIdxTombstoneSize)
    return NotFoundError("needle " + std::to_string(key) + " not in volume " +
                         std::to_string(id_.volume));
  return *it;
}

Status EcVolume::Rebuild(uint64_t shard_offset, std::span<const std::span<uint8_t>> shards,
                         const std::vector<bool>& skip) const {
  const int n = layout_.k + layout_.m;
  const uint64_t length = shards.front().size();
  for (;;) {
    std::vector<int> chosen;
    for (int i = 0; i < n && int(chosen.size()) < layout_.k; i++)
      if (!skip[i] && Usable(i)) chosen.push_back(i);
    if (int(chosen.size()) < layout_.k)
      return UnavailableError(Where(shard_offset) + ": only " + std::to_string(chosen.size()) +
                              " shards can be read there and " + std::to_string(layout_.k) +
                              " are needed");
    bool reread = false;
    for (int i : chosen) {
      auto got = shards_[i]->file->ReadAt(ec::kShardHeaderSize + shard_offset, length,
                                          reinterpret_cast<char*>(shards[i].data()));
      if (!got.ok() || *got != length) {
        MarkBad(i, Shard::kMissing,
                got.ok() ? std::string("short read") : std::string(got.status().message()));
        reread = true;  // it is no longer Usable: choose again
        break;
      }
    }
    if (reread) continue;
    std::vector<int> missing;
    for (int i = 0; i < n; i++)
      if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) missing.push_back(i);
    return rs_.Reconstruct(shards, missing);
  }
}

Status EcVolume::Decode(const ec::Piece& piece, std::vector<bool>* distrust, char* out) const {
  std::vector<std::vector<uint8_t>> bufs(layout_.k + layout_.m, std::vector<uint8_t>(piece.length));
  std::vector<std::span<uint8_t>> spans(bufs.begin(), bufs.end());
  std::vector<bool> skip = *distrust;
  skip[piece.shard] = true;
  RETURN_IF_ERROR(Rebuild(piece.shard_offset, spans, skip));
  std::memcpy(out, bufs[piece.shard].data(), piece.length);
  return Status::Ok();
}

Result<std::string> EcVolume::ReadRange(uint64_t offset, uint64_t length,
                                        std::vector<bool>* distrust) const {
  std::string out(length, '\0');
  uint64_t pos = 0;
  for (const auto& piece : ec::MapRange(layout_, offset, length)) {
    char* dst = out.data() + pos;
    pos += piece.length;
    if (Usable(piece.shard) && !(*distrust)[piece.shard]) {
      auto got = shards_[piece.shard]->file->ReadAt(ec::kShardHeaderSize + piece.shard_offset,
                                                     piece.length, dst);
      if (got.ok() && *got == piece.length) continue;
      MarkBad(piece.shard, Shard::kMissing,
              got.ok() ? std::string("short read") : std::string(got.status().message()));
    }
    RETURN_IF_ERROR(Decode(piece, distrust, dst));
  }
  return out;
}

bool EcVolume::FindCorrupt(uint64_t offset, uint64_t length, std::vector<bool>* distrust) const {
  bool found = false;
  ec::ShardHeader h{id_, layout_, 0, chunk_size_};
  for (const auto& piece : ec::MapRange(layout_, offset, length)) {
    uint64_t first = piece.shard_offset / chunk_size_;
    uint64_t last = (piece.shard_offset + piece.length - 1) / chunk_size_;
    for (size_t i = 0; i < shards_.size(); i++) {
      if (!Usable(int(i)) || (*distrust)[i]) continue;
      File* f = shards_[i]->file.get();
      std::string table(4 * (last - first + 1), '\0');
      auto got = f->ReadAt(h.table_offset() + 4 * first, table.size(), table.data());
      bool bad = !got.ok() || *got != table.size();
      std::string buf(chunk_size_, '\0');
      for (uint64_t c = first; c <= last && !bad; c++) {
        uint64_t n = std::min(chunk_size_, layout_.shard_size() - c * chunk_size_);
        auto r = f->ReadAt(ec::kShardHeaderSize + c * chunk_size_, n, buf.data());
        bad = !r.ok() || *r != n ||
              crc32c::Value(buf.data(), n) != format::GetU32(&table[4 * (c - first)]);
      }
      if (bad) {
        (*distrust)[i] = true;
        MarkBad(int(i), Shard::kCorrupt,
                "checksum mismatch near shard offset " + std::to_string(piece.shard_offset));
        found = true;
      }
    }
  }
  return found;
}

Result<std::string> EcVolume::ReadNeedle(const IndexRecord& e, Cookie cookie,
                                         bool header_only) const {
  const uint64_t off = uint64_t{e.offset_units} * format::kAlignment;
  const uint64_t len =
      header_only ? format::kNeedleHeaderSize : format::NeedleLength(e.size);
  std::vector<bool> distrust(shards_.size(), false);
  Status last;
  for (int attempt = 0; attempt < 3; attempt++) {
    ASSIGN_OR_RETURN(std::string buf, ReadRange(off, len, &distrust));
    Result<format::NeedleHeader> h = header_only
                                         ? format::DecodeNeedleHeader(buf)
                                         : format::VerifyNeedle(buf, Where(off));
    if (h.ok() && (h->key != e.key || h->tombstone() || h->size != e.size))
      h = DataLossError(Where(off) + ": the shards do not hold needle " + std::to_string(e.key));
    if (h.ok()) {
      if (h->cookie != cookie)
        return NotFoundError("needle " + std::to_string(e.key) + " not in volume " +
                             std::to_string(id_.volume));
      return buf;
    }
    last = h.status();
    // Some shard returned wrong bytes: find it by its checksums and read around it.
    if (!FindCorrupt(off, len, &distrust)) break;
  }
  return DataLossError(Where(off) + ": " + std::string(last.message()));
}

Result<std::string> EcVolume::Read(NeedleKey key, Cookie cookie) const {
  std::shared_lock lk(mu_);
  ASSIGN_OR_RETURN(IndexRecord e, Lookup(key));
  ASSIGN_OR_RETURN(std::string buf, ReadNeedle(e, cookie, false));
  buf.erase(0, format::kNeedleHeaderSize);
  buf.resize(e.size);
  return buf;
}

Result<NeedleMeta> EcVolume::Stat(NeedleKey key, Cookie cookie) const {
  std::shared_lock lk(mu_);
  ASSIGN_OR_RETURN(IndexRecord e, Lookup(key));
  ASSIGN_OR_RETURN(std::string buf, ReadNeedle(e, cookie, true));
  ASSIGN_OR_RETURN(auto h, format::DecodeNeedleHeader(buf));
  return NeedleMeta{h.key, h.cookie, h.size, h.append_time_micros};
}

Status EcVolume::Delete(NeedleKey key, Cookie cookie) {
  RETURN_IF_ERROR(Stat(key, cookie).status());
  std::string rec = ec::EncodeJournalRecord(id_, key, cookie);
  Status journaled;
  // Appends and fsyncs: off a fiber's thread (an overwrite's free can land here).
  fiber::RunBlocking([&] {
    std::lock_guard jl(journal_mu_);
    Status first;
    int durable = 0;
    for (auto& [drive, copy] : journals_) {
      Status st = copy.file->WriteAt(copy.end, rec);
      if (st.ok()) st = copy.file->Sync();
      if (st.ok()) {
        copy.end += rec.size();
        durable++;
      } else if (first.ok()) {
        first = st;
      }
    }
    if (durable == 0) {
      journaled = first.ok()
                      ? UnavailableError(Name(id_.volume) + ": no journal to record a delete")
                      : first.WithContext(Name(id_.volume) + ": delete journal");
      return;
    }
    deleted_.emplace_back(key, cookie);
  });
  RETURN_IF_ERROR(journaled);
  std::unique_lock lk(mu_);
  auto it = std::lower_bound(index_.begin(), index_.end(), key,
                             [](const IndexRecord& r, NeedleKey k) { return r.key < k; });
  if (it != index_.end() && it->key == key && it->size != format::kIdxTombstoneSize) {
    live_needles_--;
    live_bytes_ -= format::NeedleLength(it->size);
    it->size = format::kIdxTombstoneSize;
  }
  return Status::Ok();
}

void EcVolume::ForEachNeedle(const std::function<void(NeedleKey, uint32_t)>& fn) const {
  std::shared_lock lk(mu_);
  for (const auto& r : index_)
    if (r.size != format::kIdxTombstoneSize) fn(r.key, r.size);
}

VolumeStats EcVolume::Stats() const {
  VolumeStats s;
  s.id = id_.volume;
  s.sealed = true;
  s.read_only = true;
  s.revision = id_.revision;
  s.ec_k = layout_.k;
  s.ec_m = layout_.m;
  s.replicas = 0;
  s.drives = ShardDrives();
  s.drive = s.drives.empty() ? std::string() : s.drives.front();
  std::shared_lock lk(mu_);
  s.needles = live_needles_;
  s.live_bytes = live_bytes_;
  s.file_bytes = layout_.dat_size;
  s.size_limit = layout_.dat_size;
  s.index_bytes = index_.capacity() * sizeof(IndexRecord);
  uint64_t body = layout_.dat_size - format::kSuperblockSize;
  s.garbage_ratio =
      body == 0 ? 0.0 : 1.0 - static_cast<double>(std::min(s.live_bytes, body)) / body;
  std::vector<std::string> problems;
  for (size_t i = 0; i < shards_.size(); i++) {
    if (Usable(int(i))) {
      s.shards_ok++;
      continue;
    }
    std::lock_guard wl(shards_[i]->why_mu);
    problems.push_back("shard " + std::to_string(i) + ": " + shards_[i]->why);
  }
  s.coding = s.shards_ok == layout_.k + layout_.m ? "coded" : "degraded";
  s.coding_progress = repairing_ ? repair_progress_.load() : 0.0;
  for (const auto& p : problems) s.error += (s.error.empty() ? "" : "; ") + p;
  if (s.shards_ok < layout_.k) s.ok = false;
  return s;
}

std::vector<int> EcVolume::Scrub(const EcMaintenanceOptions& o) {
  // Holds the lock a read at a time, so that deletes and repairs get in.
  auto read = [this](size_t i, uint64_t off, size_t n, char* buf) -> bool {
    std::shared_lock lk(mu_);
    if (!Usable(int(i))) return false;
    auto r = shards_[i]->file->ReadAt(off, n, buf);
    return r.ok() && *r == n;
  };
  const uint64_t total = shards_.size() * layout_.shard_size();
  uint64_t done = 0;
  const auto started = std::chrono::steady_clock::now();
  ec::ShardHeader want{id_, layout_, 0, chunk_size_};
  for (size_t i = 0; i < shards_.size(); i++) {
    Shard& s = *shards_[i];
    if (!Usable(int(i))) {
      done += layout_.shard_size();
      continue;
    }
    std::string path;
    {
      std::shared_lock lk(mu_);
      path = s.path;
    }
    if (!fs_->Exists(path)) {
      MarkBad(int(i), Shard::kMissing, path + " was removed");
      done += layout_.shard_size();
      continue;
    }
    want.index = int(i);
    std::string head(ec::kShardHeaderSize, '\0');
    if (!read(i, 0, head.size(), head.data()) || head != ec::EncodeShardHeader(want)) {
      MarkBad(int(i), Shard::kCorrupt, "header damaged");
      done += layout_.shard_size();
      continue;
    }
    std::string trailer(4 * want.chunks() + ec::kShardFooterSize, '\0');
    auto crcs = read(i, want.table_offset(), trailer.size(), trailer.data())
                    ? ec::DecodeShardTrailer(trailer, want.chunks())
                    : Result<std::vector<uint32_t>>(DataLossError("checksum table unreadable"));
    if (!crcs.ok()) {
      MarkBad(int(i), Shard::kCorrupt, std::string(crcs.status().message()));
      done += layout_.shard_size();
      continue;
    }
    std::string buf(chunk_size_, '\0');
    for (uint64_t c = 0; c < crcs->size(); c++) {
      if (o.stop && o.stop->load()) return BadShards();
      uint64_t n = std::min(chunk_size_, layout_.shard_size() - c * chunk_size_);
      if (!read(i, ec::kShardHeaderSize + c * chunk_size_, n, buf.data()) ||
          crc32c::Value(buf.data(), n) != (*crcs)[c]) {
        MarkBad(int(i), Shard::kCorrupt,
                "checksum mismatch in chunk at shard offset " + std::to_string(c * chunk_size_));
        break;
      }
      done += n;
      if (o.progress) o.progress(done, total);
      if (o.max_bytes_per_second > 0) {
        auto due = started + std::chrono::duration<double>(double(done) / o.max_bytes_per_second);
        auto now = std::chrono::steady_clock::now();
        if (due > now) std::this_thread::sleep_for(due - now);
      }
    }
  }
  return BadShards();
}

Status EcVolume::Repair(const std::vector<std::string>& drives, const EcMaintenanceOptions& o) {
  std::lock_guard one(repair_mu_);
  std::vector<int> bad = BadShards();
  if (bad.empty()) return Status::Ok();
  const int n = layout_.k + layout_.m;
  if (n - int(bad.size()) < layout_.k)
    return UnavailableError(Name(id_.volume) + ": " + std::to_string(n - bad.size()) +
                            " shards survive and " + std::to_string(layout_.k) +
                            " are needed to rebuild the others");
  // Where each lost shard goes: its own drive if that still exists, else a
  // drive with no shard of this volume.
  std::vector<std::string> used = ShardDrives();
  ec::Checkpoint plan;
  plan.id = id_;
  plan.layout = layout_;
  plan.chunk_size = chunk_size_;
  {
    std::shared_lock lk(mu_);
    for (int i : bad) {
      std::string target;
      const Shard& s = *shards_[i];
      if (!s.drive.empty() && fs_->Exists(s.drive)) {
        target = s.drive;
      } else {
        for (const auto& d : drives) {
          if (std::find(used.begin(), used.end(), d) != used.end()) continue;
          if (!fs_->CreateDirs(d).ok()) continue;
          target = d;
          break;
        }
      }
      if (target.empty())
        return UnavailableError(Name(id_.volume) + ": no drive left to rebuild shard " +
                                std::to_string(i) + " on (every other drive holds a shard)");
      used.push_back(target);
      plan.outputs.push_back({i, JoinPath(target, ec::ShardName(id_.volume, i))});
    }
  }
  const std::string checkpoint =
      JoinPath(DirName(plan.outputs.front().path), std::to_string(id_.volume) + ".ecr");
  repairing_ = true;
  repair_progress_ = 0;
  BALE_LOG(kInfo) << Name(id_.volume) << ": rebuilding " << bad.size() << " shard(s) onto "
                  << DirName(plan.outputs.front().path) << (bad.size() > 1 ? " and others" : "");

  std::vector<bool> skip(n, false);
  for (int i : bad) skip[i] = true;
  auto fill = [&](uint64_t row, std::span<const std::span<uint8_t>> blocks) -> Status {
    std::shared_lock lk(mu_);
    return Rebuild(layout_.row_offset(row), blocks, skip);
  };
  ec::BuildOptions bo;
  bo.max_bytes_per_second = o.max_bytes_per_second;
  bo.stop = o.stop;
  bo.progress = [&](uint64_t done, uint64_t total) {
    repair_progress_ = double(done) / double(total);
    if (o.progress) o.progress(done, total);
  };
  Status st = ec::BuildShards(fs_, plan, checkpoint, fill, bo);
  repairing_ = false;
  if (!st.ok()) return st.WithContext(Name(id_.volume) + ": repair");

  // The rebuilt files replace the lost ones; their bytes were verified on
  // the way in, so a read may use them at once.
  {
    std::unique_lock lk(mu_);
    for (const auto& out : plan.outputs) {
      auto f = fs_->Open(out.path, OpenMode::kReadOnly);
      if (!f.ok()) return f.status().WithContext(Name(id_.volume) + ": rebuilt shard");
      Shard& s = *shards_[out.index];
      if (!s.path.empty() && s.path != out.path) fs_->Remove(s.path).IgnoreError();
      s.drive = DirName(out.path);
      s.path = out.path;
      s.file = std::move(*f);
      s.state = Shard::kOk;
      BALE_LOG(kInfo) << Name(id_.volume) << ": shard " << out.index << " rebuilt at " << out.path;
    }
  }
  RETURN_IF_ERROR(Reconcile());
  fs_->Remove(checkpoint).IgnoreError();
  return fs_->SyncDir(DirName(checkpoint));
}

}  // namespace bale
