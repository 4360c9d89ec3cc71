#include "tools/bench_ec.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <filesystem>

#include <jerasure.h>
#include <jerasure/reed_sol.h>

#include "backend/store/ec_format.h"
#include "backend/store/store.h"
#include "erasure/reed_solomon.h"
#include "tools/bench_stats.h"

namespace bale::bench {
namespace {

using Steady = std::chrono::steady_clock;
constexpr int kWordBits = 8;

// Calls `op` until `seconds` have passed; MB (10^6 bytes) of data per second,
// counting `bytes` per call.
double Rate(const std::function<bool()>& op, double seconds, uint64_t bytes) {
  if (!op()) return 0;  // warm-up: page faults, gf-complete tables
  uint64_t calls = 0;
  const auto start = Steady::now();
  double elapsed = 0;
  do {
    if (!op()) return 0;
    calls++;
    elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  } while (elapsed < seconds);
  return calls * static_cast<double>(bytes) / elapsed / 1e6;
}

// k + m shard buffers and the pointer views that Bale and jerasure each take.
struct Shards {
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<std::span<uint8_t>> spans;
  std::vector<char*> ptrs;

  Shards(int count, uint64_t size, std::mt19937_64& rng)
      : bytes(count, std::vector<uint8_t>(size)) {
    for (auto& shard : bytes) {
      for (auto& b : shard) b = static_cast<uint8_t>(rng());
      spans.emplace_back(shard);
      ptrs.push_back(reinterpret_cast<char*>(shard.data()));
    }
  }
};

void PrintRow(const std::string& code, const char* what, double bale, double bare, double copy) {
  std::printf("  %-9s %-16s %10.0f %14.0f %13.0f%% %12.0f\n", code.c_str(), what, bale, bare,
              bare > 0 ? 100 * bale / bare : 0, copy);
  std::fflush(stdout);
}

// Prints encode and decode rows for RS(k, m); false if Bale and jerasure
// disagree on a parity byte.
bool BenchCode(int k, int m, const EcBenchOptions& o) {
  auto rs = erasure::ReedSolomon::Create(k, m);
  if (!rs.ok()) {
    std::cerr << "bale: " << rs.status() << "\n";
    return false;
  }
  int* matrix = reed_sol_vandermonde_coding_matrix(k, m, kWordBits);  // the matrix Bale uses
  std::mt19937_64 rng(k * 100 + m);
  Shards shards(k + m, o.shard_size, rng), copies(k, o.shard_size, rng);
  const uint64_t data_bytes = k * o.shard_size;
  const int size = static_cast<int>(o.shard_size);
  char** data = shards.ptrs.data();
  char** coding = data + k;
  std::vector<std::span<const uint8_t>> data_spans(shards.spans.begin(), shards.spans.begin() + k);
  std::span<const std::span<uint8_t>> parity_spans = std::span(shards.spans).subspan(k);

  const double copy = Rate(
      [&] {
        for (int i = 0; i < k; ++i) std::memcpy(copies.ptrs[i], data[i], o.shard_size);
        return true;
      },
      o.seconds, data_bytes);
  const double bare_encode = Rate(
      [&] {
        jerasure_matrix_encode(k, m, kWordBits, matrix, data, coding, size);
        return true;
      },
      o.seconds, data_bytes);
  const auto bare_parity = std::vector(shards.bytes.begin() + k, shards.bytes.end());
  const double bale_encode =
      Rate([&] { return rs->Encode(data_spans, parity_spans).ok(); }, o.seconds, data_bytes);
  const bool same = std::equal(bare_parity.begin(), bare_parity.end(), shards.bytes.begin() + k);

  // The worst case: m data shards lost, so every one is decoded.
  std::vector<int> lost;
  for (int i = 0; i < m; ++i) lost.push_back(i);
  std::vector<int> erasures = lost;
  erasures.push_back(-1);
  const double bare_decode = Rate(
      [&] {
        return jerasure_matrix_decode(k, m, kWordBits, matrix, 1, erasures.data(), data, coding,
                                      size) == 0;
      },
      o.seconds, data_bytes);
  const double bale_decode =
      Rate([&] { return rs->Reconstruct(shards.spans, lost).ok(); }, o.seconds, data_bytes);
  std::free(matrix);

  const std::string code = "RS(" + std::to_string(k) + "," + std::to_string(m) + ")";
  PrintRow(code, "encode", bale_encode, bare_encode, copy);
  PrintRow(code, ("decode, " + std::to_string(m) + " lost").c_str(), bale_decode, bare_decode,
           copy);
  if (!same) std::cerr << "bale: " << code << ": Bale's parity differs from jerasure's\n";
  return same && bale_decode > 0 && bare_decode > 0;
}

}  // namespace

// A coded volume on k + m drive directories under `dir`: encode rate, bytes on
// disk against the .dat, and 4 KiB reads healthy and with m data shards lost.
bool BenchCodedVolume(int k, int m, const EcBenchOptions& o) {
  FileSystem* fs = FileSystem::Posix();
  const std::string dir = JoinPath(o.dir, "rs" + std::to_string(k) + "-" + std::to_string(m));
  std::filesystem::remove_all(dir);
  StoreOptions so;
  for (int i = 0; i < k + m; i++) so.drives.push_back(JoinPath(dir, "d" + std::to_string(i)));
  so.ec = {k, m, ec::kDefaultBlockSize, ec::kDefaultChunkSize};
  auto store = Store::Open(fs, Clock::Real(), so);
  if (!store.ok() || !(*store)->CreateVolume(1).ok()) {
    std::fprintf(stderr, "bench ec: cannot create the volume: %s\n",
                 store.ok() ? "CreateVolume failed" : store.status().ToString().c_str());
    return false;
  }
  const std::string data(4096, 'x');
  std::vector<NeedleWrite> batch;
  for (uint64_t key = 1; key <= o.needles; key++) {
    batch.push_back({key, static_cast<Cookie>(key), data});
    if (batch.size() == 1000 || key == o.needles) {
      if (!(*store)->Find(1).value()->WriteBatch(batch).ok()) return false;
      batch.clear();
    }
  }
  const uint64_t dat = (*store)->Stats()[0].file_bytes;
  const auto t0 = Steady::now();
  if (Status st = (*store)->Encode(1); !st.ok()) {
    std::fprintf(stderr, "bench ec: encode: %s\n", st.ToString().c_str());
    return false;
  }
  const double encode_s = std::chrono::duration<double>(Steady::now() - t0).count();
  uint64_t shards = 0, all = 0;
  for (const auto& d : so.drives)
    for (const auto& e : std::filesystem::directory_iterator(d)) {
      all += e.file_size();
      if (e.path().filename().string().find(".ec") != std::string::npos &&
          e.path().extension() != ".ecx" && e.path().extension() != ".ecj")
        shards += e.file_size();
    }
  auto reads = [&](const char* what) {
    std::mt19937_64 rng(1);
    std::vector<std::vector<uint32_t>> lat(1);
    const auto start = Steady::now();
    for (uint64_t i = 0; i < o.reads; i++) {
      uint64_t key = 1 + rng() % o.needles;
      auto t = Steady::now();
      auto got = (*store)->Get(1, key, static_cast<Cookie>(key));
      lat[0].push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - t).count()));
      if (!got.ok() || *got != data) {
        std::fprintf(stderr, "bench ec: read of needle %llu failed: %s\n",
                     static_cast<unsigned long long>(key),
                     got.ok() ? "wrong bytes" : got.status().ToString().c_str());
        return false;
      }
    }
    Figures f = Summarize(lat, std::chrono::duration<double>(Steady::now() - start).count(), 4096);
    std::printf("  RS(%d,%d)   4 KiB read, %-22s p50 %6.1f us  p99 %6.1f us  max %7.1f us  %8.0f reads/s\n",
                k, m, what, f.p50_us, f.p99_us, f.max_us, f.ops_per_sec());
    return true;
  };
  std::printf("  RS(%d,%d)   %llu needles of 4 KiB, .dat %s: encoded in %.2f s (%.0f MB/s of .dat); "
              "shards on disk %.4fx the .dat (ideal %.4fx), with index and journal copies %.4fx\n",
              k, m, static_cast<unsigned long long>(o.needles), HumanSize(dat).c_str(), encode_s,
              dat / encode_s / 1e6, double(shards) / dat, double(k + m) / k, double(all) / dat);
  if (!reads("healthy")) return false;
  // m data shards lost: every read whose bytes lie there decodes from k others.
  store->reset();
  for (int i = 0; i < m; i++)
    for (const auto& d : so.drives)
      std::filesystem::remove(JoinPath(d, ec::ShardName(1, i)));
  store = Store::Open(fs, Clock::Real(), so);
  if (!store.ok()) return false;
  bool ok = reads(("degraded (" + std::to_string(m) + " lost)").c_str());
  store->reset();
  std::filesystem::remove_all(dir);
  return ok;
}

int RunEcBench(const EcBenchOptions& o) {
  std::printf(
      "bale bench ec: Reed-Solomon (w=8, Vandermonde) on %s shards, one core, %.1f s per figure\n"
      "MB/s = 10^6 data bytes (k x shard size) per second\n",
      HumanSize(o.shard_size).c_str(), o.seconds);
  std::printf("  %-9s %-16s %10s %14s %14s %12s\n", "code", "operation", "Bale MB/s",
              "jerasure MB/s", "Bale/jerasure", "memcpy MB/s");
  bool ok = true;
  for (auto [k, m] : {std::pair{10, 4}, {4, 2}}) ok = BenchCode(k, m, o) && ok;
  if (o.needles == 0) return ok ? 0 : 1;
  std::printf("\ncoded volumes in %s (page cache warm): encode, bytes on disk, 4 KiB reads "
              "healthy and with m data shards deleted\n", o.dir.c_str());
  for (auto [k, m] : {std::pair{10, 4}, {4, 2}}) ok = BenchCodedVolume(k, m, o) && ok;
  std::filesystem::remove_all(o.dir);
  return ok ? 0 : 1;
}

}  // namespace bale::bench
