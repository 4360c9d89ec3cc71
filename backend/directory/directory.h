// Directory (embedded): decides where a new needle goes. It picks a writable
// volume with room (small needles keep to one volume, so they share its
// group commits; large ones take turns), and issues the needle key and a
// random cookie.
//
// Needle keys are time-ordered and unique across the whole store:
// (microseconds since the epoch << 12) + a counter, and never below the
// largest key already stored. A clock that steps back after a restart
// therefore cannot reissue a key that names an existing needle.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string_view>

#include "backend/store/store.h"
#include "backend/store/types.h"
#include "common/clock.h"
#include "common/status.h"

namespace bale {

inline constexpr int kNeedleKeyCounterBits = 12;
// When needle key `key` was issued, in microseconds since the epoch: never
// earlier than the issue (a key above the clock counts as later).
inline int64_t NeedleKeyMicros(NeedleKey key) {
  return static_cast<int64_t>(key >> kNeedleKeyCounterBits);
}

struct Placement {
  VolumeId volume = 0;
  NeedleKey key = 0;
  Cookie cookie = 0;
};

class Directory {
 public:
  // Scans the store's volumes for their largest key. The store and clock must
  // outlive the directory.
  static Result<std::unique_ptr<Directory>> Open(Store* store, Clock* clock);

  // A place for a needle of `size` data bytes. When no writable volume has
  // room a new volume is created; RESOURCE_EXHAUSTED (reason "SlowDown") only
  // when that fails too (a full disk).
  Result<Placement> Allocate(uint64_t size);
  // Writes `data` as a new needle and returns where it went. Haystack's rule:
  // a volume that refuses the write (full, sealed, read-only after an I/O
  // error, failed) is left behind and the write retried on another. When
  // every attempt is refused: RESOURCE_EXHAUSTED (reason "SlowDown") if any
  // refusal was for space, else UNAVAILABLE.
  Result<Placement> WriteNeedle(std::string_view data);
  // A new key and cookie in a given volume (for retries and copies).
  NeedleKey NextKey();

 private:
  Directory(Store* store, Clock* clock, NeedleKey floor);

  Result<Placement> TryAllocate(uint64_t size);
  // Creates the next volume (largest id + 1) unless `seen` is stale.
  Status AddVolume(size_t seen);

  Store* const store_;
  Clock* const clock_;
  std::mutex create_mu_;  // one volume creation at a time
  std::mutex mu_;
  NeedleKey last_key_;        // (mu_)
  // Needles up to this size all go to one volume (small_volume_) until it
  // is full or refuses a write: see TryAllocate().
  static constexpr uint64_t kSmallNeedleBytes = 1 << 20;

  uint64_t next_volume_ = 0;  // round-robin cursor (mu_)
  VolumeId small_volume_ = 0;  // where small needles go (mu_); 0: none yet
  std::mt19937_64 rng_;       // (mu_)
};

}  // namespace bale
