#include "backend/store/ec_build.h"

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "common/crc32c.h"

namespace bale::ec {

std::string EncodeCheckpoint(const Checkpoint& c) {
  std::ostringstream o;
  o << "bale-ec-checkpoint 1\n"
    << "volume " << c.id.volume << " revision " << c.id.revision << " nonce " << c.id.nonce << "\n"
    << "k " << c.layout.k << " m " << c.layout.m << " block " << c.layout.block_size << " dat "
    << c.layout.dat_size << " chunk " << c.chunk_size << "\n"
    << "rows " << c.rows_done << "\n";
  for (const auto& out : c.outputs) o << "out " << out.index << " " << out.path << "\n";
  std::string text = o.str();
  return text + "crc " + std::to_string(crc32c::Value(text)) + "\n";
}

Result<Checkpoint> DecodeCheckpoint(std::string_view text) {
  auto bad = [] { return InvalidArgumentError("not an intact encoding checkpoint"); };
  auto crc_at = text.rfind("crc ");
  if (crc_at == std::string_view::npos) return bad();
  if (std::string(text.substr(crc_at)) !=
      "crc " + std::to_string(crc32c::Value(text.substr(0, crc_at))) + "\n")
    return bad();
  std::istringstream in{std::string(text.substr(0, crc_at))};
  std::string w;
  int version = 0;
  Checkpoint c;
  if (!(in >> w >> version) || w != "bale-ec-checkpoint" || version != 1) return bad();
  std::string a, b, d, e, f;
  if (!(in >> a >> c.id.volume >> b >> c.id.revision >> d >> c.id.nonce)) return bad();
  if (!(in >> a >> c.layout.k >> b >> c.layout.m >> d >> c.layout.block_size >> e >>
        c.layout.dat_size >> f >> c.chunk_size))
    return bad();
  if (!(in >> a >> c.rows_done) || a != "rows") return bad();
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.starts_with("out ")) return bad();
    auto sp = line.find(' ', 4);
    if (sp == std::string::npos) return bad();
    c.outputs.push_back({std::stoi(line.substr(4, sp - 4)), line.substr(sp + 1)});
  }
  RETURN_IF_ERROR(c.layout.Check());
  return c;
}

Result<std::string> ReadWholeFile(FileSystem* fs, const std::string& path) {
  ASSIGN_OR_RETURN(auto f, fs->Open(path, OpenMode::kReadOnly));
  ASSIGN_OR_RETURN(uint64_t size, f->Size());
  std::string out(size, '\0');
  ASSIGN_OR_RETURN(size_t n, f->ReadAt(0, size, out.data()));
  out.resize(n);
  return out;
}

std::optional<Checkpoint> ReadCheckpoint(FileSystem* fs, const std::string& path) {
  if (!fs->Exists(path)) return std::nullopt;
  auto text = ReadWholeFile(fs, path);
  if (!text.ok()) return std::nullopt;
  auto c = DecodeCheckpoint(*text);
  if (!c.ok()) return std::nullopt;
  return *c;
}

Status WriteFileAtomically(FileSystem* fs, const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  {
    ASSIGN_OR_RETURN(auto f, fs->Open(tmp, OpenMode::kCreateReadWrite));
    RETURN_IF_ERROR(f->Truncate(0));
    RETURN_IF_ERROR(f->WriteAt(0, bytes));
    RETURN_IF_ERROR(f->Sync());
  }
  RETURN_IF_ERROR(fs->Rename(tmp, path));
  return fs->SyncDir(DirName(path));
}

