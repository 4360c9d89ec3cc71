// Byte layouts of a volume's files (docs/formats/volume.md has the picture).
// All integers little-endian; everything in a .dat is 8-byte aligned.
//
//   superblock (8):  "BALV" | version u8 | flags u8 (bit0 sealed) | revision u16
//   needle:          header (32) | data (size) | footer (8) | zero padding to 8
//     header:        "NDL1" | cookie u32 | key u64 | flags u8 (bit0 tombstone)
//                    | 3 zero bytes | size u32 | append_time_micros i64
//     footer:        "NEND" | crc32c u32 over header and data
//   .idx header (8): "BALI" | version u8 | 0 u8 | revision u16
//   .idx record (16): key u64 | offset u32 (in 8-byte units) | size u32
//                    (size 0xFFFFFFFF: the record is a tombstone)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "backend/store/types.h"
#include "common/status.h"

namespace bale::format {

inline constexpr uint64_t kAlignment = 8;
inline constexpr uint64_t kSuperblockSize = 8;
inline constexpr uint8_t kVersion = 1;
inline constexpr uint8_t kSuperblockSealed = 0x01;
inline constexpr uint64_t kNeedleHeaderSize = 32;
inline constexpr uint64_t kNeedleFooterSize = 8;
inline constexpr uint8_t kNeedleTombstone = 0x01;
inline constexpr uint64_t kIdxHeaderSize = 8;
inline constexpr uint64_t kIdxRecordSize = 16;
inline constexpr uint32_t kIdxTombstoneSize = 0xFFFFFFFFu;
// Largest data size of one needle; leaves kIdxTombstoneSize free.
inline constexpr uint32_t kMaxNeedleData = 0xFFFFFFFEu - kNeedleHeaderSize - kNeedleFooterSize;
// Offsets are u32 counts of 8-byte units.
inline constexpr uint64_t kMaxVolumeBytes = uint64_t{0xFFFFFFFF} * kAlignment;

constexpr uint64_t AlignUp(uint64_t n) { return (n + kAlignment - 1) & ~(kAlignment - 1); }
// Bytes a needle with `data_size` data bytes occupies in the .dat.
constexpr uint64_t NeedleLength(uint32_t data_size) {
  return AlignUp(kNeedleHeaderSize + uint64_t{data_size} + kNeedleFooterSize);
}

struct Superblock {
  uint8_t version = kVersion;
  uint8_t flags = 0;
  uint16_t revision = 0;
};
std::string EncodeSuperblock(const Superblock& sb);
// INVALID_ARGUMENT if `bytes` is not a Bale volume superblock; FAILED_PRECONDITION
// for a version this build cannot read.
Result<Superblock> DecodeSuperblock(std::string_view bytes);

struct NeedleHeader {
  Cookie cookie = 0;
  NeedleKey key = 0;
  uint8_t flags = 0;
  uint32_t size = 0;
  int64_t append_time_micros = 0;
  bool tombstone() const { return flags & kNeedleTombstone; }
};

// The bytes of a needle around its data: the header, and the footer with its
// padding, CRC computed. Lets a writer encode its needle on its own thread and
// the appender write header, caller's data and tail with one pwritev.
struct NeedleFrame {
  char head[kNeedleHeaderSize];
  char tail[kNeedleFooterSize + kAlignment];
  uint8_t tail_size = 0;
  std::string_view head_view() const { return {head, kNeedleHeaderSize}; }
  std::string_view tail_view() const { return {tail, tail_size}; }
};
NeedleFrame EncodeNeedleFrame(const NeedleHeader& header, std::string_view data);

// Appends the full needle (header, data, footer, padding) to `out`.
void AppendNeedle(const NeedleHeader& header, std::string_view data, std::string* out);
// Parses a header; INVALID_ARGUMENT when the magic is wrong or size is absurd.
Result<NeedleHeader> DecodeNeedleHeader(std::string_view bytes);

// Checks a whole needle read from the .dat (exactly NeedleLength(size) bytes):
// header magic, footer magic and CRC. Returns the header. DATA_LOSS on any
// mismatch, with `what` (volume and offset) in the message.
Result<NeedleHeader> VerifyNeedle(std::string_view needle, std::string_view what);
// The same check of a needle read in three pieces: `head` (kNeedleHeaderSize
// bytes), `data` and `tail` (footer and padding), so a reader can put the data
// straight where it is wanted.
Result<NeedleHeader> VerifyNeedleParts(std::string_view head, std::string_view data,
                                       std::string_view tail, std::string_view what);

struct IdxRecord {
  NeedleKey key = 0;
  uint32_t offset_units = 0;  // needle offset / 8
  uint32_t size = 0;          // data size, or kIdxTombstoneSize
};
std::string EncodeIdxHeader(uint16_t revision);
// Returns the revision; INVALID_ARGUMENT when the header is not an index header.
Result<uint16_t> DecodeIdxHeader(std::string_view bytes);
void AppendIdxRecord(const IdxRecord& r, std::string* out);
IdxRecord DecodeIdxRecord(const char* p);

// Little-endian helpers.
void PutU16(char* p, uint16_t v);
void PutU32(char* p, uint32_t v);
void PutU64(char* p, uint64_t v);
uint16_t GetU16(const char* p);
uint32_t GetU32(const char* p);
uint64_t GetU64(const char* p);

}  // namespace bale::format
