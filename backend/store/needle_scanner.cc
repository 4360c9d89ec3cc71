#include "backend/store/needle_scanner.h"

#include <algorithm>
#include <cstring>

namespace bale {

NeedleScanner::NeedleScanner(const File* file, uint64_t from, uint64_t to, size_t buffer)
    : file_(file), to_(to), buffer_size_(buffer), pos_(from) {}

bool NeedleScanner::Fill(uint64_t pos, uint64_t n) {
  if (pos >= buf_start_ && pos + n <= buf_start_ + buf_len_) return true;
  uint64_t want = std::min<uint64_t>(std::max<uint64_t>(n, buffer_size_), to_ - pos);
  if (want > buf_cap_) {
    buf_.reset(new char[want]);
    buf_cap_ = want;
  }
  buf_start_ = pos;
  buf_len_ = 0;
  auto got = file_->ReadAt(pos, want, buf_.get());
  if (!got.ok()) {
    status_ = got.status();
    return false;
  }
  buf_len_ = *got;
  return *got >= n;
}

bool NeedleScanner::Invalid(std::string why) {
  bad_ = true;
  why_ = std::move(why);
  return false;
}

bool NeedleScanner::Next() { return Next(nullptr); }

bool NeedleScanner::Next(
    const std::function<bool(const format::NeedleHeader&, uint64_t)>& skip) {
  if (bad_ || !status_.ok() || pos_ >= to_) return false;
  if (to_ - pos_ < format::kNeedleHeaderSize) return Invalid("partial needle header");
  if (!Fill(pos_, format::kNeedleHeaderSize))
    return status_.ok() ? Invalid("file ends inside a needle header") : false;
  const std::string_view buffered(buf_.get(), buf_len_);
  auto h = format::DecodeNeedleHeader(
      buffered.substr(pos_ - buf_start_, format::kNeedleHeaderSize));
  if (!h.ok()) return Invalid(std::string(h.status().message()));
  uint64_t len = format::NeedleLength(h->size);
  if (len > to_ - pos_)
    return Invalid("needle of " + std::to_string(h->size) + " bytes runs past the end of the file");
  if (skip && skip(*h, pos_)) {
    offset_ = pos_;
    header_ = *h;
    bytes_ = {};
    pos_ += len;
    return true;
  }
  if (!Fill(pos_, len)) return status_.ok() ? Invalid("file ends inside a needle") : false;
  std::string_view whole = std::string_view(buf_.get(), buf_len_).substr(pos_ - buf_start_, len);
  auto v = format::VerifyNeedle(whole, "needle");
  if (!v.ok()) return Invalid(std::string(v.status().message()));
  offset_ = pos_;
  header_ = *v;
  bytes_ = whole;
  pos_ += len;
  return true;
}

Result<std::optional<uint64_t>> NeedleScanner::FindNextValid(const File* file, uint64_t from,
                                                             uint64_t to) {
  static constexpr char kMagic[4] = {'N', 'D', 'L', '1'};
  constexpr uint64_t kChunk = 1 << 20;
  from = format::AlignUp(from);
  std::string chunk;
  for (uint64_t base = from; base < to; base += kChunk) {
    uint64_t n = std::min<uint64_t>(kChunk + 8, to - base);
    chunk.resize(n);
    ASSIGN_OR_RETURN(size_t got, file->ReadAt(base, n, chunk.data()));
    for (uint64_t i = 0; i + 4 <= got && i < kChunk; i += format::kAlignment) {
      if (std::memcmp(chunk.data() + i, kMagic, 4) != 0) continue;
      NeedleScanner probe(file, base + i, to, format::kNeedleHeaderSize);
      if (probe.Next()) return std::optional<uint64_t>(base + i);
      if (!probe.status().ok()) return probe.status();
    }
  }
  return std::optional<uint64_t>();
}

}  // namespace bale
