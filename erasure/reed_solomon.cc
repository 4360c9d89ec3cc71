#include "erasure/reed_solomon.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include <jerasure.h>
#include <jerasure/reed_sol.h>

#include "erasure/gf_region.h"

namespace bale::erasure {
namespace {

// GF(2^8): one byte per symbol, so any shard size works column by column and
// k + m ≤ 256 is far above kMaxDataShards + kMaxParityShards.
constexpr int kWordBits = 8;

std::string Name(int k, int m) { return "RS(" + std::to_string(k) + "," + std::to_string(m) + ")"; }

// The one size shared by all `shards`, which must number `count`.
template <typename Byte>
Result<size_t> CommonSize(std::span<const std::span<Byte>> shards, size_t count,
                          const std::string& what) {
  if (shards.size() != count) {
    return InvalidArgumentError(std::to_string(shards.size()) + " " + what + " shards given, " +
                                std::to_string(count) + " needed");
  }
  const size_t size = count == 0 ? 0 : shards[0].size();
  for (size_t i = 0; i < shards.size(); ++i) {
    if (shards[i].size() != size) {
      return InvalidArgumentError(what + " shard " + std::to_string(i) + " has " +
                                  std::to_string(shards[i].size()) + " bytes, shard 0 has " +
                                  std::to_string(size));
    }
  }
  if (size % ReedSolomon::kShardAlignment != 0) {
    return InvalidArgumentError("shard size " + std::to_string(size) + " is not a multiple of " +
                                std::to_string(ReedSolomon::kShardAlignment));
  }
  return size;
}

// A bit per shard id set for each entry of `missing`, after checking that the
// ids are in range, distinct and at most m.
Result<uint64_t> MissingMask(std::span<const int> missing, int k, int m) {
  if (missing.size() > static_cast<size_t>(m)) {
    return InvalidArgumentError(std::to_string(missing.size()) + " shards missing, " + Name(k, m) +
                                " recovers at most " + std::to_string(m));
  }
  uint64_t mask = 0;
  for (int id : missing) {
    if (id < 0 || id >= k + m) {
      return InvalidArgumentError("missing shard " + std::to_string(id) + " is not in [0, " +
                                  std::to_string(k + m) + ")");
    }
    if (mask & (uint64_t{1} << id)) {
      return InvalidArgumentError("missing shard " + std::to_string(id) + " is listed twice");
    }
    mask |= uint64_t{1} << id;
  }
  return mask;
}

}  // namespace

Result<ReedSolomon> ReedSolomon::Create(int k, int m) {
  if (k < 1 || k > kMaxDataShards || m < 1 || m > kMaxParityShards) {
    return InvalidArgumentError(Name(k, m) + ": k must be in [1, " +
                                std::to_string(kMaxDataShards) + "] and m in [1, " +
                                std::to_string(kMaxParityShards) + "]");
  }
  InitGaloisFields();
  // Vandermonde rather than Cauchy: jerasure derives it from an extended
  // Vandermonde matrix by column operations, so it is MDS for every k + m ≤ 256,
  // and its first parity row is all ones, making parity 0 a plain XOR (the
  // cheapest region operation). Cauchy's advantage, few ones in the bit
  // matrix, only pays with jerasure's bit-matrix (XOR schedule) coding.
  int* matrix = reed_sol_vandermonde_coding_matrix(k, m, kWordBits);
  if (matrix == nullptr)
    return InternalError("jerasure could not build the " + Name(k, m) + " matrix");
  std::vector<int> rows(matrix, matrix + k * m);
  std::free(matrix);
  if (!std::all_of(rows.begin(), rows.begin() + k, [](int c) { return c == 1; })) {
    return InternalError(Name(k, m) + ": parity 0 is not the XOR of the data, as decode assumes");
  }
  return ReedSolomon(k, m, std::move(rows));
}

Status ReedSolomon::Encode(std::span<const std::span<const uint8_t>> data,
                           std::span<const std::span<uint8_t>> parity) const {
  ASSIGN_OR_RETURN(size_t size, CommonSize(data, k_, "data"));
  ASSIGN_OR_RETURN(size_t parity_size, CommonSize(parity, m_, "parity"));
  if (parity_size != size) {
    return InvalidArgumentError("parity shards have " + std::to_string(parity_size) +
                                " bytes, data shards " + std::to_string(size));
  }
  std::vector<const uint8_t*> srcs;
  std::vector<uint8_t*> dests;
  for (const auto& d : data) srcs.push_back(d.data());
  for (const auto& p : parity) dests.push_back(p.data());
  MatrixMultiply(parity_rows_, srcs, dests, size);
  return Status::Ok();
}

Status ReedSolomon::Reconstruct(std::span<const std::span<uint8_t>> shards,
                                std::span<const int> missing) const {
  return ReconstructRange(shards, missing, 0, shards.empty() ? 0 : shards[0].size());
}

Status ReedSolomon::ReconstructRange(std::span<const std::span<uint8_t>> shards,
                                     std::span<const int> missing, size_t offset,
                                     size_t length) const {
  ASSIGN_OR_RETURN(size_t size, CommonSize(shards, k_ + m_, "all"));
  if (offset % kShardAlignment != 0 || length % kShardAlignment != 0) {
    return InvalidArgumentError("range at " + std::to_string(offset) + " of " +
                                std::to_string(length) + " bytes is not aligned to " +
                                std::to_string(kShardAlignment));
  }
  if (offset > size || length > size - offset) {
    return InvalidArgumentError("range at " + std::to_string(offset) + " of " +
                                std::to_string(length) + " bytes exceeds the shard size " +
                                std::to_string(size));
  }
  ASSIGN_OR_RETURN(uint64_t mask, MissingMask(missing, k_, m_));
  if (missing.empty() || length == 0) return Status::Ok();
  auto at = [&](int id) { return shards[id].data() + offset; };
  auto lost = [&](int id) { return (mask & (uint64_t{1} << id)) != 0; };

  // Like jerasure_matrix_decode: lost data shards from the inverse of the
  // survivors' matrix, except the last, which comes from parity 0 (a row of
  // ones: XOR only) when it survives; then lost parity re-encoded from data.
  std::vector<int> lost_data, lost_parity;
  for (int id = 0; id < k_ + m_; ++id) {
    if (lost(id)) (id < k_ ? lost_data : lost_parity).push_back(id);
  }
  const int by_xor = !lost_data.empty() && !lost(k_) ? lost_data.back() : -1;
  if (by_xor >= 0) lost_data.pop_back();

  std::vector<const uint8_t*> srcs;
  std::vector<uint8_t*> dests;
  if (!lost_data.empty()) {
    std::vector<int> survivors;
    for (int id = 0; static_cast<int>(survivors.size()) < k_; ++id) {
      if (!lost(id)) survivors.push_back(id);
    }
    ASSIGN_OR_RETURN(std::vector<int> rows, InverseRows(survivors, lost_data));
    for (int id : survivors) srcs.push_back(at(id));
    for (int id : lost_data) dests.push_back(at(id));
    MatrixMultiply(rows, srcs, dests, length);
  }
  if (by_xor >= 0) {
    srcs = {at(k_)};
    for (int id = 0; id < k_; ++id) {
      if (id != by_xor) srcs.push_back(at(id));
    }
    dests = {at(by_xor)};
    MatrixMultiply(std::vector<int>(k_, 1), srcs, dests, length);
  }
  if (!lost_parity.empty()) {
    srcs.clear();
    dests.clear();
    std::vector<int> rows;
    for (int id = 0; id < k_; ++id) srcs.push_back(at(id));
    for (int id : lost_parity) {
      dests.push_back(at(id));
      auto row = std::span(parity_rows_).subspan((id - k_) * k_, k_);
      rows.insert(rows.end(), row.begin(), row.end());
    }
    MatrixMultiply(rows, srcs, dests, length);
  }
  return Status::Ok();
}

// The survivors are S · data, where S stacks their generator rows (a unit row
// for a data shard, a coding-matrix row for a parity shard); so data is
// S⁻¹ · survivors and lost data shard d is row d of S⁻¹ times the survivors.
Result<std::vector<int>> ReedSolomon::InverseRows(std::span<const int> survivors,
                                                  std::span<const int> lost_data) const {
  const int k = k_;
  std::vector<int> s(k * k, 0);
  for (int i = 0; i < k; ++i) {
    const int id = survivors[i];
    if (id < k) {
      s[i * k + id] = 1;
    } else {
      std::copy_n(parity_rows_.begin() + (id - k) * k, k, s.begin() + i * k);
    }
  }
  std::vector<int> inverse(k * k);
  if (jerasure_invert_matrix(s.data(), inverse.data(), k, kWordBits) < 0) {
    return InternalError(Name(k_, m_) + ": the survivors' matrix is singular");
  }
  std::vector<int> rows;
  for (int d : lost_data)
    rows.insert(rows.end(), inverse.begin() + d * k, inverse.begin() + (d + 1) * k);
  return rows;
}

}  // namespace bale::erasure
