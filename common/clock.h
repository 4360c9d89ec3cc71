// Clock: the only way Bale code reads time, so tests can drive it.
//
// Thread-safety: implementations are safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>

namespace bale {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, microseconds since the Unix epoch (for timestamps that
  // are stored or shown).
  virtual int64_t NowMicros() const = 0;
  // Monotonic time in nanoseconds (for durations and timeouts).
  virtual int64_t MonotonicNanos() const = 0;

  // The process-wide real clock.
  static Clock* Real();
};

// A clock that only moves when told to. For tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t start_micros = 1'700'000'000'000'000) : micros_(start_micros) {}
  int64_t NowMicros() const override { return micros_.load(); }
  int64_t MonotonicNanos() const override { return micros_.load() * 1000; }
  void AdvanceMicros(int64_t d) { micros_.fetch_add(d); }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace bale
