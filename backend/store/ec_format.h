// Byte layouts and offset arithmetic of an erasure-coded (sealed) volume:
// the .dat of a sealed volume cut into rows of k blocks, m parity blocks a
// row, spread over k + m shard files on k + m distinct drives (f4's layout).
// docs/formats/erasure.md has the picture.
//
//   row r < R-1:  k blocks of block_size bytes; block c of row r is bytes
//                 [r*B + c*B ... ) of the .dat and bytes [r*B, r*B + B) of
//                 shard c. Parity shards hold the m parity blocks of the row
//                 at the same shard offset.
//   last row:     the rest of the .dat in k blocks of last_block bytes each
//                 (ceil(rest / k) rounded up to 8): at most 8*k zero bytes of
//                 padding per volume, so (k+m)/k holds for small volumes too.
//
// Files (all integers little-endian):
//   shard <vid>.ec<NN>:  header (4096) | shard data (shard_size) |
//                        checksum table (u32 CRC32C per chunk_size of data) |
//                        footer (16): "BALC" | chunks u32 | crc32c of table u32 | 0 u32
//   index <vid>.ecx:     header (64) | record (16) per live needle, sorted by key |
//                        crc32c u32 over everything before | "XEND"
//   journal <vid>.ecj:   header (16): "BALJ" | version u8 | 0 u8 | revision u16 | nonce u64
//                        | record (16) per delete: key u64 | cookie u32 |
//                        crc32c u32 of (nonce, key, cookie, volume)
// Every file names the volume, its compaction revision and the encoding's
// random nonce, so a shard of another volume, another revision or an older
// encoding of the same volume is refused, never decoded.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/store/needle_format.h"
#include "backend/store/types.h"
#include "common/status.h"

namespace bale::ec {

inline constexpr uint64_t kShardHeaderSize = 4096;
inline constexpr uint64_t kShardFooterSize = 16;
inline constexpr uint64_t kIndexHeaderSize = 64;
inline constexpr uint64_t kIndexFooterSize = 8;
inline constexpr uint64_t kJournalHeaderSize = 16;
inline constexpr uint64_t kJournalRecordSize = 16;
inline constexpr uint64_t kDefaultBlockSize = 1 << 20;
inline constexpr uint64_t kDefaultChunkSize = 64 << 10;

// Where the bytes of a sealed .dat of dat_size bytes live among the shards.
struct Layout {
  int k = 0;
  int m = 0;
  uint64_t block_size = kDefaultBlockSize;  // multiple of 8
  uint64_t dat_size = 0;

  // INVALID_ARGUMENT unless 1 ≤ k ≤ 32, 1 ≤ m ≤ 8, block_size a positive
  // multiple of 8, dat_size > 0.
  Status Check() const;
  uint64_t rows() const;
  uint64_t last_block() const;
  uint64_t shard_size() const;
  // Block size of row r (block_size, or last_block for the last row).
  uint64_t row_block(uint64_t row) const { return row + 1 < rows() ? block_size : last_block(); }
  // Shard offset where row r starts.
  uint64_t row_offset(uint64_t row) const { return row * block_size; }
};

// A piece of a .dat byte range that lies in one block: `length` bytes at
// `shard_offset` of data shard `shard`.
struct Piece {
  int shard = 0;
  uint64_t shard_offset = 0;
  uint64_t length = 0;
};
// The pieces of .dat bytes [offset, offset + length), in .dat order. The range
// must lie inside the .dat.
std::vector<Piece> MapRange(const Layout& layout, uint64_t offset, uint64_t length);

// Identity of one encoding of one volume, carried by every file of it.
struct Identity {
  VolumeId volume = 0;
  uint16_t revision = 0;  // compaction revision of the encoded .dat
  uint64_t nonce = 0;     // random, per encoding
  bool operator==(const Identity&) const = default;
};

struct ShardHeader {
  Identity id;
  Layout layout;
  int index = 0;  // 0..k-1 data, k..k+m-1 parity
  uint64_t chunk_size = kDefaultChunkSize;
  uint64_t chunks() const;
  // Size the whole file must have.
  uint64_t file_size() const;
  uint64_t table_offset() const { return kShardHeaderSize + layout.shard_size(); }
};
std::string EncodeShardHeader(const ShardHeader& h);
// INVALID_ARGUMENT for anything that is not an intact shard header.
Result<ShardHeader> DecodeShardHeader(std::string_view bytes);
// The table and footer that end a shard file.
std::string EncodeShardTrailer(const std::vector<uint32_t>& chunk_crcs);
// The chunk CRCs, after checking the footer against the table; INVALID_ARGUMENT otherwise.
Result<std::vector<uint32_t>> DecodeShardTrailer(std::string_view bytes, uint64_t chunks);

std::string ShardName(VolumeId vid, int index);    // "7.ec03"
std::string IndexName(VolumeId vid);               // "7.ecx"
std::string JournalName(VolumeId vid);             // "7.ecj"
// "7.ec03" -> (7, 3); anything else -> nullopt.
std::optional<std::pair<VolumeId, int>> ParseShardName(std::string_view name);

using IndexRecord = NeedleLocation;
// The whole of a .ecx: which encoding, its layout, and the needles.
struct IndexFile {
  Identity id;
  Layout layout;
  uint64_t chunk_size = kDefaultChunkSize;
  std::vector<IndexRecord> records;  // sorted by key
};
std::string EncodeIndex(const IndexFile& index);
Result<IndexFile> DecodeIndex(std::string_view bytes);

std::string EncodeJournalHeader(const Identity& id);
Result<Identity> DecodeJournalHeader(std::string_view bytes, VolumeId volume);
std::string EncodeJournalRecord(const Identity& id, NeedleKey key, Cookie cookie);
// nullopt for a torn or foreign record.
std::optional<std::pair<NeedleKey, Cookie>> DecodeJournalRecord(const Identity& id,
                                                                std::string_view bytes);

}  // namespace bale::ec
