// Basic identifiers of the Haystack store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bale {

using VolumeId = uint32_t;
using NeedleKey = uint64_t;
using Cookie = uint32_t;

// What a reader learns about a needle without its data.
struct NeedleMeta {
  NeedleKey key = 0;
  Cookie cookie = 0;
  uint32_t size = 0;               // data bytes
  int64_t append_time_micros = 0;  // when the needle was appended
};

// Where a needle lies in its volume's .dat (as in a .idx record).
struct NeedleLocation {
  NeedleKey key = 0;
  uint32_t offset_units = 0;  // offset / 8
  uint32_t size = 0;          // data bytes
};

// A live needle of a volume: its key and data bytes.
struct LiveNeedle {
  NeedleKey key = 0;
  uint32_t size = 0;
};

// One needle of a batch write.
struct NeedleWrite {
  NeedleKey key = 0;
  Cookie cookie = 0;
  std::string_view data;
};

// A point-in-time picture of one volume, for status pages and the compactor.
struct VolumeStats {
  VolumeId id = 0;
  std::string drive;       // directory holding the volume files
  bool ok = true;          // false: the volume failed to open (see error)
  std::string error;       // why it failed or why it is read-only
  bool read_only = false;  // sealed, or made read-only after an I/O error
  bool sealed = false;
  uint32_t revision = 0;    // compaction revision
  uint64_t needles = 0;     // live needles
  uint64_t file_bytes = 0;  // size of the .dat file
  uint64_t live_bytes = 0;  // bytes of live needles (header+data+footer+padding)
  uint64_t size_limit = 0;
  double garbage_ratio = 0;  // share of needle bytes that compaction would drop
  uint64_t index_bytes = 0;  // memory held by the in-memory index
  bool compacting = false;
  double compaction_progress = 0;  // 0..1 while compacting
  uint64_t reclaimed_bytes = 0;    // dead-needle bytes compactions dropped since it opened
  // Redundancy (docs/formats/erasure.md).
  std::string coding = "none";  // "none" (replicas), "encoding", "coded", "degraded"
  double coding_progress = 0;   // 0..1 while encoding, or repairing a coded volume
  int ec_k = 0;
  int ec_m = 0;
  int shards_ok = 0;  // coded: shards present and not known corrupt
  int replicas = 1;   // not coded: copies of the .dat on distinct drives
  std::vector<std::string> drives;  // every drive holding a copy or a shard
};

}  // namespace bale
