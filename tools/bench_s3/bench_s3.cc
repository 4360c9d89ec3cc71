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

namespace {

// The phases of one run, in order: Setup, Prepare, Measure, CleanUp.
class S3Bench {
 public:
  S3Bench(const S3BenchOptions& o, const Endpoint& endpoint, std::ostream& err)
      : o_(o),
        endpoint_(endpoint),
        err_(err),
        control_(endpoint, o.credentials, o.clock, o.timeout),
        fresh_puts_(o.workload == "put" && o.objects == 0) {
    report_.bucket_created = o.bucket.empty();
    report_.bucket = o.bucket.empty() ? "bale-bench-" + RandomString(8, kNameAlphabet) : o.bucket;
    report_.key_prefix = o.prefix.empty() ? "bb-" + RandomString(6, kNameAlphabet) : o.prefix;
    report_.objects = fresh_puts_ ? 0 : DefaultObjects(o);
    written_ = report_.objects;
    keys_ = std::make_unique<KeySpace>(report_.bucket, report_.key_prefix,
                                       fresh_puts_ ? kMaxFreshKeys : report_.objects);
    payload_ = PayloadBytes(o.mix.uses(Op::kPut) || NeedsObjects(o) ? o.sizes.max() : 0);
    clients_ = std::make_unique<Clients>(o, endpoint, *keys_, payload_, err);
  }

  const S3BenchReport& report() const { return report_; }

  // Creates the bucket unless one was given.
  Status Setup() {
    if (!report_.bucket_created) return Status::Ok();
    return CreateBucket(control_, report_.bucket);
  }

  // Writes the objects the workload reads.
  Status Prepare() {
    if (!NeedsObjects(o_) || !o_.prepare) return Status::Ok();
    SequentialOps prepare(Op::kPut, report_.objects, o_.sizes);
    Phase phase;
    phase.source = &prepare;
    PhaseReport prepared = clients_->Run("prepare", phase, std::chrono::seconds(0));
    const OpStats total = prepared.stats.Total();
    report_.prepared = total.ops - total.errors;
    report_.prepare_seconds = prepared.seconds;
    if (total.errors > 0 || g_interrupted.load()) {
      return UnavailableError("preparing " + std::to_string(report_.objects) +
                              " objects failed: " + std::to_string(total.errors) +
                              " errors:" + FirstErrors(prepared.stats));
    }
    if (!o_.json) {
      char line[160];
      std::snprintf(line, sizeof line, "prepared %llu objects of %s in %.1f s\n",
                    static_cast<unsigned long long>(report_.prepared), o_.sizes.ToString().c_str(),
                    report_.prepare_seconds);
      err_ << line;
    }
    return Status::Ok();
  }

  // Warms up, then measures.
  void Measure() {
    std::unique_ptr<OpSource> source;
    SequentialOps* sequential = nullptr;  // of fresh PUTs or DELETEs: it knows how far it got
    if (fresh_puts_ || o_.workload == "delete") {
      auto s =
          std::make_unique<SequentialOps>(fresh_puts_ ? Op::kPut : Op::kDelete,
                                          fresh_puts_ ? kMaxFreshKeys : report_.objects, o_.sizes);
      sequential = s.get();
      source = std::move(s);
    } else {
      source = std::make_unique<RandomOps>(o_.mix, report_.objects, NeedsObjects(o_), o_.sizes,
                                           o_.list_max_keys);
    }
    // A warm-up of DELETEs would delete the objects the measurement needs.
    if (o_.warmup.count() > 0 && o_.workload != "delete") {
      Phase phase;
      phase.source = source.get();
      clients_->Run("warm-up", phase, o_.warmup);
    }
    std::atomic<int64_t> budget{static_cast<int64_t>(o_.ops)};
    Phase phase;
    phase.source = source.get();
    if (o_.ops > 0) phase.budget = &budget;
    report_.measured =
        clients_->Run("measure", phase, o_.ops > 0 ? std::chrono::seconds(0) : o_.duration);
    report_.interrupted = g_interrupted.load();
    report_.ran_out_of_keys = o_.workload == "delete" && sequential->exhausted();
    if (fresh_puts_) written_ = sequential->issued();
  }

  // Deletes every key the run may have written, then the bucket it made.
  void CleanUp() {
    if (o_.keep) {
      report_.cleanup = "kept: objects under " + report_.bucket + "/" + report_.key_prefix + "/" +
                        (report_.bucket_created ? " and the bucket" : "");
      return;
    }
    auto deleted = DeleteObjectsOf(endpoint_, o_.credentials, o_.clock, o_.timeout, *keys_,
                                   written_, kCleanupParallel);
    if (!deleted.ok()) {
      report_.cleanup_ok = false;
      report_.cleanup = "failed: " + std::string(deleted.status().message());
      return;
    }
    if (deleted->failed > 0) {
      report_.cleanup_ok = false;
      report_.cleanup =
          "failed: the server did not delete " + std::to_string(deleted->failed) + " objects";
      return;
    }
    report_.cleanup =
        "deleted the objects (DeleteObjects of " + std::to_string(written_) + " keys)";
    if (report_.bucket_created) {
      Status gone = DeleteBucket(control_, report_.bucket);
      report_.cleanup_ok = gone.ok();
      report_.cleanup += gone.ok() ? " and the bucket" : "; " + std::string(gone.message());
    }
  }

 private:
  const S3BenchOptions& o_;
  const Endpoint& endpoint_;
  std::ostream& err_;
  BlockingClient control_;
  const bool fresh_puts_;  // PUTs to new keys: how many were written is known only at the end
  S3BenchReport report_;
  std::unique_ptr<KeySpace> keys_;
  std::string payload_;
  std::unique_ptr<Clients> clients_;
  uint64_t written_ = 0;  // keys [0, written_) may hold objects of this run
};

}  // namespace

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
  S3Bench bench(o, *endpoint, err);
  if (Status st = bench.Setup(); !st.ok()) {
    err << "bale bench s3: " << st.message() << " (at " << o.endpoint << ")\n";
    return 1;
  }
  int rc = 0;
  Status prepared = bench.Prepare();
  if (prepared.ok()) {
    bench.Measure();
  } else {
    err << "bale bench s3: " << prepared.message() << "\n";
    rc = 1;
  }
  bench.CleanUp();
  if (prepared.ok()) {
    if (o.json) {
      PrintJson(o, bench.report(), out);
    } else {
      PrintText(o, bench.report(), out);
    }
  }
  if (!bench.report().cleanup_ok) {
    err << "bale bench s3: cleanup of " << bench.report().bucket << " " << bench.report().cleanup
        << "\n";
    rc = 1;
  }
  return rc;
}

}  // namespace bale::bench_s3
