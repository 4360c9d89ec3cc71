// bale: one binary, many roles.
//   bale serve   everything in one process (embedded default)
//   bale store   a store: volumes on local drives behind the store HTTP API
//   bale bench   benchmarks that print figures
//   bale admin   client of a running server's admin API (tools/admin/)
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "common/log.h"
#include "common/text.h"
#include "common/units.h"
#include "tools/admin/commands.h"
#include "backend/store/store.h"
#include "tools/bench_ec.h"
#include "tools/command_line.h"
#include "tools/bench_s3/command.h"
#include "tools/bench_store.h"
#include "tools/serve.h"

namespace po = boost::program_options;

namespace {

constexpr char kUsage[] =
    "usage: bale <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve         run Bale in one process: S3 on --listen, data and metadata in --data\n"
    "  store         run a store: volumes on local drives behind the store HTTP API\n"
    "  bench store   measure the volume engine: durable writes, reads, index RAM, open time\n"
    "  bench ec      measure the Reed-Solomon codec against bare jerasure and memcpy\n"
    "  bench s3      load-test any S3 endpoint (SigV4): put/get/head/delete/list/mixed\n"
    "  bench null-server  answer every HTTP request at once (the ceiling of bench s3)\n"
    "  admin         manage a running server: buckets, quotas, users, keys, volumes\n"
    "\n"
    "Run 'bale <command> --help' for a command's options.\n";

// The non-empty items of a comma-separated flag value.
std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  for (std::string_view item : bale::Split(s, ','))
    if (!item.empty()) out.emplace_back(item);
  return out;
}

