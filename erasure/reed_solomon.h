// ReedSolomon: a systematic Reed-Solomon code RS(k, m) over GF(2^8) on byte
// buffers ("shards"). k data shards and m parity shards of equal size; any k of
// the k + m recover all the others. Pure: no I/O, no allocation per byte.
//
// The code works column by column: byte i of every parity shard depends only
// on byte i of the data shards. A byte range [offset, offset + length) of the
// shards is therefore itself an RS(k, m) codeword, and a degraded read decodes
// just the range it needs from k surviving shards (ReconstructRange).
//
// Alignment: shard sizes, and the offset and length of a range, must be
// multiples of kShardAlignment (8 bytes, sizeof(long): jerasure's contract for
// its region operations). Buffers may start at any address.
//
// Thread-safety: immutable after Create; its const methods may run
// concurrently from many threads, each writing its own buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"

namespace bale::erasure {

class ReedSolomon {
 public:
  static constexpr int kMaxDataShards = 32;
  static constexpr int kMaxParityShards = 8;
  static constexpr size_t kShardAlignment = 8;

  // InvalidArgument unless 1 ≤ k ≤ kMaxDataShards and 1 ≤ m ≤ kMaxParityShards.
  static Result<ReedSolomon> Create(int k, int m);

  int k() const { return k_; }
  int m() const { return m_; }

  // Computes the m parity shards from the k data shards (all of one size).
  Status Encode(std::span<const std::span<const uint8_t>> data,
                std::span<const std::span<uint8_t>> parity) const;

  // Rewrites the shards listed in `missing` from the others. `shards` holds
  // all k + m shards, data first, of one size. Reads only the k lowest-indexed
  // shards not in `missing`; any other shard is neither read nor written, so a
  // degraded reader fills just those k and lists only the shards it wants.
  // At most m missing, no duplicates; on any error nothing is written.
  Status Reconstruct(std::span<const std::span<uint8_t>> shards,
                     std::span<const int> missing) const;

  // Reconstruct restricted to bytes [offset, offset + length) of every shard:
  // nothing outside that range is read or written.
  Status ReconstructRange(std::span<const std::span<uint8_t>> shards, std::span<const int> missing,
                          size_t offset, size_t length) const;

 private:
  ReedSolomon(int k, int m, std::vector<int> parity_rows)
      : k_(k), m_(m), parity_rows_(std::move(parity_rows)) {}

  // Rows of the inverse of the survivors' matrix (survivors: the k lowest
  // surviving ids) that rebuild the data shards `lost_data`.
  Result<std::vector<int>> InverseRows(std::span<const int> survivors,
                                       std::span<const int> lost_data) const;

  int k_;
  int m_;
  std::vector<int> parity_rows_;  // m × k, row-major: the coding matrix; row 0 all ones
};

}  // namespace bale::erasure
