#include "tools/bench_store.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "backend/store/volume.h"
#include "common/file_system.h"
#include "tools/bench_stats.h"

// jemalloc's control call, when the binary is linked with it (bale is).
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace bale::bench {
namespace {

using Steady = std::chrono::steady_clock;

double SecondsSince(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

uint32_t NanosSince(Steady::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - t).count();
  return static_cast<uint32_t>(std::min<int64_t>(ns, UINT32_MAX));
}

// Resident memory, after handing freed heap back to the kernel so that the
// figure counts live memory rather than the allocator's free lists.
uint64_t RssBytes() {
  if (mallctl)
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: MALLCTL_ARENAS_ALL
  else
    ::malloc_trim(0);
  long pages = 0, rss = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    std::fclose(f);
  }
  return static_cast<uint64_t>(rss) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Evicts a file's clean pages from the page cache, for a cold open.
void DropFromPageCache(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

void RemoveVolume(const std::string& dir, VolumeId id) {
  FileSystem::Posix()->Remove(JoinPath(dir, std::to_string(id) + ".dat")).IgnoreError();
  FileSystem::Posix()->Remove(JoinPath(dir, std::to_string(id) + ".idx")).IgnoreError();
}

void PrintRow(const char* what, uint64_t size, int threads, const Figures& f) {
  std::printf("  %-28s %8s %4d  %10.0f %9.1f %9.1f %9.1f\n", what, HumanSize(size).c_str(), threads,
              f.ops_per_sec(), f.mib_per_sec(), f.p50_us, f.p99_us);
  std::fflush(stdout);
}

// One pwrite + one fdatasync per write, one thread: what a store without
// group commit gets from this disk.
Figures FsyncPerWrite(const std::string& dir, uint64_t size, double seconds) {
  std::string path = JoinPath(dir, "fsync-baseline");
  auto file = FileSystem::Posix()->Open(path, OpenMode::kCreateReadWrite);
  if (!file.ok()) return {};
  std::string data(size, 'b');
  std::vector<std::vector<uint32_t>> lat(1);
  uint64_t off = 0;
  auto start = Steady::now();
  while (SecondsSince(start) < seconds) {
    auto t = Steady::now();
    if (!(*file)->WriteAt(off, data).ok() || !(*file)->Sync().ok()) break;
    lat[0].push_back(NanosSince(t));
    off += size;
  }
  Figures f = Summarize(lat, SecondsSince(start), size);
  file->reset();
  FileSystem::Posix()->Remove(path).IgnoreError();
  return f;
}

struct WriteResult {
  Figures figures;
  uint64_t keys = 0;  // keys 0..keys-1 were written
};

WriteResult DurableWrites(Volume& vol, uint64_t size, int writers, double seconds,
                          uint64_t max_bytes) {
  std::string data(size, 'w');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 31 + 7);
  const uint64_t max_ops = std::max<uint64_t>(writers, max_bytes / size);
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::vector<uint32_t>> lat(writers);
  auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; w++) {
    threads.emplace_back([&, w] {
      while (SecondsSince(start) < seconds) {
        uint64_t key = next.fetch_add(1);
        if (key >= max_ops) break;
        auto t = Steady::now();
        Status st = vol.Write(key, static_cast<Cookie>(key), data);
        if (!st.ok()) {
          if (!failed.exchange(true))
            std::fprintf(stderr, "write failed: %s\n", st.ToString().c_str());
          break;
        }
        lat[w].push_back(NanosSince(t));
      }
    });
  }
  for (auto& t : threads) t.join();
  WriteResult r;
  r.figures = Summarize(lat, SecondsSince(start), size);
  r.keys = r.figures.ops;  // keys are handed out in order; all handed out were written
  return r;
}

Figures PageCacheReads(const Volume& vol, uint64_t keys, uint64_t size, int readers,
                       double seconds) {
  // Needles of VolumeOptions::direct_write_min bytes or more were written past
  // the page cache: read each once first, untimed, so all are cached.
  for (uint64_t key = 0; key < keys; key++)
    vol.Read(key, static_cast<Cookie>(key)).status().IgnoreError();
  std::vector<std::vector<uint32_t>> lat(readers);
  std::atomic<bool> failed{false};
  auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int r = 0; r < readers; r++) {
    threads.emplace_back([&, r] {
      std::mt19937_64 rng(r + 1);
      lat[r].reserve(1 << 20);
      uint64_t n = 0;
      while ((n++ & 63) != 0 || SecondsSince(start) < seconds) {
        uint64_t key = rng() % keys;
        auto t = Steady::now();
        auto got = vol.Read(key, static_cast<Cookie>(key));
        if (!got.ok() || got->size() != size) {
          if (!failed.exchange(true))
            std::fprintf(stderr, "read failed: %s\n", got.status().ToString().c_str());
          return;
        }
        lat[r].push_back(NanosSince(t));
      }
    });
  }
  for (auto& t : threads) t.join();
  return Summarize(lat, SecondsSince(start), size);
}

