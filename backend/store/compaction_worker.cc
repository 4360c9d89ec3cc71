#include "backend/store/compaction_worker.h"

#include <algorithm>
#include <vector>

#include "backend/store/needle_format.h"
#include "common/log.h"

namespace bale {
namespace {

uint64_t GarbageBytes(const VolumeStats& v) {
  uint64_t used = v.file_bytes > format::kSuperblockSize ? v.file_bytes - format::kSuperblockSize : 0;
  return used > v.live_bytes ? used - v.live_bytes : 0;
}

}  // namespace

CompactionWorker::CompactionWorker(Store* store, CompactionWorkerOptions options)
    : store_(store), options_(options) {}

CompactionWorker::~CompactionWorker() { Stop(); }

void CompactionWorker::Start() {
  loop_.Start(options_.interval, [this] { RunOnce(); });
}

void CompactionWorker::Stop() {
  unthrottled_ = true;
  loop_.Stop();
}

bool CompactionWorker::Eligible(const VolumeStats& v) const {
  return v.ok && v.coding == "none" && !(v.read_only && !v.sealed) && !v.compacting &&
         v.garbage_ratio >= options_.min_garbage_ratio &&
         GarbageBytes(v) >= options_.min_garbage_bytes;
}

int CompactionWorker::RunOnce() {
  std::vector<VolumeStats> todo;
  for (const auto& v : store_->Stats())
    if (Eligible(v)) todo.push_back(v);
  std::sort(todo.begin(), todo.end(), [](const VolumeStats& a, const VolumeStats& b) {
    return GarbageBytes(a) > GarbageBytes(b);
  });
  {
    std::lock_guard lk(mu_);
    progress_.backlog = todo.size();
  }
  int done = 0;
  for (const auto& v : todo) {
    if (loop_.stopping()) break;
    Compact(v);
    ++done;
  }
  return done;
}

void CompactionWorker::Compact(const VolumeStats& v) {
  {
    std::lock_guard lk(mu_);
    progress_.running = true;
    progress_.volume = v.id;
    progress_.fraction = 0;
    started_ = std::chrono::steady_clock::now();
  }
  BALE_LOG(kInfo) << "volume " << v.id << ": compacting, " << GarbageBytes(v) << " of "
                  << v.file_bytes << " bytes are garbage (" << static_cast<int>(v.garbage_ratio * 100)
                  << "%)";
  Status st = store_->Compact(v.id, [this](uint64_t done, uint64_t total) {
    {
      std::lock_guard lk(mu_);
      progress_.fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    }
    Throttle(done);
  });
  // Reclaimed: the dead needles the compaction dropped. (The file's shrinkage
  // would undercount by whatever was appended while it ran.)
  uint64_t after = v.file_bytes, reclaimed = 0;
  if (auto vol = store_->Find(v.id); vol.ok()) {
    VolumeStats now = (*vol)->Stats();
    after = now.file_bytes;
    reclaimed = now.reclaimed_bytes - std::min(now.reclaimed_bytes, v.reclaimed_bytes);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::lock_guard lk(mu_);
  progress_.running = false;
  progress_.backlog -= std::min<uint64_t>(progress_.backlog, 1);
  if (!st.ok()) {
    progress_.failures++;
    BALE_LOG(kError) << "volume " << v.id << ": compaction failed: " << st;
    return;
  }
  progress_.compactions++;
  progress_.reclaimed_bytes += reclaimed;
  BALE_LOG(kInfo) << "volume " << v.id << ": compacted in " << seconds << " s, " << reclaimed
                  << " bytes reclaimed (" << after << " bytes now)";
}

// Sleeps until `done` bytes are no more than the rate allows since the start,
// in steps of at most 100 ms so that Stop() (which lifts the throttle) is not
// kept waiting. (One call may owe seconds: it comes once per needle, and a
// needle may be a whole 8 MiB chunk.)
void CompactionWorker::Throttle(uint64_t done) {
  if (options_.max_bytes_per_second == 0) return;
  auto due = started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(
                                static_cast<double>(done) /
                                static_cast<double>(options_.max_bytes_per_second)));
  for (auto now = std::chrono::steady_clock::now();
       !unthrottled_ && due > now + std::chrono::milliseconds(2);
       now = std::chrono::steady_clock::now())
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        due - now, std::chrono::milliseconds(100)));
}

CompactionProgress CompactionWorker::progress() const {
  std::lock_guard lk(mu_);
  return progress_;
}

}  // namespace bale
