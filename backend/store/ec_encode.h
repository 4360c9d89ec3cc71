// Encoding a sealed volume into RS(k, m) shards (f4's cold storage): the .dat
// is read row by row, k data blocks and m parity blocks a row are written to
// k + m shard files on k + m distinct drives, then the sorted index and an
// empty delete journal are written beside the first m + 1 shards. Throttled, with
// progress, and resumable: a checkpoint <vid>.ecp beside the .dat records the
// encoding (its nonce and drives) and the rows done; removing it is the
// commit. Until then the .dat stays the volume; afterwards the store serves
// the shards and removes the .dat.
//
// Thread-safety: one encoding of a volume at a time (the store sees to it).
#pragma once

#include <string>
#include <vector>

#include "backend/store/ec_build.h"
#include "backend/store/volume.h"
#include "common/file_system.h"

namespace bale {

struct EncodePlan {
  int k = 0;
  int m = 0;
  uint64_t block_size = ec::kDefaultBlockSize;
  uint64_t chunk_size = ec::kDefaultChunkSize;
  // At least k + m distinct drives; the shards go to the first k + m. Ignored
  // when a checkpoint of the same .dat resumes an earlier start.
  std::vector<std::string> drives;
};

// The checkpoint path of volume `v`'s encoding.
std::string EncodeCheckpointPath(const std::string& dir, VolumeId vid);

// Encodes sealed volume `v`; nothing must compact it meanwhile.
// FAILED_PRECONDITION when it is not sealed or the plan cannot be honoured.
Status EncodeSealedVolume(FileSystem* fs, const Volume& v, const EncodePlan& plan,
                          const ec::BuildOptions& options);

}  // namespace bale
