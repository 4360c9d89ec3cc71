#include "backend/store/erasure_worker.h"

#include <vector>

#include "backend/store/ec_volume.h"
#include "common/log.h"

namespace bale {

ErasureWorker::ErasureWorker(Store* store, ErasureWorkerOptions options)
    : store_(store), options_(options), last_scrub_(std::chrono::steady_clock::now()) {}

ErasureWorker::~ErasureWorker() { Stop(); }

void ErasureWorker::Start() {
  loop_.Start(options_.interval, [this] { RunOnce(); });
}

void ErasureWorker::Stop() {
  stop_ = true;
  loop_.Stop();
}

void ErasureWorker::Wake() { loop_.Wake(); }

ErasureProgress ErasureWorker::progress() const {
  std::lock_guard lk(mu_);
  return progress_;
}

void ErasureWorker::Note(const std::string& activity, VolumeId vid, double fraction) {
  std::lock_guard lk(mu_);
  progress_.activity = activity;
  progress_.volume = vid;
  progress_.fraction = fraction;
}

void ErasureWorker::Failed(const Status& st) {
  if (st.code() == Code::kAborted && stop_) return;  // stopping: resumes next time
  BALE_LOG(kError) << "erasure worker: " << st;
  std::lock_guard lk(mu_);
  progress_.failures++;
  progress_.last_error = st.ToString();
}

void ErasureWorker::SealWhatIsDue(const std::vector<VolumeStats>& all) {
  const auto now = std::chrono::steady_clock::now();
  const int want_copies = store_->options().replicas;
  for (const auto& v : all) {
    if (!v.ok || v.coding != "none" || v.sealed) {
      sizes_.erase(v.id);  // idleness matters only while it takes writes
      continue;
    }
    auto& [size, since] = sizes_.try_emplace(v.id, v.file_bytes, now).first->second;
    if (size != v.file_bytes) {
      size = v.file_bytes;
      since = now;
    }
    const bool has_needles = v.file_bytes > 8;
    const char* why = nullptr;
    if (v.replicas < want_copies) {
      why = "it has lost copies";
    } else if (has_needles && v.size_limit - std::min(v.size_limit, v.file_bytes) < options_.full_room) {
      why = "it is full";
    } else if (has_needles && options_.seal_idle.count() > 0 && now - since >= options_.seal_idle) {
      why = "it has been idle";
    }
    if (!why) continue;
    Status st = store_->Seal(v.id);
    if (!st.ok()) {
      Failed(st);
      continue;
    }
    BALE_LOG(kInfo) << "volume " << v.id << " sealed for coding: " << why;
    std::lock_guard lk(mu_);
    progress_.sealed++;
  }
}

void ErasureWorker::RunOnce() {
  if (store_->options().ec.k == 0) return;
  SealWhatIsDue(store_->Stats());

  std::vector<VolumeStats> all = store_->Stats();
  std::vector<VolumeId> encode, repair, coded;
  for (const auto& v : all) {
    if (v.coding == "none" && v.sealed && v.replicas > 0 && !v.compacting) encode.push_back(v.id);
    if (v.coding == "coded" || v.coding == "degraded") coded.push_back(v.id);
    if (v.coding == "degraded") repair.push_back(v.id);
  }
  {
    std::lock_guard lk(mu_);
    progress_.encode_backlog = encode.size();
    progress_.repair_backlog = repair.size();
  }
  // Repairs first: a degraded volume is one failure closer to loss.
  for (VolumeId vid : repair) {
    if (stop_ || !Repair(vid)) continue;
    std::lock_guard lk(mu_);
    progress_.repair_backlog--;
  }
  for (VolumeId vid : encode) {
    if (stop_) return;
    bool done = Run("encoding", vid, [&](const ProgressFn& progress) {
      ec::BuildOptions bo;
      bo.max_bytes_per_second = options_.encode_bytes_per_second;
      bo.stop = &stop_;
      bo.progress = progress;
      return store_->Encode(vid, bo);
    });
    if (!done) continue;
    std::lock_guard lk(mu_);
    progress_.encoded++;
    progress_.encode_backlog--;
  }
  const auto now = std::chrono::steady_clock::now();
  if (options_.scrub_interval.count() == 0 || now - last_scrub_ < options_.scrub_interval) return;
  last_scrub_ = now;
  for (VolumeId vid : coded) {
    if (stop_) return;
    std::vector<int> bad;
    bool done = Run("scrubbing", vid, [&](const ProgressFn& progress) {
      ASSIGN_OR_RETURN(bad, store_->Scrub(vid, {options_.scrub_bytes_per_second, progress, &stop_}));
      return Status::Ok();
    });
    if (!done) continue;
    {
      std::lock_guard lk(mu_);
      progress_.scrubbed++;
      progress_.bad_shards_found += bad.size();
    }
    if (bad.empty() || stop_) continue;
    BALE_LOG(kWarning) << "scrub: volume " << vid << " has " << bad.size()
                       << " bad shard(s); repairing";
    Repair(vid);
  }
}

bool ErasureWorker::Run(const char* activity, VolumeId vid,
                        const std::function<Status(const ProgressFn&)>& job) {
  Note(activity, vid, 0);
  Status st = job([&](uint64_t done, uint64_t total) {
    Note(activity, vid, total ? double(done) / double(total) : 0.0);
  });
  Note("idle", 0, 0);
  if (!st.ok()) Failed(st);
  return st.ok();
}

bool ErasureWorker::Repair(VolumeId vid) {
  bool done = Run("repairing", vid, [&](const ProgressFn& progress) {
    return store_->Repair(vid, {options_.encode_bytes_per_second, progress, &stop_});
  });
  if (done) {
    std::lock_guard lk(mu_);
    progress_.repaired++;
  }
  return done;
}

}  // namespace bale
