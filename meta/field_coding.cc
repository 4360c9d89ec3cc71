#include "meta/field_coding.h"

namespace bale::meta {
namespace {
constexpr int kMaxVarintBytes = 10;  // ceil(64 / 7)
}  // namespace

void FieldWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void FieldWriter::Fixed32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void FieldWriter::String(std::string_view s) {
  Varint(s.size());
  out_.append(s);
}

void FieldReader::Fail(std::string_view problem) {
  if (!ok()) return;  // the first problem is the one worth reporting
  problem_ = problem;
  problem_at_ = pos_;
}

bool FieldReader::Need(size_t n) {
  if (!ok()) return false;
  if (in_.size() - pos_ < n) {
    Fail("truncated");
    return false;
  }
  return true;
}

uint8_t FieldReader::Byte() {
  if (!Need(1)) return 0;
  return static_cast<uint8_t>(in_[pos_++]);
}

uint64_t FieldReader::Varint() {
  uint64_t v = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (!Need(1)) return 0;
    auto b = static_cast<uint8_t>(in_[pos_++]);
    // The 10th byte carries bit 63 only.
    if (i == kMaxVarintBytes - 1 && b > 1) {
      Fail("varint overflows 64 bits");
      return 0;
    }
    v |= uint64_t{b & 0x7fu} << (7 * i);
    if ((b & 0x80) == 0) return v;
  }
  Fail("varint longer than 10 bytes");
  return 0;
}

uint32_t FieldReader::Varint32() {
  uint64_t v = Varint();
  if (v > UINT32_MAX) {
    Fail("value exceeds 32 bits");
    return 0;
  }
  return static_cast<uint32_t>(v);
}

uint32_t FieldReader::Fixed32() {
  if (!Need(4)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
  pos_ += 4;
  return v;
}

std::string FieldReader::String() {
  uint64_t n = Varint();
  if (!ok()) return {};
  if (n > in_.size() - pos_) {
    Fail("string length beyond the record");
    return {};
  }
  std::string s(in_.substr(pos_, n));
  pos_ += n;
  return s;
}

size_t FieldReader::Count(size_t min_element_bytes) {
  uint64_t n = Varint();
  if (!ok()) return 0;
  if (n > (in_.size() - pos_) / min_element_bytes) {
    Fail("element count beyond the record");
    return 0;
  }
  return static_cast<size_t>(n);
}

Status FieldReader::Finish() const {
  if (ok() && pos_ == in_.size()) return Status::Ok();
  std::string problem = ok() ? "trailing bytes" : problem_;
  size_t at = ok() ? pos_ : problem_at_;
  return DataLossError(std::string(what_) + " of " + std::to_string(in_.size()) +
                       " bytes is corrupt: " + problem + " at byte " + std::to_string(at));
}

}  // namespace bale::meta