namespace {

bool SamePlan(const Checkpoint& a, const Checkpoint& b) {
  if (!(a.id == b.id) || a.layout.k != b.layout.k || a.layout.m != b.layout.m ||
      a.layout.block_size != b.layout.block_size || a.layout.dat_size != b.layout.dat_size ||
      a.chunk_size != b.chunk_size || a.outputs.size() != b.outputs.size())
    return false;
  for (size_t i = 0; i < a.outputs.size(); i++)
    if (a.outputs[i].index != b.outputs[i].index || a.outputs[i].path != b.outputs[i].path)
      return false;
  return true;
}

struct Output {
  BuildOutput where;
  std::unique_ptr<File> file;
  std::vector<uint32_t> crcs;
};

// CRCs of the chunks of shard bytes [offset, offset + block.size()); `offset`
// is a multiple of the chunk size.
void ChunkCrcs(std::span<const uint8_t> block, uint64_t offset, uint64_t chunk,
               std::vector<uint32_t>* crcs) {
  for (uint64_t done = 0; done < block.size(); done += chunk) {
    uint64_t n = std::min<uint64_t>(chunk, block.size() - done);
    (*crcs)[(offset + done) / chunk] = crc32c::Value(block.data() + done, n);
  }
}

// Reads shard data [0, end) of `f` back and checks (or, when `fill` is set,
// records) its chunk CRCs.
Status CheckData(File* f, uint64_t end, uint64_t chunk, std::vector<uint32_t>* crcs, bool fill,
                 const std::string& what) {
  std::string buf(chunk, '\0');
  for (uint64_t off = 0; off < end; off += chunk) {
    uint64_t n = std::min(chunk, end - off);
    ASSIGN_OR_RETURN(size_t got, f->ReadAt(kShardHeaderSize + off, n, buf.data()));
    if (got != n) return DataLossError(what + ": shard cut short at " + std::to_string(off));
    uint32_t crc = crc32c::Value(buf.data(), n);
    if (fill) {
      (*crcs)[off / chunk] = crc;
    } else if ((*crcs)[off / chunk] != crc) {
      return DataLossError(what + ": chunk at shard offset " + std::to_string(off) +
                           " does not read back as written");
    }
  }
  return Status::Ok();
}

}  // namespace

