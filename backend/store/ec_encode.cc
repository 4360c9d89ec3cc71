#include "backend/store/ec_encode.h"

#include <cstring>
#include <random>
#include <set>

#include "common/log.h"
#include "erasure/reed_solomon.h"

namespace bale {

std::string EncodeCheckpointPath(const std::string& dir, VolumeId vid) {
  return JoinPath(dir, std::to_string(vid) + ".ecp");
}

Status EncodeSealedVolume(FileSystem* fs, const Volume& v, const EncodePlan& plan,
                          const ec::BuildOptions& options) {
  const std::string name = "volume " + std::to_string(v.id());
  if (!v.Stats().sealed) return FailedPreconditionError(name + " is not sealed");
  Volume::Image image = v.Snapshot();
  const std::string checkpoint = EncodeCheckpointPath(v.dir(), v.id());

  ec::Checkpoint job;
  job.layout = {plan.k, plan.m, plan.block_size, image.dat_size};
  job.chunk_size = plan.chunk_size;
  RETURN_IF_ERROR(job.layout.Check().WithContext(name));
  auto old = ec::ReadCheckpoint(fs, checkpoint);
  if (old && old->id.volume == v.id() && old->id.revision == image.revision &&
      old->layout.dat_size == image.dat_size && old->layout.k == plan.k &&
      old->layout.m == plan.m && old->layout.block_size == plan.block_size &&
      old->chunk_size == plan.chunk_size) {
    job = *old;  // the same nonce and drives: BuildShards resumes its rows
    BALE_LOG(kInfo) << name << ": resuming its encoding at row " << old->rows_done << " of "
                    << job.layout.rows();
  } else {
    std::set<std::string> distinct(plan.drives.begin(), plan.drives.end());
    if (distinct.size() != plan.drives.size() || int(plan.drives.size()) < plan.k + plan.m)
      return FailedPreconditionError(name + ": RS(" + std::to_string(plan.k) + "," +
                                     std::to_string(plan.m) + ") needs " +
                                     std::to_string(plan.k + plan.m) + " distinct drives");
    job.id = {v.id(), image.revision, std::random_device{}() * 0x100000000ull ^ std::random_device{}()};
    for (int i = 0; i < plan.k + plan.m; i++) {
      RETURN_IF_ERROR(fs->CreateDirs(plan.drives[i]));
      job.outputs.push_back({i, JoinPath(plan.drives[i], ec::ShardName(v.id(), i))});
    }
  }

  ASSIGN_OR_RETURN(auto dat, fs->Open(image.dat_path, OpenMode::kReadOnly));
  ASSIGN_OR_RETURN(auto rs, erasure::ReedSolomon::Create(plan.k, plan.m));
  const ec::Layout L = job.layout;
  auto fill = [&](uint64_t row, std::span<const std::span<uint8_t>> blocks) -> Status {
    const uint64_t rb = L.row_block(row);
    const uint64_t row_start = row * uint64_t(L.k) * L.block_size;
    for (int c = 0; c < L.k; c++) {
      uint64_t off = row_start + uint64_t(c) * rb;
      uint64_t want = off >= L.dat_size ? 0 : std::min(rb, L.dat_size - off);
      char* dst = reinterpret_cast<char*>(blocks[c].data());
      if (want > 0) {
        ASSIGN_OR_RETURN(size_t got, dat->ReadAt(off, want, dst));
        if (got != want) return DataLossError(image.dat_path + ": cut short while encoding");
      }
      std::memset(dst + want, 0, rb - want);
    }
    std::vector<std::span<const uint8_t>> data(blocks.begin(), blocks.begin() + L.k);
    return rs.Encode(data, blocks.subspan(L.k));
  };
  RETURN_IF_ERROR(ec::BuildShards(fs, job, checkpoint, fill, options).WithContext(name));

  // The index and an empty journal beside every shard, then the commit.
  ec::IndexFile index{job.id, L, job.chunk_size, image.needles};
  const std::string index_bytes = ec::EncodeIndex(index);
  const std::string journal = ec::EncodeJournalHeader(job.id);
  for (int i = 0; i <= L.m; i++) {  // m + 1 copies: any m lost drives leave one
    std::string dir = DirName(job.outputs[i].path);
    RETURN_IF_ERROR(ec::WriteFileAtomically(fs, JoinPath(dir, ec::IndexName(v.id())), index_bytes));
    RETURN_IF_ERROR(ec::WriteFileAtomically(fs, JoinPath(dir, ec::JournalName(v.id())), journal));
  }
  RETURN_IF_ERROR(fs->Remove(checkpoint));
  return fs->SyncDir(v.dir());
}

}  // namespace bale
