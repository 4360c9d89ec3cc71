#include "meta/counters.h"

#include <algorithm>

namespace bale::meta {
namespace {

void AppendBigEndian64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint64_t ReadBigEndian64(std::string_view bytes, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < kCounterBytes; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
  return v;
}

}  // namespace

std::string EncodeCounters(std::span<const int64_t> counters) {
  std::string out;
  out.reserve(counters.size() * kCounterBytes);
  for (int64_t c : counters) AppendBigEndian64(static_cast<uint64_t>(c), &out);
  return out;
}

Result<std::vector<int64_t>> DecodeCounters(std::string_view bytes) {
  if (bytes.size() % kCounterBytes != 0) {
    return DataLossError("counter row of " + std::to_string(bytes.size()) +
                         " bytes is not a whole number of 8-byte counters");
  }
  std::vector<int64_t> out;
  for (size_t at = 0; at < bytes.size(); at += kCounterBytes) {
    out.push_back(static_cast<int64_t>(ReadBigEndian64(bytes, at)));
  }
  return out;
}

bool AddCounters(std::string_view existing, std::string_view delta, std::string* out) {
  if (existing.size() % kCounterBytes != 0 || delta.size() % kCounterBytes != 0) return false;
  size_t n = std::max(existing.size(), delta.size());
  std::string sum;
  sum.reserve(n);
  for (size_t at = 0; at < n; at += kCounterBytes) {
    uint64_t a = at < existing.size() ? ReadBigEndian64(existing, at) : 0;
    uint64_t b = at < delta.size() ? ReadBigEndian64(delta, at) : 0;
    AppendBigEndian64(a + b, &sum);  // unsigned: wraps instead of overflowing
  }
  *out = std::move(sum);
  return true;
}

}  // namespace bale::meta
