// Creating and opening volumes, and recovery after a crash:
//   1. check the superblock (refuse anything that is not a Bale volume);
//   2. load the .idx records while each one points at a plausible needle
//      (an .idx of another compaction revision is ignored and rebuilt);
//   3. scan the .dat from the end of the last indexed needle: index orphans,
//      skip corrupt needles that valid ones follow, truncate a torn tail.
#include <string>

#include "backend/store/needle_scanner.h"
#include "backend/store/volume_internal.h"
#include "common/log.h"

namespace bale {

using format::IdxRecord;

std::string DatPath(const std::string& dir, VolumeId id) {
  return JoinPath(dir, std::to_string(id) + ".dat");
}
std::string IdxPath(const std::string& dir, VolumeId id) {
  return JoinPath(dir, std::to_string(id) + ".idx");
}

uint64_t LiveBytes(const NeedleIndex& index) {
  uint64_t bytes = 0;
  index.ForEach([&](const IndexEntry& e) { bytes += format::NeedleLength(e.size); });
  return bytes;
}

namespace {

Status CheckOptions(const VolumeOptions& o) {
  if (o.size_limit > format::kMaxVolumeBytes)
    return InvalidArgumentError("volume size limit " + std::to_string(o.size_limit) +
                                " exceeds the format's maximum of 32 GiB");
  if (o.size_limit < format::kSuperblockSize + format::NeedleLength(0))
    return InvalidArgumentError("volume size limit " + std::to_string(o.size_limit) +
                                " is too small for a single needle");
  return Status::Ok();
}

}  // namespace

// Does the recovery work of Open(); one use.
class Volume::Loader {
 public:
  Loader(Volume* v, Generation* g) : v_(v), g_(g) {}

  Status Run() {
    ASSIGN_OR_RETURN(dat_size_, g_->dat->Size());
    RETURN_IF_ERROR(ReadSuperblock());
    RETURN_IF_ERROR(LoadIdx());
    RETURN_IF_ERROR(ScanDat());
    g_->index = builder_.Finish();
    v_->end_ = dat_size_;
    v_->published_end_ = v_->end_;
    v_->idx_end_ = idx_end_;
    v_->live_bytes_ = LiveBytes(*g_->index);
    v_->sealed_ = (g_->superblock.flags & format::kSuperblockSealed) != 0;
    return Status::Ok();
  }

 private:
  Status ReadSuperblock() {
    std::string sb(format::kSuperblockSize, '\0');
    ASSIGN_OR_RETURN(size_t n, g_->dat->ReadAt(0, sb.size(), sb.data()));
    if (n < sb.size())
      return InvalidArgumentError(g_->dat->path() + " is not a Bale volume: " +
                                  std::to_string(dat_size_) + " bytes, shorter than a superblock");
    auto decoded = format::DecodeSuperblock(sb);
    if (!decoded.ok()) return decoded.status().WithContext(g_->dat->path());
    g_->superblock = *decoded;
    return Status::Ok();
  }

  Status ResetIdx(std::string_view why) {
    BALE_LOG(kWarning) << "volume " << v_->id_ << ": " << g_->idx->path() << ": " << why
                       << "; rebuilding the index from the .dat";
    RETURN_IF_ERROR(g_->idx->Truncate(0));
    RETURN_IF_ERROR(g_->idx->WriteAt(0, format::EncodeIdxHeader(g_->superblock.revision)));
    idx_end_ = format::kIdxHeaderSize;
    return Status::Ok();
  }

  Status LoadIdx() {
    ASSIGN_OR_RETURN(uint64_t idx_size, g_->idx->Size());
    std::string head(format::kIdxHeaderSize, '\0');
    ASSIGN_OR_RETURN(size_t n, g_->idx->ReadAt(0, head.size(), head.data()));
    head.resize(n);
    auto rev = format::DecodeIdxHeader(head);
    if (!rev.ok()) return ResetIdx(idx_size == 0 ? "empty" : "not an index file");
    if (*rev != g_->superblock.revision)
      return ResetIdx("index of compaction revision " + std::to_string(*rev) + ", volume is " +
                      std::to_string(g_->superblock.revision));

    constexpr size_t kChunkRecords = 1 << 16;
    std::string chunk;
    uint64_t pos = format::kIdxHeaderSize;
    uint64_t prev_offset = 0;
    while (pos + format::kIdxRecordSize <= idx_size) {
      uint64_t want =
          std::min<uint64_t>(kChunkRecords * format::kIdxRecordSize,
                             (idx_size - pos) / format::kIdxRecordSize * format::kIdxRecordSize);
      chunk.resize(want);
      ASSIGN_OR_RETURN(size_t got, g_->idx->ReadAt(pos, want, chunk.data()));
      for (size_t i = 0; i + format::kIdxRecordSize <= got; i += format::kIdxRecordSize) {
        IdxRecord r = format::DecodeIdxRecord(chunk.data() + i);
        bool tomb = r.size == format::kIdxTombstoneSize;
        uint64_t off = uint64_t{r.offset_units} * format::kAlignment;
        uint64_t len = format::NeedleLength(tomb ? 0 : r.size);
        if (off < format::kSuperblockSize || off <= prev_offset || off + len > dat_size_ ||
            (!tomb && r.size > format::kMaxNeedleData)) {
          return TruncateIdx(pos + i, off);
        }
        prev_offset = off;
        scan_from_ = off + len;
        builder_.Add(IndexEntry{r.key, tomb ? 0u : r.offset_units, tomb ? 0u : r.size});
      }
      pos += got;
      if (got < want) break;
    }
    idx_end_ = pos;
    if (pos != idx_size) return TruncateIdx(pos, 0);
    return Status::Ok();
  }

