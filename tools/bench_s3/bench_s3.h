// `bale bench s3`: a load generator for any S3 endpoint. It creates a bucket
// (or uses the one given), writes the objects the workload reads, warms up,
// measures for a duration or a number of operations with C connections on T
// client threads (ClientLoop), reports throughput, latency percentiles and
// errors by S3 code, and deletes what it wrote. See docs/benchmarks.md.
//
// Thread-safety: RunS3Bench runs one benchmark at a time per process (it
// handles SIGINT while it runs).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "auth/client_signer.h"
#include "common/clock.h"
#include "tools/bench_s3/run_stats.h"
#include "tools/bench_s3/size_distribution.h"
#include "tools/bench_s3/workload_mix.h"

namespace bale::bench_s3 {

struct S3BenchOptions {
  std::string endpoint = "http://127.0.0.1:9000";
  auth::SigningCredentials credentials;
  std::string bucket;            // empty: create bale-bench-XXXXXXXX and delete it after
  std::string prefix;            // of every key; empty: bb-XXXXXX, new each run
  bool prepare = true;           // false: the objects are there already (an earlier --keep
                                 // run with the same --prefix, or a static server)
  std::string workload = "get";  // put, get, head, delete, list or mixed
  WorkloadMix mix = WorkloadMix::Only(Op::kGet);
  SizeDistribution sizes = SizeDistribution::Fixed(4096);
  uint64_t objects = 0;  // key space; 0: the workload's default
  int connections = 16;
  int threads = 1;
  std::chrono::seconds duration{10};
  uint64_t ops = 0;  // > 0: run this many operations instead of a duration
  std::chrono::seconds warmup{2};
  uint64_t list_max_keys = 1000;
  std::chrono::seconds timeout{30};
  bool json = false;
  bool keep = false;  // leave the objects (and a created bucket) in place
  Clock* clock = Clock::Real();
};

// The key space a workload uses when --objects is not given.
uint64_t DefaultObjects(const S3BenchOptions& options);

struct PhaseReport {
  RunStats stats;
  double seconds = 0;
};

// Everything a run measured, for the text and JSON reports.
struct S3BenchReport {
  std::string bucket;
  bool bucket_created = false;
  std::string key_prefix;
  uint64_t objects = 0;   // key space
  uint64_t prepared = 0;  // objects written before the measurement
  double prepare_seconds = 0;
  PhaseReport measured;
  bool interrupted = false;      // SIGINT ended the measurement early
  bool ran_out_of_keys = false;  // a DELETE workload deleted every object
  std::string cleanup;           // what was cleaned up, or why not
  bool cleanup_ok = true;
};

// Runs a benchmark; the report goes to `out` (text or JSON), progress and
// problems to `err`. Returns the process exit code: 0 when the measurement
// ran (its errors are part of the report), 1 when it could not (the endpoint
// refused the bucket, preparing the objects failed, cleaning up failed).
int RunS3Bench(const S3BenchOptions& options, std::ostream& out, std::ostream& err);

// The report as text or as one JSON object (report.cc).
void PrintText(const S3BenchOptions& options, const S3BenchReport& report, std::ostream& out);
void PrintJson(const S3BenchOptions& options, const S3BenchReport& report, std::ostream& out);

}  // namespace bale::bench_s3
