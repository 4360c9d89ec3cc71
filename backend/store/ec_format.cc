#include "backend/store/ec_format.h"

#include <charconv>
#include <cstring>

#include "common/crc32c.h"

namespace bale::ec {

using format::GetU16;
using format::GetU32;
using format::GetU64;
using format::PutU16;
using format::PutU32;
using format::PutU64;

namespace {

constexpr char kShardMagic[4] = {'B', 'A', 'L', 'S'};
constexpr char kTrailerMagic[4] = {'B', 'A', 'L', 'C'};
constexpr char kIndexMagic[4] = {'B', 'A', 'L', 'X'};
constexpr char kIndexEnd[4] = {'X', 'E', 'N', 'D'};
constexpr char kJournalMagic[4] = {'B', 'A', 'L', 'J'};
constexpr uint8_t kEcVersion = 1;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

Status Layout::Check() const {
  if (k < 1 || k > 32 || m < 1 || m > 8)
    return InvalidArgumentError("RS(" + std::to_string(k) + "," + std::to_string(m) +
                                ") is outside 1 ≤ k ≤ 32, 1 ≤ m ≤ 8");
  if (block_size == 0 || block_size % format::kAlignment != 0)
    return InvalidArgumentError("block size " + std::to_string(block_size) +
                                " is not a positive multiple of 8");
  if (dat_size == 0) return InvalidArgumentError("an empty .dat cannot be encoded");
  return Status::Ok();
}

uint64_t Layout::rows() const {
  return dat_size == 0 ? 0 : CeilDiv(dat_size, uint64_t(k) * block_size);
}

uint64_t Layout::last_block() const {
  if (dat_size == 0) return 0;
  uint64_t rest = dat_size - (rows() - 1) * uint64_t(k) * block_size;
  return format::AlignUp(CeilDiv(rest, k));
}

uint64_t Layout::shard_size() const {
  return dat_size == 0 ? 0 : (rows() - 1) * block_size + last_block();
}

std::vector<Piece> MapRange(const Layout& layout, uint64_t offset, uint64_t length) {
  std::vector<Piece> out;
  const uint64_t full_row = uint64_t(layout.k) * layout.block_size;
  const uint64_t last_row = layout.rows() - 1;
  while (length > 0) {
    uint64_t row = std::min(offset / full_row, last_row);
    uint64_t block = layout.row_block(row);
    uint64_t in_row = offset - row * full_row;
    int col = static_cast<int>(in_row / block);
    uint64_t in_block = in_row % block;
    uint64_t n = std::min(length, block - in_block);
    out.push_back({col, layout.row_offset(row) + in_block, n});
    offset += n;
    length -= n;
  }
  return out;
}

uint64_t ShardHeader::chunks() const { return CeilDiv(layout.shard_size(), chunk_size); }

uint64_t ShardHeader::file_size() const {
  return kShardHeaderSize + layout.shard_size() + 4 * chunks() + kShardFooterSize;
}

// header: "BALS" | version u8 | k u8 | m u8 | index u8 | volume u32 | revision u16 | 0 u16
//         | nonce u64 | block_size u64 | dat_size u64 | chunk_size u64 | zeros | crc32c u32 at 4092
std::string EncodeShardHeader(const ShardHeader& h) {
  std::string b(kShardHeaderSize, '\0');
  std::memcpy(b.data(), kShardMagic, 4);
  b[4] = static_cast<char>(kEcVersion);
  b[5] = static_cast<char>(h.layout.k);
  b[6] = static_cast<char>(h.layout.m);
  b[7] = static_cast<char>(h.index);
  PutU32(&b[8], h.id.volume);
  PutU16(&b[12], h.id.revision);
  PutU64(&b[16], h.id.nonce);
  PutU64(&b[24], h.layout.block_size);
  PutU64(&b[32], h.layout.dat_size);
  PutU64(&b[40], h.chunk_size);
  PutU32(&b[kShardHeaderSize - 4], crc32c::Value(b.data(), kShardHeaderSize - 4));
  return b;
}

Result<ShardHeader> DecodeShardHeader(std::string_view b) {
  if (b.size() < kShardHeaderSize || std::memcmp(b.data(), kShardMagic, 4) != 0)
    return InvalidArgumentError("not a Bale shard (bad magic)");
  if (GetU32(&b[kShardHeaderSize - 4]) != crc32c::Value(b.data(), kShardHeaderSize - 4))
    return InvalidArgumentError("shard header checksum mismatch");
  if (static_cast<uint8_t>(b[4]) != kEcVersion)
    return InvalidArgumentError("shard format version " + std::to_string(uint8_t(b[4])) +
                                " is not 1");
  ShardHeader h;
  h.layout.k = static_cast<uint8_t>(b[5]);
  h.layout.m = static_cast<uint8_t>(b[6]);
  h.index = static_cast<uint8_t>(b[7]);
  h.id.volume = GetU32(&b[8]);
  h.id.revision = GetU16(&b[12]);
  h.id.nonce = GetU64(&b[16]);
  h.layout.block_size = GetU64(&b[24]);
  h.layout.dat_size = GetU64(&b[32]);
  h.chunk_size = GetU64(&b[40]);
  RETURN_IF_ERROR(h.layout.Check());
  if (h.index >= h.layout.k + h.layout.m) return InvalidArgumentError("shard index out of range");
  if (h.chunk_size == 0 || h.layout.block_size % h.chunk_size != 0)
    return InvalidArgumentError("chunk size does not divide the block size");
  return h;
}

std::string EncodeShardTrailer(const std::vector<uint32_t>& crcs) {
  std::string b(4 * crcs.size() + kShardFooterSize, '\0');
  for (size_t i = 0; i < crcs.size(); i++) PutU32(&b[4 * i], crcs[i]);
  char* f = &b[4 * crcs.size()];
  std::memcpy(f, kTrailerMagic, 4);
  PutU32(f + 4, static_cast<uint32_t>(crcs.size()));
  PutU32(f + 8, crc32c::Value(b.data(), 4 * crcs.size()));
  return b;
}

Result<std::vector<uint32_t>> DecodeShardTrailer(std::string_view b, uint64_t chunks) {
  if (b.size() != 4 * chunks + kShardFooterSize)
    return InvalidArgumentError("shard checksum table has the wrong size");
  const char* f = &b[4 * chunks];
  if (std::memcmp(f, kTrailerMagic, 4) != 0 || GetU32(f + 4) != chunks ||
      GetU32(f + 8) != crc32c::Value(b.data(), 4 * chunks))
    return InvalidArgumentError("shard checksum table is damaged");
  std::vector<uint32_t> out(chunks);
  for (uint64_t i = 0; i < chunks; i++) out[i] = GetU32(&b[4 * i]);
  return out;
}

std::string ShardName(VolumeId vid, int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.ec%02d", vid, index);
  return buf;
}
std::string IndexName(VolumeId vid) { return std::to_string(vid) + ".ecx"; }
std::string JournalName(VolumeId vid) { return std::to_string(vid) + ".ecj"; }

std::optional<std::pair<VolumeId, int>> ParseShardName(std::string_view name) {
  auto dot = name.find(".ec");
  if (dot == std::string_view::npos || dot == 0 || name.size() != dot + 5) return std::nullopt;
  VolumeId vid = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + dot, vid);
  if (ec != std::errc() || p != name.data() + dot || std::to_string(vid) != name.substr(0, dot))
    return std::nullopt;
  int index = 0;
  auto [q, ec2] = std::from_chars(name.data() + dot + 3, name.data() + name.size(), index);
  if (ec2 != std::errc() || q != name.data() + name.size()) return std::nullopt;
  if (ShardName(vid, index) != name) return std::nullopt;
  return std::make_pair(vid, index);
}

// header (64): "BALX" | version u8 | 0 u8 | revision u16 | volume u32 | count u32 | k u8 |
//              m u8 | 0 u16 | nonce u64 | block_size u64 | dat_size u64 | chunk_size u64 | 0 (16)
std::string EncodeIndex(const IndexFile& x) {
  std::string b(kIndexHeaderSize + 16 * x.records.size() + kIndexFooterSize, '\0');
  std::memcpy(b.data(), kIndexMagic, 4);
  b[4] = static_cast<char>(kEcVersion);
  PutU16(&b[6], x.id.revision);
  PutU32(&b[8], x.id.volume);
  PutU32(&b[12], static_cast<uint32_t>(x.records.size()));
  b[16] = static_cast<char>(x.layout.k);
  b[17] = static_cast<char>(x.layout.m);
  PutU64(&b[24], x.id.nonce);
  PutU64(&b[32], x.layout.block_size);
  PutU64(&b[40], x.layout.dat_size);
  PutU64(&b[48], x.chunk_size);
  char* p = &b[kIndexHeaderSize];
  for (const auto& r : x.records) {
    PutU64(p, r.key);
    PutU32(p + 8, r.offset_units);
    PutU32(p + 12, r.size);
    p += 16;
  }
  PutU32(p, crc32c::Value(b.data(), p - b.data()));
  std::memcpy(p + 4, kIndexEnd, 4);
  return b;
}

Result<IndexFile> DecodeIndex(std::string_view b) {
  if (b.size() < kIndexHeaderSize + kIndexFooterSize || std::memcmp(b.data(), kIndexMagic, 4) != 0)
    return InvalidArgumentError("not a Bale coded-volume index");
  uint64_t count = GetU32(&b[12]);
  if (b.size() != kIndexHeaderSize + 16 * count + kIndexFooterSize)
    return InvalidArgumentError("coded-volume index has the wrong size (truncated?)");
  const char* end = b.data() + b.size() - kIndexFooterSize;
  if (std::memcmp(end + 4, kIndexEnd, 4) != 0 ||
      GetU32(end) != crc32c::Value(b.data(), end - b.data()))
    return InvalidArgumentError("coded-volume index checksum mismatch");
  if (static_cast<uint8_t>(b[4]) != kEcVersion)
    return InvalidArgumentError("coded-volume index version is not 1");
  IndexFile x;
  x.id = {GetU32(&b[8]), GetU16(&b[6]), GetU64(&b[24])};
  x.layout.k = static_cast<uint8_t>(b[16]);
  x.layout.m = static_cast<uint8_t>(b[17]);
  x.layout.block_size = GetU64(&b[32]);
  x.layout.dat_size = GetU64(&b[40]);
  x.chunk_size = GetU64(&b[48]);
  RETURN_IF_ERROR(x.layout.Check());
  x.records.resize(count);
  const char* p = b.data() + kIndexHeaderSize;
  for (auto& r : x.records) {
    r = {GetU64(p), GetU32(p + 8), GetU32(p + 12)};
    p += 16;
  }
  for (size_t i = 1; i < x.records.size(); i++)
    if (x.records[i - 1].key >= x.records[i].key)
      return InvalidArgumentError("coded-volume index is not sorted");
  return x;
}

// header (16): "BALJ" | version u8 | 0 u8 | revision u16 | nonce u64. A record's CRC covers
// the nonce and the volume id too, so a record of another journal never decodes.
std::string EncodeJournalHeader(const Identity& id) {
  std::string b(kJournalHeaderSize, '\0');
  std::memcpy(b.data(), kJournalMagic, 4);
  b[4] = static_cast<char>(kEcVersion);
  PutU16(&b[6], id.revision);
  PutU64(&b[8], id.nonce);
  return b;
}

Result<Identity> DecodeJournalHeader(std::string_view b, VolumeId volume) {
  if (b.size() < kJournalHeaderSize || std::memcmp(b.data(), kJournalMagic, 4) != 0 ||
      static_cast<uint8_t>(b[4]) != kEcVersion)
    return InvalidArgumentError("not a Bale delete journal");
  return Identity{volume, GetU16(&b[6]), GetU64(&b[8])};
}

namespace {
uint32_t JournalCrc(const Identity& id, NeedleKey key, Cookie cookie) {
  char b[24];
  PutU64(b, id.nonce);
  PutU64(b + 8, key);
  PutU32(b + 16, cookie);
  PutU32(b + 20, id.volume);
  return crc32c::Value(b, sizeof b);
}
}  // namespace

std::string EncodeJournalRecord(const Identity& id, NeedleKey key, Cookie cookie) {
  std::string b(kJournalRecordSize, '\0');
  PutU64(&b[0], key);
  PutU32(&b[8], cookie);
  PutU32(&b[12], JournalCrc(id, key, cookie));
  return b;
}

std::optional<std::pair<NeedleKey, Cookie>> DecodeJournalRecord(const Identity& id,
                                                                std::string_view b) {
  if (b.size() != kJournalRecordSize) return std::nullopt;
  NeedleKey key = GetU64(&b[0]);
  Cookie cookie = GetU32(&b[8]);
  if (GetU32(&b[12]) != JournalCrc(id, key, cookie)) return std::nullopt;
  return std::make_pair(key, cookie);
}

}  // namespace bale::ec
