#include "gateway/request_id.h"

#include <atomic>
#include <cstdio>
#include <random>

namespace bale::s3 {

std::string NewRequestId() {
  static const uint64_t seed =
      std::random_device{}() * 0x9E3779B97F4A7C15ull ^ std::random_device{}();
  static std::atomic<uint64_t> counter{0};
  uint64_t x = seed + counter.fetch_add(1) * 0xD1B54A32D192ED03ull;
  x ^= x >> 31;  // a bijection, so distinct counters give distinct ids
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(x));
  return buf;
}

}  // namespace bale::s3
