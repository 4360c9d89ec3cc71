#include "tools/bench_s3/command.h"

#include <signal.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <optional>

#include <boost/program_options.hpp>

#include "common/units.h"
#include "tools/bench_s3/bench_s3.h"
#include "tools/bench_s3/null_server.h"
#include "tools/command_line.h"

namespace bale::bench_s3 {
namespace {

namespace po = boost::program_options;

constexpr char kS3Usage[] =
    "usage: bale bench s3 [options]\n"
    "\n"
    "Load generator for any S3 endpoint (SigV4). It creates a bucket (or uses\n"
    "--bucket), writes the objects the workload reads, warms up, measures, prints\n"
    "ops/s, MiB/s, latency percentiles and errors by S3 code, then deletes what\n"
    "it wrote. Examples:\n"
    "  bale bench s3 --workload get --size 4KiB --connections 64 --duration 10s\n"
    "  bale bench s3 --workload put --size 4KiB-1MiB --ops 10000 --json\n"
    "  bale bench s3 --workload mixed --mix get=90,put=10 --objects 10000\n"
    "  bale bench s3 --workload list --objects 100000 --list-keys 1000\n"
    "Workloads: put writes fresh keys (or random keys among --objects when given);\n"
    "get, head and list use --objects prepared keys; delete deletes each prepared\n"
    "object once and stops when none is left; mixed draws from --mix.\n"
    "Ctrl-C stops the measurement early and still reports and cleans up.\n";

constexpr char kNullUsage[] =
    "usage: bale bench null-server [options]\n"
    "\n"
    "Answers every HTTP/1.1 request with 200 and a fixed body, at once: the server\n"
    "against which `bale bench s3` measures its own ceiling. Runs until SIGINT or\n"
    "SIGTERM and prints \"listening on HOST:PORT\" first.\n";

int Usage(std::string_view message) {
  std::cerr << "bale bench s3: " << message << " (see bale bench s3 --help)\n";
  return 2;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int RunS3BenchCommand(int argc, char** argv) {
  S3BenchOptions o;
  std::string size = "4KiB", mix, duration = "10s", warmup = "2s", timeout = "30s";
  o.credentials.access_key = Env("AWS_ACCESS_KEY_ID");
  o.credentials.secret = Env("AWS_SECRET_ACCESS_KEY");
  if (!Env("AWS_DEFAULT_REGION").empty()) o.credentials.region = Env("AWS_DEFAULT_REGION");
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
      ("endpoint", po::value(&o.endpoint)->default_value(o.endpoint), "http://HOST[:PORT] of the S3 endpoint")
      ("access-key", po::value(&o.credentials.access_key), "access key id (default: $AWS_ACCESS_KEY_ID)")
      ("secret-key", po::value(&o.credentials.secret), "secret key (default: $AWS_SECRET_ACCESS_KEY)")
      ("region", po::value(&o.credentials.region)->default_value(o.credentials.region), "SigV4 region")
      ("bucket", po::value(&o.bucket), "bucket to use (default: create bale-bench-XXXXXXXX, delete it after)")
      ("prefix", po::value(&o.prefix), "key prefix, letters, digits and '-' (default: bb-XXXXXX, new each run)")
      ("no-prepare", "the objects exist already (an earlier --keep run with this --bucket and --prefix, "
       "or a static server): do not write them")
      ("workload", po::value(&o.workload)->default_value(o.workload), "put, get, head, delete, list or mixed")
      ("mix", po::value(&mix), "ratios of a mixed workload, e.g. get=90,put=10 (default get=90,put=10)")
      ("size", po::value(&size)->default_value(size),
       "object size: 4KiB, a uniform range 4KiB-1MiB, or weights 4KiB:70,64KiB:30")
      ("objects", po::value(&o.objects),
       "key space: objects prepared for get/head/delete/list/mixed (default 1000; delete: --ops or 10000)")
      ("connections,c", po::value(&o.connections)->default_value(o.connections), "concurrent connections")
      ("threads,t", po::value(&o.threads)->default_value(o.threads), "client threads; connections are spread over them")
      ("duration,d", po::value(&duration)->default_value(duration), "how long to measure (s, m, h)")
      ("ops,n", po::value(&o.ops), "measure this many operations instead of a duration")
      ("warmup", po::value(&warmup)->default_value(warmup), "load before measuring, not counted (0: none)")
      ("list-keys", po::value(&o.list_max_keys)->default_value(o.list_max_keys), "max-keys of each LIST")
      ("timeout", po::value(&timeout)->default_value(timeout), "a request without an answer this long is a network error")
      ("json", po::bool_switch(&o.json), "print the report as one JSON object")
      ("keep", po::bool_switch(&o.keep), "leave the objects (and the bucket) in place");
  // clang-format on
  po::variables_map vm;
  if (auto rc = tools::ParseCommandLine(kS3Usage, desc, argc, argv, vm)) return *rc;

  if (o.workload == "mixed") {
    auto parsed = WorkloadMix::Parse(mix.empty() ? "get=90,put=10" : mix);
    if (!parsed.ok()) return Usage(parsed.status().message());
    o.mix = *parsed;
  } else if (auto op = OpFromName(o.workload)) {
    if (!mix.empty()) return Usage("--mix goes with --workload mixed");
    o.mix = WorkloadMix::Only(*op);
  } else {
    return Usage("--workload '" + o.workload + "' is not put, get, head, delete, list or mixed");
  }
  auto sizes = SizeDistribution::Parse(size);
  if (!sizes.ok()) return Usage(sizes.status().message());
  o.sizes = *sizes;
  auto d = ParseDuration(duration);
  if (!d.ok() || d->count() == 0)
    return Usage("--duration '" + duration + "' is not a positive duration like 10s or 2m");
  o.duration = *d;
  auto w = ParseDuration(warmup);
  if (!w.ok()) return Usage("--warmup '" + warmup + "' is not a duration like 0, 2s or 1m");
  o.warmup = *w;
  auto t = ParseDuration(timeout);
  if (!t.ok() || t->count() == 0)
    return Usage("--timeout '" + timeout + "' is not a positive duration");
  o.timeout = *t;
  if (o.connections < 1 || o.connections > 100'000)
    return Usage("--connections must be 1 to 100000");
  if (o.threads < 1 || o.threads > 1024) return Usage("--threads must be 1 to 1024");
  if (vm.count("objects") && o.objects == 0) return Usage("--objects must be at least 1");
  if (vm.count("ops") && o.ops == 0) return Usage("--ops must be at least 1");
  if (o.list_max_keys < 1 || o.list_max_keys > 1000) return Usage("--list-keys must be 1 to 1000");
  o.prepare = vm.count("no-prepare") == 0;
  if (!o.prepare && o.bucket.empty()) return Usage("--no-prepare needs --bucket");
  if (o.prefix.size() > 200) return Usage("--prefix is longer than 200 characters");
  for (char ch : o.prefix) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') {
      return Usage("--prefix '" + o.prefix + "' may hold only letters, digits and '-'");
    }
  }
  for (char ch : o.bucket) {  // the loop puts it in paths unencoded
    if (!std::islower(static_cast<unsigned char>(ch)) &&
        !std::isdigit(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') {
      return Usage("--bucket '" + o.bucket + "' is not a bucket name (a-z, 0-9, '-', '.')");
    }
  }
  if (o.credentials.access_key.empty() || o.credentials.secret.empty()) {
    return Usage(
        "no credentials: give --access-key and --secret-key or set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY");
  }
  return RunS3Bench(o, std::cout, std::cerr);
}

namespace {
NullServer* g_null_server = nullptr;
void StopNullServer(int) {
  if (g_null_server) g_null_server->Stop();
}
}  // namespace

int RunNullServerCommand(int argc, char** argv) {
  NullServerOptions o;
  std::string body = "4KiB";
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
      ("listen", po::value(&o.listen)->default_value(o.listen), "IPv4:PORT to listen on (port 0: any free one)")
      ("body", po::value(&body)->default_value(body), "bytes of every answer's body")
      ("threads", po::value(&o.threads)->default_value(o.threads), "event loops (SO_REUSEPORT)");
  // clang-format on
  po::variables_map vm;
  if (auto rc = tools::ParseCommandLine(kNullUsage, desc, argc, argv, vm)) return *rc;
  auto size = ParseByteSize(body);
  if (!size.ok() || *size > (64u << 20)) {
    std::cerr << "bale bench null-server: --body '" << body << "' is not a size up to 64MiB\n";
    return 2;
  }
  o.body_bytes = *size;
  if (o.threads < 1 || o.threads > 256) {
    std::cerr << "bale bench null-server: --threads must be 1 to 256\n";
    return 2;
  }
  NullServer server(o);
  Status st = server.Listen();
  if (!st.ok()) {
    std::cerr << "bale bench null-server: " << st.message() << "\n";
    return 1;
  }
  g_null_server = &server;
  signal(SIGINT, StopNullServer);
  signal(SIGTERM, StopNullServer);
  std::cout << "listening on " << o.listen.substr(0, o.listen.rfind(':')) << ":" << server.port()
            << std::endl;
  server.Run();
  g_null_server = nullptr;
  std::cout << "answered " << server.answered() << " requests\n";
  return 0;
}

}  // namespace bale::bench_s3