int Serve(const char* name, int argc, char** argv) {
  const bool serve = std::string(name) == "serve";
  bale::tools::ServeOptions o;
  std::string drives, domains, volume_size = "30GiB", log_level = "info";
  std::string compact_rate = "64MiB", upload_expiry = "24h", compact_interval = "10s",
              compact_min_garbage = "16MiB", orphan_grace = "24h", orphan_interval = "6h";
  std::string ec_block_size = "1MiB", ec_rate = "64MiB", ec_interval = "10s", seal_idle = "24h",
              scrub_interval = "7d", scrub_rate = "32MiB";
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
      ("data", po::value(&o.data_dir)->default_value(o.data_dir), "data directory")
      ("listen", po::value(&o.listen)->default_value(o.listen), "HOST:PORT to listen on")
      ("drives", po::value(&drives), "comma-separated drive directories (default: DATA/drive0)")
      ("volume-size", po::value(&volume_size)->default_value(volume_size),
       "size limit of a volume (at most 32GiB)")
      ("volumes", po::value(&o.initial_volumes)->default_value(o.initial_volumes),
       "volumes created on an empty store")
      ("ec", po::value(&o.ec),
       "erasure scheme K+M for sealed volumes, on K+M distinct drives; writable volumes are kept "
       "as M+1 copies (default by drive count: 1 none, 2 1+1, 3-5 (n-1)+1, 6-13 4+2, 14+ 10+4; "
       "'none' turns it off)")
      ("ec-block-size", po::value(&ec_block_size)->default_value(ec_block_size),
       "block size of a coded row (a multiple of 64KiB)")
      ("io-threads", po::value(&o.io_threads)->default_value(o.io_threads), "network threads")
      ("worker-threads", po::value(&o.worker_threads)->default_value(o.worker_threads),
       serve ? "threads for requests that write (they wait on fsync)" : "threads for disk work")
      ("log-level", po::value(&log_level)->default_value(log_level), "debug, info, warning or error");
  if (serve) {
    desc.add_options()
        ("read-worker-threads", po::value(&o.read_worker_threads)->default_value(o.read_worker_threads),
         "threads for GET and HEAD")
        ("region", po::value(&o.region)->default_value(o.region), "the S3 region this server is")
        ("domain", po::value(&domains),
         "comma-separated domains for virtual-hosted-style requests (BUCKET.DOMAIN)")
        ("store-listen", po::value(&o.store_listen),
         "also serve the store's internal HTTP API on HOST:PORT")
        ("compact-garbage-ratio", po::value(&o.compact_garbage_ratio)->default_value(0.3, "0.3"),
         "compact a volume in the background once this share of it is garbage (1: never)")
        ("compact-min-garbage", po::value(&compact_min_garbage)->default_value(compact_min_garbage),
         "... and once it holds at least this many garbage bytes")
        ("compact-rate", po::value(&compact_rate)->default_value(compact_rate),
         "bytes of volume per second a background compaction works through (dead needles count, though they are not read; 0: unthrottled)")
        ("compact-interval", po::value(&compact_interval)->default_value(compact_interval),
         "how often the background compaction looks for garbage (s, m, h or d)")
        ("upload-expiry", po::value(&upload_expiry)->default_value(upload_expiry),
         "abort multipart uploads left incomplete this long (s, m, h or d; 0: never)")
        ("orphan-grace", po::value(&orphan_grace)->default_value(orphan_grace),
         "free needles no record names once they are this old (0: never); a write that takes "
         "over half of it to commit is refused")
        ("orphan-interval", po::value(&orphan_interval)->default_value(orphan_interval),
         "how often the orphan sweep runs")
        ("seal-idle", po::value(&seal_idle)->default_value(seal_idle),
         "with --ec: seal and encode a volume that took no write for this long (0: only full ones)")
        ("ec-rate", po::value(&ec_rate)->default_value(ec_rate),
         "bytes per second background encoding and repair write (0: unthrottled)")
        ("ec-interval", po::value(&ec_interval)->default_value(ec_interval),
         "how often the erasure worker looks for volumes to seal, encode and repair")
        ("scrub-interval", po::value(&scrub_interval)->default_value(scrub_interval),
         "how often every shard is read and checked (0: never)")
        ("scrub-rate", po::value(&scrub_rate)->default_value(scrub_rate),
         "bytes per second a scrub reads (0: unthrottled)");
  }
  // clang-format on
  po::variables_map vm;
  std::string usage = std::string("usage: bale ") + name + " [options]";
  if (auto rc = bale::tools::ParseCommandLine(usage, desc, argc, argv, vm)) return *rc;
  bale::LogLevel level;
  if (!bale::ParseLogLevel(log_level, &level)) {
    std::cerr << "bale: --log-level '" << log_level
              << "' is not one of debug, info, warning, error\n";
    return 2;
  }
  bale::SetLogLevel(level);
  auto size = bale::ParseByteSize(volume_size);
  if (!size.ok()) {
    std::cerr << "bale: --volume-size: " << size.status().message() << "\n";
    return 2;
  }
  o.volume_size = *size;
  auto rate = bale::ParseByteSize(compact_rate);
  if (!rate.ok()) {
    std::cerr << "bale: --compact-rate: " << rate.status().message() << "\n";
    return 2;
  }
  o.compact_rate = *rate;
  auto interval = bale::ParseDuration(compact_interval);
  if (!interval.ok() || interval->count() == 0) {
    std::cerr << "bale: --compact-interval '" << compact_interval
              << "' is not a positive duration like 500s, 10m or 1h\n";
    return 2;
  }
  o.compact_interval = *interval;
  auto expiry = bale::ParseDuration(upload_expiry);
  if (!expiry.ok()) {
    std::cerr << "bale: --upload-expiry '" << upload_expiry
              << "' is not a duration like 90s, 30m, 24h or 7d\n";
    return 2;
  }
  o.upload_expiry = *expiry;
  auto grace = bale::ParseDuration(orphan_grace);
  auto sweep_interval = bale::ParseDuration(orphan_interval);
  if (!grace.ok() || !sweep_interval.ok() || sweep_interval->count() == 0) {
    std::cerr << "bale: --orphan-grace '" << orphan_grace << "' and --orphan-interval '"
              << orphan_interval << "' must be durations like 90s, 30m, 24h or 7d (the interval "
              << "not 0)\n";
    return 2;
  }
  o.orphan_grace = *grace;
  o.orphan_interval = *sweep_interval;
  if (o.compact_garbage_ratio <= 0 || o.compact_garbage_ratio > 1) {
    std::cerr << "bale: --compact-garbage-ratio must be in (0, 1]\n";
    return 2;
  }
  o.drives = SplitComma(drives);
  o.domains = SplitComma(domains);
  // Redundancy flags: each checked on its own, and --ec against the drives given.
  const std::pair<const char*, std::string*> byte_flags[] = {
      {"--ec-block-size", &ec_block_size},
      {"--ec-rate", &ec_rate},
      {"--scrub-rate", &scrub_rate},
      {"--compact-min-garbage", &compact_min_garbage}};
  uint64_t* byte_out[] = {&o.ec_block_size, &o.ec_rate, &o.scrub_rate, &o.compact_min_garbage};
  for (size_t i = 0; i < 4; i++) {
    auto v = bale::ParseByteSize(*byte_flags[i].second);
    if (!v.ok()) {
      std::cerr << "bale: " << byte_flags[i].first << ": " << v.status().message() << "\n";
      return 2;
    }
    *byte_out[i] = *v;
  }
  if (o.ec_block_size == 0 || o.ec_block_size % (64 << 10) != 0) {
    std::cerr << "bale: --ec-block-size must be a positive multiple of 64KiB\n";
    return 2;
  }
  const std::pair<const char*, std::string*> time_flags[] = {{"--ec-interval", &ec_interval},
                                                             {"--seal-idle", &seal_idle},
                                                             {"--scrub-interval", &scrub_interval}};
  std::chrono::seconds* time_out[] = {&o.ec_interval, &o.seal_idle, &o.scrub_interval};
  for (size_t i = 0; i < 3; i++) {
    auto v = bale::ParseDuration(*time_flags[i].second);
    if (!v.ok() || (i == 0 && v->count() == 0)) {
      std::cerr << "bale: " << time_flags[i].first << " '" << *time_flags[i].second
                << "' is not a duration like 90s, 30m, 24h or 7d" << (i == 0 ? " above 0" : "")
                << "\n";
      return 2;
    }
    *time_out[i] = *v;
  }
  if (!o.ec.empty() && o.ec != "none") {
    auto scheme = bale::ParseErasureScheme(o.ec);
    if (!scheme.ok()) {
      std::cerr << "bale: --ec: " << scheme.status().message() << "\n";
      return 2;
    }
    const size_t n = o.drives.empty() ? 1 : o.drives.size();
    if (size_t(scheme->k + scheme->m) > n) {
      std::cerr << "bale: --ec " << o.ec << " puts " << scheme->k + scheme->m
                << " shards on distinct drives, but " << n << " drive(s) are given (--drives)\n";
      return 2;
    }
  }
  return std::string(name) == "serve" ? bale::tools::RunServe(o) : bale::tools::RunStore(o);
}

