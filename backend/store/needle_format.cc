#include "backend/store/needle_format.h"

#include <algorithm>
#include <cstring>

#include "common/crc32c.h"

namespace bale::format {
namespace {

constexpr char kSuperMagic[4] = {'B', 'A', 'L', 'V'};
constexpr char kNeedleMagic[4] = {'N', 'D', 'L', '1'};
constexpr char kFooterMagic[4] = {'N', 'E', 'N', 'D'};
constexpr char kIdxMagic[4] = {'B', 'A', 'L', 'I'};

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

}  // namespace

void PutU16(char* p, uint16_t v) {
  for (int i = 0; i < 2; i++) p[i] = static_cast<char>(v >> (8 * i));
}
void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<char>(v >> (8 * i));
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<char>(v >> (8 * i));
}
uint16_t GetU16(const char* p) {
  uint16_t v = 0;
  for (int i = 1; i >= 0; i--) v = static_cast<uint16_t>((v << 8) | static_cast<uint8_t>(p[i]));
  return v;
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string EncodeSuperblock(const Superblock& sb) {
  std::string out(kSuperblockSize, '\0');
  std::memcpy(out.data(), kSuperMagic, 4);
  out[4] = static_cast<char>(sb.version);
  out[5] = static_cast<char>(sb.flags);
  PutU16(out.data() + 6, sb.revision);
  return out;
}

Result<Superblock> DecodeSuperblock(std::string_view b) {
  if (b.size() < kSuperblockSize || std::memcmp(b.data(), kSuperMagic, 4) != 0)
    return InvalidArgumentError("not a Bale volume (bad superblock magic)");
  Superblock sb;
  sb.version = static_cast<uint8_t>(b[4]);
  sb.flags = static_cast<uint8_t>(b[5]);
  sb.revision = GetU16(b.data() + 6);
  if (sb.version != kVersion)
    return FailedPreconditionError("volume format version " + std::to_string(sb.version) +
                                   " is not supported (this build reads version " +
                                   std::to_string(kVersion) + ")");
  return sb;
}

NeedleFrame EncodeNeedleFrame(const NeedleHeader& h, std::string_view data) {
  NeedleFrame f;
  char* p = f.head;
  std::memcpy(p, kNeedleMagic, 4);
  PutU32(p + 4, h.cookie);
  PutU64(p + 8, h.key);
  p[16] = static_cast<char>(h.flags);
  p[17] = p[18] = p[19] = 0;
  PutU32(p + 20, static_cast<uint32_t>(data.size()));
  PutU64(p + 24, static_cast<uint64_t>(h.append_time_micros));
  uint32_t crc = crc32c::Extend(crc32c::Value(p, kNeedleHeaderSize), data.data(), data.size());
  uint64_t len = NeedleLength(static_cast<uint32_t>(data.size()));
  f.tail_size = static_cast<uint8_t>(len - kNeedleHeaderSize - data.size());
  std::memset(f.tail, 0, sizeof f.tail);
  std::memcpy(f.tail, kFooterMagic, 4);
  PutU32(f.tail + 4, crc);
  return f;
}

void AppendNeedle(const NeedleHeader& h, std::string_view data, std::string* out) {
  NeedleFrame f = EncodeNeedleFrame(h, data);
  out->append(f.head_view());
  out->append(data);
  out->append(f.tail_view());
}

Result<NeedleHeader> DecodeNeedleHeader(std::string_view b) {
  if (b.size() < kNeedleHeaderSize || std::memcmp(b.data(), kNeedleMagic, 4) != 0)
    return InvalidArgumentError("bad needle magic");
  NeedleHeader h;
  h.cookie = GetU32(b.data() + 4);
  h.key = GetU64(b.data() + 8);
  h.flags = static_cast<uint8_t>(b[16]);
  h.size = GetU32(b.data() + 20);
  h.append_time_micros = static_cast<int64_t>(GetU64(b.data() + 24));
  if (h.size > kMaxNeedleData) return InvalidArgumentError("needle size out of range");
  if (b[17] != 0 || b[18] != 0 || b[19] != 0)
    return InvalidArgumentError("needle reserved bytes set");
  return h;
}

Result<NeedleHeader> VerifyNeedleParts(std::string_view head, std::string_view data,
                                       std::string_view tail, std::string_view what) {
  auto h = DecodeNeedleHeader(head);
  if (!h.ok()) return DataLossError(std::string(what) + ": " + std::string(h.status().message()));
  if (data.size() != h->size)
    return DataLossError(std::string(what) + ": needle data of " + std::to_string(data.size()) +
                         " bytes does not match its size field " + std::to_string(h->size));
  uint64_t length = head.size() + data.size() + tail.size();
  if (length != NeedleLength(h->size))
    return DataLossError(std::string(what) + ": needle length " + std::to_string(length) +
                         " does not match its size field " + std::to_string(h->size));
  const char* f = tail.data();
  if (std::memcmp(f, kFooterMagic, 4) != 0)
    return DataLossError(std::string(what) + ": bad needle footer magic");
  for (const char* pad = f + kNeedleFooterSize; pad < tail.data() + tail.size(); pad++)
    if (*pad != 0) return DataLossError(std::string(what) + ": needle padding is not zero");
  uint32_t stored = GetU32(f + 4);
  uint32_t actual = crc32c::Extend(crc32c::Value(head), data.data(), data.size());
  if (stored != actual)
    return DataLossError(std::string(what) + ": checksum mismatch (stored " + Hex(stored) +
                         ", computed " + Hex(actual) + ")");
  return h;
}

Result<NeedleHeader> VerifyNeedle(std::string_view n, std::string_view what) {
  // Split where the size field says the data ends; VerifyNeedleParts checks
  // the header, that split and the rest.
  auto h = DecodeNeedleHeader(n);
  size_t head_end = std::min<size_t>(n.size(), kNeedleHeaderSize);
  size_t data_end =
      h.ok() ? std::min<uint64_t>(n.size(), kNeedleHeaderSize + uint64_t{h->size}) : head_end;
  return VerifyNeedleParts(n.substr(0, head_end), n.substr(head_end, data_end - head_end),
                           n.substr(data_end), what);
}

std::string EncodeIdxHeader(uint16_t revision) {
  std::string out(kIdxHeaderSize, '\0');
  std::memcpy(out.data(), kIdxMagic, 4);
  out[4] = static_cast<char>(kVersion);
  PutU16(out.data() + 6, revision);
  return out;
}

Result<uint16_t> DecodeIdxHeader(std::string_view b) {
  if (b.size() < kIdxHeaderSize || std::memcmp(b.data(), kIdxMagic, 4) != 0 ||
      static_cast<uint8_t>(b[4]) != kVersion)
    return InvalidArgumentError("not a Bale index file");
  return GetU16(b.data() + 6);
}

void AppendIdxRecord(const IdxRecord& r, std::string* out) {
  char buf[kIdxRecordSize];
  PutU64(buf, r.key);
  PutU32(buf + 8, r.offset_units);
  PutU32(buf + 12, r.size);
  out->append(buf, kIdxRecordSize);
}

IdxRecord DecodeIdxRecord(const char* p) {
  return IdxRecord{GetU64(p), GetU32(p + 8), GetU32(p + 12)};
}

}  // namespace bale::format
