// What a benchmark does around its load: create its bucket, and afterwards
// delete every object it wrote (DeleteObjects, 1000 keys a request, several
// requests at once) and the bucket if it created it.
//
// Thread-safety: the functions are independent; DeleteObjectsOf runs its own
// threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "tools/bench_s3/blocking_client.h"
#include "tools/bench_s3/request_head.h"

namespace bale::bench_s3 {

// DeleteObjects takes at most this many keys.
inline constexpr uint64_t kDeleteBatch = 1000;

// PUT /bucket; an error names the S3 code ("BucketAlreadyExists").
Status CreateBucket(BlockingClient& client, const std::string& bucket);
// DELETE /bucket.
Status DeleteBucket(BlockingClient& client, const std::string& bucket);

struct DeleteSummary {
  uint64_t requested = 0;  // keys named in DeleteObjects requests
  uint64_t failed = 0;     // keys the server reported an <Error> for
  uint64_t leftovers = 0;  // keys found by listing the prefix afterwards (then deleted)
};

// Deletes keys [0, count) of `keys`, `parallel` DeleteObjects requests at a
// time, then lists the key space's prefix and deletes whatever is still
// there. Fails if a request fails outright.
Result<DeleteSummary> DeleteObjectsOf(const Endpoint& endpoint,
                                      const auth::SigningCredentials& credentials, Clock* clock,
                                      std::chrono::milliseconds timeout, const KeySpace& keys,
                                      uint64_t count, int parallel);

// The body of a quiet DeleteObjects for `keys` (already XML-safe).
std::string DeleteObjectsBody(const std::vector<std::string>& keys);

}  // namespace bale::bench_s3
