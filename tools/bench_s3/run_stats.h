// RunStats: what one client thread saw during one phase of a run (per
// operation: count, errors, payload bytes, latency histogram; errors by S3
// code and network errors by cause), merged across threads for the report.
//
// Thread-safety: none; each thread fills its own, merged after the threads join.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "tools/bench_s3/histogram.h"
#include "tools/bench_s3/workload_mix.h"

namespace bale::bench_s3 {

struct OpStats {
  uint64_t ops = 0;          // finished, errors included
  uint64_t errors = 0;       // S3 errors and network errors
  uint64_t bytes = 0;        // object bytes moved by successful PUTs and GETs
  LatencyHistogram latency;  // of every finished operation, in microseconds

  void Merge(const OpStats& other) {
    ops += other.ops;
    errors += other.errors;
    bytes += other.bytes;
    latency.Merge(other.latency);
  }
};

struct RunStats {
  std::array<OpStats, kOpCount> by_op;
  // The <Code> of error answers ("NoSuchKey", "SlowDown"), or "HTTP 503"
  // for an error answer without one.
  std::map<std::string, uint64_t> s3_errors;
  // Requests that got no complete answer, by cause ("connection refused",
  // "timed out", "connection closed before an answer").
  std::map<std::string, uint64_t> network_errors;
  // Monotonic nanoseconds: the first operation sent, the last one finished.
  int64_t first_start_ns = 0;
  int64_t last_end_ns = 0;

  OpStats& of(Op op) { return by_op[static_cast<int>(op)]; }
  const OpStats& of(Op op) const { return by_op[static_cast<int>(op)]; }
  OpStats Total() const {
    OpStats total;
    for (const OpStats& s : by_op) total.Merge(s);
    return total;
  }
  uint64_t network_error_count() const {
    uint64_t n = 0;
    for (const auto& [cause, count] : network_errors) n += count;
    return n;
  }

  void Merge(const RunStats& other) {
    for (int i = 0; i < kOpCount; i++) by_op[i].Merge(other.by_op[i]);
    for (const auto& [code, n] : other.s3_errors) s3_errors[code] += n;
    for (const auto& [cause, n] : other.network_errors) network_errors[cause] += n;
    if (other.first_start_ns != 0 &&
        (first_start_ns == 0 || other.first_start_ns < first_start_ns)) {
      first_start_ns = other.first_start_ns;
    }
    if (other.last_end_ns > last_end_ns) last_end_ns = other.last_end_ns;
  }
};

}  // namespace bale::bench_s3
