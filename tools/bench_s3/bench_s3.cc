#include "tools/bench_s3/bench_s3.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ostream>
#include <thread>
#include <vector>

#include "common/random.h"
#include "tools/bench_s3/blocking_client.h"
#include "tools/bench_s3/bucket_janitor.h"
#include "tools/bench_s3/client_loop.h"
#include "tools/bench_s3/endpoint.h"
#include "tools/bench_s3/op_source.h"

namespace bale::bench_s3 {
namespace {

constexpr std::string_view kNameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr uint64_t kDefaultObjects = 1000;
constexpr uint64_t kDefaultDeleteObjects = 10'000;
// Keys have 10 digits: a PUT workload writing fresh keys stops before this.
constexpr uint64_t kMaxFreshKeys = 9'999'999'999;
constexpr int kCleanupParallel = 4;
constexpr auto kProgressTick = std::chrono::milliseconds(100);
constexpr int64_t kProgressTtyNs = 1'000'000'000;    // once a second on a terminal
constexpr int64_t kProgressPlainNs = 5'000'000'000;  // every 5 s in a log

std::atomic<bool> g_interrupted{false};

void OnSigint(int) { g_interrupted.store(true); }

// SIGINT stops the measurement and goes on to the report and the cleanup; a
// second SIGINT kills as usual (SA_RESETHAND).
class SigintScope {
 public:
  SigintScope() {
    g_interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = OnSigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_);
  }
  ~SigintScope() { sigaction(SIGINT, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

// The client threads of a run and their loops, kept from phase to phase so
// connections stay open.
class Clients {
 public:
  Clients(const S3BenchOptions& o, const Endpoint& endpoint, const KeySpace& keys,
          std::string_view payload, std::ostream& err)
      : options_(o), err_(err), tty_(isatty(STDERR_FILENO) == 1) {
    const int threads = std::min(o.threads, o.connections);
    for (int i = 0; i < threads; i++) {
      LoopConfig config;
      config.endpoint = &endpoint;
      config.credentials = o.credentials;
      config.keys = &keys;
      config.payload = payload;
      config.connections = o.connections / threads + (i < o.connections % threads ? 1 : 0);
      config.list_max_keys = o.list_max_keys;
      config.request_timeout = o.timeout;
      config.clock = o.clock;
      config.seed = 0x5eed0000 + static_cast<uint64_t>(i) * 7919 + o.clock->NowMicros();
      loops_.push_back(std::make_unique<ClientLoop>(config));
    }
  }

  // Runs `phase` on every client thread; prints progress while it runs.
  PhaseReport Run(std::string_view label, Phase phase, std::chrono::seconds duration) {
    const int64_t start = options_.clock->MonotonicNanos();
    if (duration.count() > 0) {
      phase.deadline_ns =
          start + std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
    }
    phase.stop = &g_interrupted;
    std::atomic<int> running{static_cast<int>(loops_.size())};
    std::vector<std::thread> threads;
    for (auto& loop : loops_) {
      threads.emplace_back([&loop, &phase, &running] {
        loop->Run(phase);
        running--;
      });
    }
    int64_t last_print = start;
    uint64_t last_ops = 0;
    bool printed = false;
    while (running.load() > 0) {
      std::this_thread::sleep_for(kProgressTick);
      const int64_t now = options_.clock->MonotonicNanos();
      if (now - last_print < (tty_ ? kProgressTtyNs : kProgressPlainNs)) continue;
      uint64_t ops = 0, errors = 0;
      for (auto& loop : loops_) {
        ops += loop->progress_ops();
        errors += loop->progress_errors();
      }
      char line[160];
      std::snprintf(line, sizeof line, "  %-8.*s %6.1f s  %10llu ops  %9.0f ops/s  %llu errors",
                    static_cast<int>(label.size()), label.data(), (now - start) / 1e9,
                    static_cast<unsigned long long>(ops),
                    (ops - last_ops) / ((now - last_print) / 1e9),
                    static_cast<unsigned long long>(errors));
      err_ << (tty_ ? "\r" : "") << line << (tty_ ? "\x1b[K" : "\n") << std::flush;
      printed = true;
      last_print = now;
      last_ops = ops;
    }
    for (auto& t : threads) t.join();
    if (printed && tty_) err_ << "\r\x1b[K" << std::flush;
    const int64_t end = options_.clock->MonotonicNanos();
    PhaseReport report;
    for (auto& loop : loops_) report.stats.Merge(loop->stats());
    const int64_t until = phase.deadline_ns != 0 && end >= phase.deadline_ns
                              ? phase.deadline_ns
                              : std::max(report.stats.last_end_ns, start);
    report.seconds = (until - start) / 1e9;
    return report;
  }

 private:
  const S3BenchOptions& options_;
  std::ostream& err_;
  const bool tty_;
  std::vector<std::unique_ptr<ClientLoop>> loops_;
};

std::string PayloadBytes(uint64_t size) {
  std::string payload(size, '\0');
  Rng rng(0xba1eba1e);
  for (size_t i = 0; i + 8 <= payload.size(); i += 8) {
    uint64_t v = rng.Next();
    std::memcpy(payload.data() + i, &v, 8);
  }
  return payload;
}

bool NeedsObjects(const S3BenchOptions& o) {
  return o.mix.uses(Op::kGet) || o.mix.uses(Op::kHead) || o.mix.uses(Op::kDelete) ||
         o.mix.uses(Op::kList);
}

std::string FirstErrors(const RunStats& stats) {
  std::string out;
  for (const auto& [code, n] : stats.s3_errors) out += " " + code + " x" + std::to_string(n);
  for (const auto& [cause, n] : stats.network_errors) out += " " + cause + " x" + std::to_string(n);
  return out;
}

}  // namespace

uint64_t DefaultObjects(const S3BenchOptions& o) {
  if (o.objects > 0) return o.objects;
  if (o.workload == "delete") return o.ops > 0 ? o.ops : kDefaultDeleteObjects;
  return kDefaultObjects;
}

int RunS3Bench(const S3BenchOptions& o, std::ostream& out, std::ostream& err) {
  auto endpoint = ParseEndpoint(o.endpoint);
  if (endpoint.ok()) {
    Status resolved = Resolve(&*endpoint);
    if (!resolved.ok()) endpoint = resolved;
  }
  if (!endpoint.ok()) {
    err << "bale bench s3: " << endpoint.status().message() << "\n";
    return 1;
  }
  SigintScope sigint;
  S3BenchReport report;
  report.bucket_created = o.bucket.empty();
  report.bucket = o.bucket.empty() ? "bale-bench-" + RandomString(8, kNameAlphabet) : o.bucket;
  report.key_prefix = o.prefix.empty() ? "bb-" + RandomString(6, kNameAlphabet) : o.prefix;
  const bool fresh_puts = o.workload == "put" && o.objects == 0;
  report.objects = fresh_puts ? 0 : DefaultObjects(o);

  const std::chrono::milliseconds timeout = o.timeout;
  BlockingClient control(*endpoint, o.credentials, o.clock, timeout);
  if (report.bucket_created) {
    Status created = CreateBucket(control, report.bucket);
    if (!created.ok()) {
      err << "bale bench s3: " << created.message() << " (at " << o.endpoint << ")\n";
      return 1;
    }
  }
  KeySpace keys(report.bucket, report.key_prefix, fresh_puts ? kMaxFreshKeys : report.objects);
  const std::string payload =
      PayloadBytes(o.mix.uses(Op::kPut) || NeedsObjects(o) ? o.sizes.max() : 0);
  Clients clients(o, *endpoint, keys, payload, err);
  int rc = 0;

  // Prepare: write the objects the workload reads.
  if (NeedsObjects(o) && o.prepare) {
    SequentialOps prepare(Op::kPut, report.objects, o.sizes);
    Phase phase;
    phase.source = &prepare;
    PhaseReport prepared = clients.Run("prepare", phase, std::chrono::seconds(0));
    const OpStats total = prepared.stats.Total();
    report.prepared = total.ops - total.errors;
    report.prepare_seconds = prepared.seconds;
    if (total.errors > 0 || g_interrupted.load()) {
      err << "bale bench s3: preparing " << report.objects << " objects failed: " << total.errors
          << " errors:" << FirstErrors(prepared.stats) << "\n";
      rc = 1;
    } else if (!o.json) {
      char line[160];
      std::snprintf(line, sizeof line, "prepared %llu objects of %s in %.1f s\n",
                    static_cast<unsigned long long>(report.prepared), o.sizes.ToString().c_str(),
                    report.prepare_seconds);
      err << line;
    }
  }

  std::unique_ptr<OpSource> source;
  SequentialOps* sequential = nullptr;  // fresh PUTs or DELETEs: it knows how far it got
  if (fresh_puts || o.workload == "delete") {
    auto s = std::make_unique<SequentialOps>(fresh_puts ? Op::kPut : Op::kDelete,
                                             fresh_puts ? kMaxFreshKeys : report.objects, o.sizes);
    sequential = s.get();
    source = std::move(s);
  } else {
    source = std::make_unique<RandomOps>(o.mix, report.objects, NeedsObjects(o), o.sizes,
                                         o.list_max_keys);
  }

  const bool measure = rc == 0;
  if (measure) {
    // A warm-up of DELETEs would delete the objects the measurement needs.
    if (o.warmup.count() > 0 && o.workload != "delete") {
      Phase phase;
      phase.source = source.get();
      clients.Run("warm-up", phase, o.warmup);
    }
    std::atomic<int64_t> budget{static_cast<int64_t>(o.ops)};
    Phase phase;
    phase.source = source.get();
    if (o.ops > 0) phase.budget = &budget;
    report.measured =
        clients.Run("measure", phase, o.ops > 0 ? std::chrono::seconds(0) : o.duration);
    report.interrupted = g_interrupted.load();
    report.ran_out_of_keys = o.workload == "delete" && sequential->exhausted();
  }

  // Clean up: every key the run may have written, then the bucket it made.
  if (o.keep) {
    report.cleanup = "kept: objects under " + report.bucket + "/" + report.key_prefix + "/" +
                     (report.bucket_created ? " and the bucket" : "");
  } else {
    const uint64_t written = fresh_puts ? sequential->issued() : report.objects;
    auto deleted = DeleteObjectsOf(*endpoint, o.credentials, o.clock, timeout, keys, written,
                                   kCleanupParallel);
    if (!deleted.ok()) {
      report.cleanup_ok = false;
      report.cleanup = "failed: " + std::string(deleted.status().message());
    } else if (deleted->failed > 0) {
      report.cleanup_ok = false;
      report.cleanup =
          "failed: the server did not delete " + std::to_string(deleted->failed) + " objects";
    } else {
      report.cleanup =
          "deleted the objects (DeleteObjects of " + std::to_string(written) + " keys)";
      if (report.bucket_created) {
        Status gone = DeleteBucket(control, report.bucket);
        report.cleanup_ok = gone.ok();
        report.cleanup += gone.ok() ? " and the bucket" : "; " + std::string(gone.message());
      }
    }
  }
  if (measure) {
    if (o.json) {
      PrintJson(o, report, out);
    } else {
      PrintText(o, report, out);
    }
  }
  if (!report.cleanup_ok) {
    err << "bale bench s3: cleanup of " << report.bucket << " " << report.cleanup << "\n";
    rc = 1;
  }
  return rc;
}

}  // namespace bale::bench_s3
