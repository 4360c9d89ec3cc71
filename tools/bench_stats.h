// Latency samples and the figures a benchmark prints from them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace bale::bench {

struct Figures {
  uint64_t ops = 0;
  double seconds = 0;
  uint64_t bytes = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
  double ops_per_sec() const { return seconds > 0 ? ops / seconds : 0; }
  double mib_per_sec() const { return seconds > 0 ? bytes / seconds / (1 << 20) : 0; }
};

// Merges per-thread latency samples (nanoseconds) into figures.
inline Figures Summarize(std::vector<std::vector<uint32_t>>& per_thread, double seconds,
                         uint64_t bytes_per_op) {
  std::vector<uint32_t> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  Figures f;
  f.ops = all.size();
  f.seconds = seconds;
  f.bytes = f.ops * bytes_per_op;
  if (all.empty()) return f;
  auto at = [&](double q) {
    size_t i = std::min(all.size() - 1, static_cast<size_t>(q * all.size()));
    std::nth_element(all.begin(), all.begin() + i, all.end());
    return all[i] / 1000.0;
  };
  f.p50_us = at(0.50);
  f.p99_us = at(0.99);
  f.max_us = *std::max_element(all.begin(), all.end()) / 1000.0;
  return f;
}

inline std::string HumanSize(uint64_t bytes) {
  if (bytes >= (1 << 20) && bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " B";
}

}  // namespace bale::bench
