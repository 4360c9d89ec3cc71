// Writing shard files, row by row, the way both encoding (from a sealed .dat)
// and repair (from surviving shards) need: throttled, with progress, and
// resumable after a crash from a checkpoint file.
//
// Each output is written as <final path>.tmp. Every `sync_every` bytes the
// outputs are fdatasync'ed and the checkpoint (rows done, the identity, the
// outputs) is replaced atomically; a later BuildShards with the same
// checkpoint path and identity truncates the outputs to the checkpointed rows
// and goes on from there. At the end each output gets its checksum table, is
// synced, read back and checked against the checksums computed from memory,
// then renamed into place (and its directory synced). The checkpoint stays:
// the caller removes it once its own commit (for encoding, the index copies)
// is durable, so that a crash before then resumes rather than trusts.
//
// Thread-safety: BuildShards may run on several threads for distinct volumes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backend/store/ec_format.h"
#include "common/file_system.h"
#include "common/status.h"

namespace bale::ec {

struct BuildOutput {
  int index = 0;     // shard index
  std::string path;  // final path (<drive>/<vid>.ecNN)
};

struct Checkpoint {
  Identity id;
  Layout layout;
  uint64_t chunk_size = kDefaultChunkSize;
  uint64_t rows_done = 0;
  std::vector<BuildOutput> outputs;
};
std::string EncodeCheckpoint(const Checkpoint& c);
Result<Checkpoint> DecodeCheckpoint(std::string_view text);
// The checkpoint at `path`, or nullopt when it is absent or unreadable.
std::optional<Checkpoint> ReadCheckpoint(FileSystem* fs, const std::string& path);

// Fills the blocks of row `row` (each row_block(row) bytes long) of the
// shards the build writes: `blocks[i]` is shard i's block (all k + m are
// given; only those listed in the outputs need be filled).
using RowFiller = std::function<Status(uint64_t row, std::span<const std::span<uint8_t>> blocks)>;

struct BuildOptions {
  uint64_t max_bytes_per_second = 0;  // bytes written; 0: unthrottled
  uint64_t sync_every = 64ull << 20;  // bytes written between checkpoints...
  std::chrono::milliseconds sync_interval{1000};  // ... or this long, whichever comes first
  std::function<void(uint64_t rows_done, uint64_t rows)> progress;
  const std::atomic<bool>* stop = nullptr;  // set: give up at the next row (ABORTED)
};

// Builds `plan.outputs` (plan.rows_done is ignored: resumption comes from the
// checkpoint file when it names the same identity and outputs).
Status BuildShards(FileSystem* fs, const Checkpoint& plan, const std::string& checkpoint_path,
                   const RowFiller& fill, const BuildOptions& options);

// Writes `bytes` to `path` durably: a .tmp beside it, fdatasync, rename, SyncDir.
Status WriteFileAtomically(FileSystem* fs, const std::string& path, std::string_view bytes);
// The whole file, or its error.
Result<std::string> ReadWholeFile(FileSystem* fs, const std::string& path);

}  // namespace bale::ec