  Status TruncateIdx(uint64_t at, uint64_t bad_offset) {
    BALE_LOG(kWarning) << "volume " << v_->id_ << ": " << g_->idx->path()
                       << ": index ends or is damaged at byte " << at << " (record offset "
                       << bad_offset << "); truncating, the .dat scan recovers the rest";
    idx_end_ = at;
    return g_->idx->Truncate(at);
  }

  Status ScanDat() {
    std::string idx_records;
    uint64_t pos = scan_from_;
    size_t orphans = 0;
    while (pos < dat_size_) {
      NeedleScanner scan(g_->dat.get(), pos, dat_size_);
      while (scan.Next()) {
        const auto& h = scan.header();
        uint32_t units = static_cast<uint32_t>(scan.offset() / format::kAlignment);
        builder_.Add(IndexEntry{h.key, h.tombstone() ? 0u : units, h.size});
        format::AppendIdxRecord(
            IdxRecord{h.key, units, h.tombstone() ? format::kIdxTombstoneSize : h.size},
            &idx_records);
        orphans++;
      }
      RETURN_IF_ERROR(scan.status().WithContext("volume " + std::to_string(v_->id_)));
      pos = scan.position();
      if (!scan.bad()) break;
      ASSIGN_OR_RETURN(auto next, NeedleScanner::FindNextValid(g_->dat.get(), pos + 8, dat_size_));
      if (next) {
        BALE_LOG(kError) << "volume " << v_->id_ << ": corrupt bytes in " << g_->dat->path()
                         << " at offset " << pos << " (" << scan.why() << "), skipped to " << *next;
        pos = *next;
        continue;
      }
      BALE_LOG(kWarning) << "volume " << v_->id_ << ": torn tail in " << g_->dat->path()
                         << " at offset " << pos << " (" << scan.why() << "): truncating "
                         << (dat_size_ - pos) << " bytes";
      RETURN_IF_ERROR(g_->dat->Truncate(pos));
      RETURN_IF_ERROR(g_->dat->Sync());
      dat_size_ = pos;
    }
    if (!idx_records.empty()) {
      RETURN_IF_ERROR(g_->idx->WriteAt(idx_end_, idx_records));
      idx_end_ += idx_records.size();
    }
    if (orphans > 0)
      BALE_LOG(kInfo) << "volume " << v_->id_ << ": indexed " << orphans
                      << " needles found past the index";
    return Status::Ok();
  }

  Volume* v_;
  Generation* g_;
  NeedleIndex::Builder builder_;
  uint64_t dat_size_ = 0;
  uint64_t idx_end_ = 0;
  uint64_t scan_from_ = format::kSuperblockSize;
};

Volume::Volume(FileSystem* fs, Clock* clock, std::string dir, VolumeId id, VolumeOptions options)
    : fs_(fs), clock_(clock), dir_(std::move(dir)), id_(id), options_(options) {}

Volume::~Volume() { Flush().IgnoreError(); }

Result<std::unique_ptr<Volume>> Volume::Create(FileSystem* fs, Clock* clock, const std::string& dir,
                                               VolumeId id, const VolumeOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  RETURN_IF_ERROR(fs->CreateDirs(dir));
  std::string dat_path = DatPath(dir, id);
  if (fs->Exists(dat_path))
    return AlreadyExistsError("volume " + std::to_string(id) + " exists: " + dat_path);
  auto g = std::make_shared<Generation>();
  ASSIGN_OR_RETURN(g->dat, fs->Open(dat_path + ".new", OpenMode::kCreateReadWrite));
  ASSIGN_OR_RETURN(g->idx, fs->Open(IdxPath(dir, id), OpenMode::kCreateReadWrite));
  RETURN_IF_ERROR(g->dat->Truncate(0));
  RETURN_IF_ERROR(g->dat->WriteAt(0, format::EncodeSuperblock(g->superblock)));
  RETURN_IF_ERROR(g->dat->Sync());
  RETURN_IF_ERROR(g->idx->Truncate(0));
  RETURN_IF_ERROR(g->idx->WriteAt(0, format::EncodeIdxHeader(0)));
  RETURN_IF_ERROR(g->idx->Sync());
  // The .dat appears under its name only once whole, so a crash leaves either
  // no volume or an empty valid one.
  RETURN_IF_ERROR(fs->Rename(dat_path + ".new", dat_path));
  RETURN_IF_ERROR(fs->SyncDir(dir));
  ASSIGN_OR_RETURN(g->dat, fs->Open(dat_path, OpenMode::kReadWrite));
  g->index = std::make_unique<NeedleIndex>();
  std::unique_ptr<Volume> v(new Volume(fs, clock, dir, id, options));
  v->gen_ = std::move(g);
  v->end_ = format::kSuperblockSize;
  v->published_end_ = v->end_;
  v->idx_end_ = format::kIdxHeaderSize;
  return v;
}

Result<std::unique_ptr<Volume>> Volume::Open(FileSystem* fs, Clock* clock, const std::string& dir,
                                             VolumeId id, const VolumeOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  auto g = std::make_shared<Generation>();
  ASSIGN_OR_RETURN(g->dat, fs->Open(DatPath(dir, id), OpenMode::kReadWrite));
  ASSIGN_OR_RETURN(g->idx, fs->Open(IdxPath(dir, id), OpenMode::kCreateReadWrite));
  std::unique_ptr<Volume> v(new Volume(fs, clock, dir, id, options));
  Loader loader(v.get(), g.get());
  RETURN_IF_ERROR(loader.Run().WithContext("volume " + std::to_string(id)));
  v->gen_ = std::move(g);
  return v;
}

}  // namespace bale