int IndexBench(const std::string& dir, uint64_t needles) {
  constexpr VolumeId kId = 900;
  constexpr size_t kBatch = 10000;
  const std::string payload(16, 'i');
  std::printf("\nIndex at %llu needles (random 64-bit keys, %zu-byte needles)\n",
              static_cast<unsigned long long>(needles), payload.size());
  std::fflush(stdout);
  VolumeOptions o;
  o.size_limit = 30ull << 30;
  uint64_t rss0 = RssBytes();
  auto vol = Volume::Create(FileSystem::Posix(), Clock::Real(), dir, kId, o);
  if (!vol.ok()) {
    std::fprintf(stderr, "%s\n", vol.status().ToString().c_str());
    return 1;
  }
  std::mt19937_64 rng(1);
  std::vector<NeedleWrite> batch(kBatch);
  auto start = Steady::now();
  for (uint64_t done = 0; done < needles;) {
    size_t n = std::min<uint64_t>(kBatch, needles - done);
    for (size_t i = 0; i < n; i++) batch[i] = NeedleWrite{rng(), 1, payload};
    Status st = (*vol)->WriteBatch(std::span<const NeedleWrite>(batch.data(), n));
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    done += n;
    if (done % 1'000'000 == 0) {
      // A live line on a terminal, one line per step in a log.
      std::fprintf(stderr,
                   isatty(STDERR_FILENO) ? "\r  writing: %llu / %llu needles"
                                         : "  writing: %llu / %llu needles\n",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(needles));
    }
  }
  if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
  double write_s = SecondsSince(start);
  VolumeStats s = (*vol)->Stats();
  uint64_t rss1 = RssBytes();
  std::printf("  written in %.1f s (%.0f needles/s batched); .dat %.0f MiB\n", write_s,
              needles / write_s, s.file_bytes / 1048576.0);
  std::printf(
      "  index memory after writes:  %.2f bytes/needle (index accounting), %.2f bytes/needle (RSS "
      "growth)\n",
      static_cast<double>(s.index_bytes) / s.needles,
      static_cast<double>(rss1 - std::min(rss1, rss0)) / s.needles);
  vol->reset();

  for (bool cold : {false, true}) {
    if (cold) {
      DropFromPageCache(JoinPath(dir, std::to_string(kId) + ".dat"));
      DropFromPageCache(JoinPath(dir, std::to_string(kId) + ".idx"));
    }
    uint64_t before = RssBytes();
    auto t = Steady::now();
    auto reopened = Volume::Open(FileSystem::Posix(), Clock::Real(), dir, kId, o);
    double open_s = SecondsSince(t);
    if (!reopened.ok()) {
      std::fprintf(stderr, "%s\n", reopened.status().ToString().c_str());
      return 1;
    }
    VolumeStats rs = (*reopened)->Stats();
    uint64_t after = RssBytes();
    std::printf(
        "  open (%s page cache): %.2f s for %llu needles; index %.2f bytes/needle "
        "(accounting), %.2f bytes/needle (RSS growth)\n",
        cold ? "cold" : "warm", open_s, static_cast<unsigned long long>(rs.needles),
        static_cast<double>(rs.index_bytes) / rs.needles,
        static_cast<double>(after - std::min(after, before)) / rs.needles);
  }
  RemoveVolume(dir, kId);
  return 0;
}

}  // namespace

int RunStoreBench(const StoreBenchOptions& opt) {
  FileSystem* fs = FileSystem::Posix();
  if (Status st = fs->CreateDirs(opt.dir); !st.ok()) {
    std::fprintf(stderr, "bale bench store: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("bale bench store: volume engine on %s (%u CPUs), %.1f s per measurement\n",
              opt.dir.c_str(), std::thread::hardware_concurrency(), opt.seconds);
  std::printf("  %-28s %8s %4s  %10s %9s %9s %9s\n", "measurement", "size", "thr", "ops/s", "MiB/s",
              "p50 us", "p99 us");
  Figures baseline = FsyncPerWrite(opt.dir, 4096, opt.seconds);
  PrintRow("fdatasync per write (base)", 4096, 1, baseline);
  VolumeId next_id = 1;
  double write4k64 = 0, read4k = 0;
  for (uint64_t size : opt.sizes) {
    WriteResult last;
    VolumeId last_id = 0;
    for (int writers : opt.writers) {
      VolumeId id = next_id++;
      auto vol = Volume::Create(fs, Clock::Real(), opt.dir, id, VolumeOptions{30ull << 30});
      if (!vol.ok()) {
        std::fprintf(stderr, "%s\n", vol.status().ToString().c_str());
        return 1;
      }
      last = DurableWrites(**vol, size, writers, opt.seconds, opt.max_bytes);
      PrintRow("durable write", size, writers, last.figures);
      if (size == 4096 && writers == 64) write4k64 = last.figures.ops_per_sec();
      if (last_id) RemoveVolume(opt.dir, last_id);
      last_id = id;
      if (writers == opt.writers.back() && last.keys > 0) {
        Figures r = PageCacheReads(**vol, last.keys, size, 1, opt.seconds);
        PrintRow("read (page cache)", size, 1, r);
        if (size == 4096) read4k = r.ops_per_sec();
      }
    }
    RemoveVolume(opt.dir, last_id);
  }
  if (baseline.ops > 0 && write4k64 > 0)
    std::printf(
        "\n4 KiB durable writes, 64 writers: %.0f/s = %.1fx one fdatasync per write (%.0f/s)\n",
        write4k64, write4k64 / baseline.ops_per_sec(), baseline.ops_per_sec());
  if (read4k > 0) std::printf("4 KiB page-cache reads, 1 thread: %.0f/s\n", read4k);
  std::fflush(stdout);
  int rc = opt.index_needles > 0 ? IndexBench(opt.dir, opt.index_needles) : 0;
  return rc;
}

}  // namespace bale::bench
