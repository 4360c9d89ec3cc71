// S3Service: the life of one S3 request, top to bottom: a request id, the
// route, SigV4 authentication, authorization, the operation (s3_*_ops.cc),
// and every failure turned into S3's exact error response.
//
// Thread-safety: Handle() is called concurrently from the server's workers.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/http_exchange.h"

namespace bale {
class Clock;
class CompactionWorker;
class ErasureWorker;
class Directory;
class Store;
namespace meta {
class MetadataStore;
}
}  // namespace bale

namespace bale::s3 {

class OrphanSweeper;

struct S3ServiceOptions {
  std::string region = "us-east-1";
  std::vector<std::string> domains;  // for virtual-hosted-style requests
  uint64_t chunk_size = 8ull << 20;  // objects are stored as needles of at most this
  // A CompleteMultipartUpload still at work after this long answers 200 at
  // once and sends whitespace every `complete_keep_alive_interval` until its
  // result (or <Error>) follows in the body, as S3 does.
  std::chrono::milliseconds complete_keep_alive_delay{1000};
  std::chrono::milliseconds complete_keep_alive_interval{2000};
  // For tests only (the environment's BALE_TEST_COMPLETE_DELAY_MS sets it):
  // every completion waits this long after reading its part list, so a slow
  // completion can be observed from outside.
  std::chrono::milliseconds test_complete_delay{0};
  // OrphanSweepOptions::grace of the sweeper beside this service: a write
  // whose needles are older than half of it by its commit is refused. 0: no
  // sweep runs, so no write is refused for its age.
  std::chrono::seconds orphan_grace{24 * 3600};
};

struct S3Backends {
  meta::MetadataStore* meta = nullptr;
  Store* store = nullptr;
  Directory* directory = nullptr;
  Clock* clock = nullptr;
  CompactionWorker* compactor = nullptr;  // optional: shown by the admin API's status
  ErasureWorker* erasure = nullptr;       // optional: ditto
  OrphanSweeper* sweeper = nullptr;       // optional: ditto, and run by the admin API
};

class S3Service {
 public:
  S3Service(S3Backends backends, S3ServiceOptions options);
  ~S3Service();
  void Handle(const HttpRequestHead& head, RequestBody& body, ResponseSink& sink);
  // Whether Handle() may run `head` as a fiber (S3ServerOptions::runs_in_fiber):
  // PutObject, whose waits (needle group commit, metadata write) are all
  // fiber::Events. Its small body is in memory by then.
  bool RunsInFiber(const HttpRequestHead& head) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bale::s3