Status BuildShards(FileSystem* fs, const Checkpoint& plan, const std::string& checkpoint_path,
                   const RowFiller& fill, const BuildOptions& options) {
  const Layout& L = plan.layout;
  RETURN_IF_ERROR(L.Check());
  if (plan.chunk_size == 0 || L.block_size % plan.chunk_size != 0)
    return InvalidArgumentError("chunk size must divide the block size");
  const uint64_t rows = L.rows();
  ShardHeader header{plan.id, L, 0, plan.chunk_size};
  const uint64_t chunks = header.chunks();

  std::vector<Output> outs;
  uint64_t start_row = 0;
  auto old = ReadCheckpoint(fs, checkpoint_path);
  bool resume = old && SamePlan(*old, plan) && old->rows_done <= rows;
  if (resume) {
    for (const auto& w : plan.outputs) {
      auto f = fs->Open(w.path + ".tmp", OpenMode::kReadWrite);
      if (!f.ok()) {
        resume = false;
        break;
      }
      outs.push_back({w, std::move(*f), std::vector<uint32_t>(chunks)});
    }
  }
  if (resume) {
    start_row = old->rows_done;
    const uint64_t done_bytes = L.row_offset(start_row);
    for (auto& o : outs) {
      RETURN_IF_ERROR(o.file->Truncate(kShardHeaderSize + done_bytes));
      RETURN_IF_ERROR(CheckData(o.file.get(), done_bytes, plan.chunk_size, &o.crcs, true,
                                o.where.path));
    }
  } else {
    outs.clear();
    for (const auto& w : plan.outputs) {
      ASSIGN_OR_RETURN(auto f, fs->Open(w.path + ".tmp", OpenMode::kCreateReadWrite));
      RETURN_IF_ERROR(f->Truncate(0));
      header.index = w.index;
      RETURN_IF_ERROR(f->WriteAt(0, EncodeShardHeader(header)));
      outs.push_back({w, std::move(f), std::vector<uint32_t>(chunks)});
    }
    std::set<std::string> dirs;  // the new files' names must survive a crash too
    for (const auto& w : plan.outputs) dirs.insert(DirName(w.path));
    for (const auto& d : dirs) RETURN_IF_ERROR(fs->SyncDir(d));
    Checkpoint c = plan;
    c.rows_done = 0;
    RETURN_IF_ERROR(WriteFileAtomically(fs, checkpoint_path, EncodeCheckpoint(c)));
  }

  std::vector<std::vector<uint8_t>> buffers(L.k + L.m, std::vector<uint8_t>(L.block_size));
  const auto started = std::chrono::steady_clock::now();
  uint64_t written = 0, since_sync = 0;
  auto last_sync = started;
  for (uint64_t row = start_row; row < rows; row++) {
    if (options.stop && options.stop->load()) return AbortedError("stopped");
    const uint64_t rb = L.row_block(row);
    std::vector<std::span<uint8_t>> blocks;
    for (auto& b : buffers) blocks.emplace_back(b.data(), rb);
    RETURN_IF_ERROR(fill(row, blocks));
    for (auto& o : outs) {
      std::span<const uint8_t> blk = blocks[o.where.index];
      RETURN_IF_ERROR(o.file->WriteAt(
          kShardHeaderSize + L.row_offset(row),
          std::string_view(reinterpret_cast<const char*>(blk.data()), blk.size())));
      ChunkCrcs(blk, L.row_offset(row), plan.chunk_size, &o.crcs);
    }
    written += rb * outs.size();
    since_sync += rb * outs.size();
    if ((since_sync >= options.sync_every ||
         std::chrono::steady_clock::now() - last_sync >= options.sync_interval) &&
        row + 1 < rows) {
      last_sync = std::chrono::steady_clock::now();
      for (auto& o : outs) RETURN_IF_ERROR(o.file->Sync());
      Checkpoint c = plan;
      c.rows_done = row + 1;
      RETURN_IF_ERROR(WriteFileAtomically(fs, checkpoint_path, EncodeCheckpoint(c)));
      since_sync = 0;
    }
    if (options.progress) options.progress(row + 1, rows);
    if (options.max_bytes_per_second > 0) {
      auto due = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(
                                   double(written) / double(options.max_bytes_per_second)));
      while (std::chrono::steady_clock::now() < due) {
        if (options.stop && options.stop->load()) return AbortedError("stopped");
        std::chrono::steady_clock::duration left = due - std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            left, std::chrono::milliseconds(50)));
      }
    }
  }

  std::set<std::string> dirs;
  for (auto& o : outs) {
    RETURN_IF_ERROR(o.file->WriteAt(header.table_offset(), EncodeShardTrailer(o.crcs)));
    header.index = o.where.index;
    RETURN_IF_ERROR(o.file->Truncate(header.file_size()));
    RETURN_IF_ERROR(o.file->Sync());
    // Verified from what the file now holds, not from memory.
    std::string head(kShardHeaderSize, '\0');
    ASSIGN_OR_RETURN(size_t n, o.file->ReadAt(0, head.size(), head.data()));
    auto h = DecodeShardHeader(std::string_view(head.data(), n));
    if (!h.ok() || !(h->id == plan.id) || h->index != o.where.index)
      return DataLossError(o.where.path + ".tmp: header does not read back as written");
    RETURN_IF_ERROR(
        CheckData(o.file.get(), L.shard_size(), plan.chunk_size, &o.crcs, false, o.where.path));
    dirs.insert(DirName(o.where.path));
  }
  for (auto& o : outs) {
    o.file.reset();
    RETURN_IF_ERROR(fs->Rename(o.where.path + ".tmp", o.where.path));
  }
  for (const auto& d : dirs) RETURN_IF_ERROR(fs->SyncDir(d));
  return Status::Ok();
}

}  // namespace bale::ec