int BenchStore(int argc, char** argv) {
  bale::bench::StoreBenchOptions o;
  o.dir = "./bale-bench.tmp";
  std::string sizes = "1KiB,4KiB,64KiB,1MiB", writers = "1,64", max_bytes = "1GiB";
  po::options_description desc("options");
  desc.add_options()("dir", po::value(&o.dir)->default_value(o.dir),
                     "scratch directory on the disk to measure")(
      "sizes", po::value(&sizes)->default_value(sizes), "needle sizes")(
      "writers", po::value(&writers)->default_value(writers), "concurrent writer counts")(
      "seconds", po::value(&o.seconds)->default_value(o.seconds), "duration of each measurement")(
      "max-bytes", po::value(&max_bytes)->default_value(max_bytes),
      "bytes written at most per write measurement")(
      "index-needles", po::value(&o.index_needles)->default_value(o.index_needles),
      "needles in the index/open-time measurement (0 skips it)");
  po::variables_map vm;
  if (auto rc = bale::tools::ParseCommandLine("usage: bale bench store [options]", desc, argc,
                                               argv, vm))
    return *rc;
  o.sizes.clear();
  for (const auto& s : SplitComma(sizes)) {
    auto v = bale::ParseByteSize(s);
    if (!v.ok() || *v == 0) {
      std::cerr << "bale: --sizes: '" << s << "' is not a positive size\n";
      return 2;
    }
    o.sizes.push_back(*v);
  }
  o.writers.clear();
  for (const auto& w : SplitComma(writers)) {
    try {
      int n = std::stoi(w);
      if (n < 1 || n > 4096) throw std::out_of_range(w);
      o.writers.push_back(n);
    } catch (const std::exception&) {
      std::cerr << "bale: --writers: '" << w << "' is not a count from 1 to 4096\n";
      return 2;
    }
  }
  auto mb = bale::ParseByteSize(max_bytes);
  if (!mb.ok()) {
    std::cerr << "bale: --max-bytes: " << mb.status().message() << "\n";
    return 2;
  }
  o.max_bytes = *mb;
  bale::SetLogLevel(bale::LogLevel::kWarning);
  int rc = bale::bench::RunStoreBench(o);
  std::string rm = "rm -rf '" + o.dir + "'";
  if (std::system(rm.c_str()) != 0) std::cerr << "bale: could not remove " << o.dir << "\n";
  return rc;
}

int BenchEc(int argc, char** argv) {
  bale::bench::EcBenchOptions o;
  std::string shard_size = "1MiB";
  po::options_description desc("options");
  desc.add_options()("seconds", po::value(&o.seconds)->default_value(o.seconds),
                     "duration of each figure")(
      "shard-size", po::value(&shard_size)->default_value(shard_size),
      "bytes per shard buffer (a multiple of 8, at most 1GiB)")(
      "dir", po::value(&o.dir)->default_value(o.dir),
      "where the coded-volume figures build their drives (removed afterwards)")(
      "needles", po::value(&o.needles)->default_value(o.needles),
      "4 KiB needles in the coded volume (0: codec figures only)")(
      "reads", po::value(&o.reads)->default_value(o.reads), "random reads per read figure");
  po::variables_map vm;
  if (auto rc = bale::tools::ParseCommandLine("usage: bale bench ec [options]", desc, argc, argv,
                                               vm))
    return *rc;
  auto size = bale::ParseByteSize(shard_size);
  if (!size.ok() || *size == 0 || *size % 8 != 0 || *size > (1u << 30)) {
    std::cerr << "bale: --shard-size '" << shard_size
              << "' is not a positive multiple of 8 bytes up to 1GiB\n";
    return 2;
  }
  if (o.seconds <= 0 || o.seconds > 600) {
    std::cerr << "bale: --seconds must be in (0, 600]\n";
    return 2;
  }
  o.shard_size = *size;
  return bale::bench::RunEcBench(o);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "serve" || cmd == "store") {
    // For a server, a peer that hangs up mid-write is an error return (EPIPE)
    // to the code that wrote, never the death of the process: Asio sends with
    // MSG_NOSIGNAL, library sockets (Thrift, ZooKeeper) need not.
    std::signal(SIGPIPE, SIG_IGN);
    return Serve(argv[1], argc - 1, argv + 1);
  }
  if (cmd == "admin") {
    return bale::admin::RunAdmin({argv + 2, argv + argc}, bale::admin::ProcessEnvironment(),
                                 std::cout, std::cerr);
  }
  if (cmd == "bench") {
    if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
      std::cout << "usage: bale bench store|ec|s3|null-server [options]\n";
      return argc < 3 ? 2 : 0;
    }
    if (std::string(argv[2]) == "store") return BenchStore(argc - 2, argv + 2);
    if (std::string(argv[2]) == "ec") return BenchEc(argc - 2, argv + 2);
    if (std::string(argv[2]) == "s3") return bale::bench_s3::RunS3BenchCommand(argc - 2, argv + 2);
    if (std::string(argv[2]) == "null-server") {
      return bale::bench_s3::RunNullServerCommand(argc - 2, argv + 2);
    }
    std::cerr << "bale: unknown benchmark '" << argv[2] << "' (known: store, ec, s3, null-server)\n";
    return 2;
  }
  std::cerr << "bale: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
