#include "backend/store/store.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <mutex>
#include <optional>
#include <set>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "backend/store/ec_encode.h"
#include "backend/store/ec_format.h"
#include "backend/store/ec_volume.h"
#include "backend/store/needle_format.h"
#include "common/fiber.h"
#include "common/log.h"

namespace bale {
namespace {

// "123.dat" -> 123; anything else -> nullopt.
std::optional<VolumeId> VolumeIdOf(const std::string& name, std::string_view suffix) {
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  std::string_view digits(name.data(), name.size() - suffix.size());
  VolumeId id = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  if (std::to_string(id) != digits) return std::nullopt;  // no leading zeros or signs
  return id;
}

std::string VolumeName(VolumeId vid) { return "volume " + std::to_string(vid); }

using Replicas = std::vector<std::shared_ptr<Volume>>;

// The first error of several, or OK.
Status FirstError(const std::vector<Status>& all) {
  for (const auto& st : all)
    if (!st.ok()) return st;
  return Status::Ok();
}

}  // namespace

// One volume: its copies while it takes writes, its shards once coded. The
// two pointers are replaced as a whole under Store::mu_; a caller works on
// the ones it read.
struct Store::Entry {
  std::shared_ptr<const Replicas> replicas;  // not coded
  std::shared_ptr<EcVolume> coded;
  std::string problem;  // why copies are missing (set at load)
  std::mutex job_mu;    // compaction and encoding: one at a time
  std::atomic<bool> encoding{false};
  std::atomic<double> encode_progress{0};
};

Result<ErasureOptions> ParseErasureScheme(std::string_view text) {
  auto plus = text.find('+');
  ErasureOptions o;
  auto bad = [&] {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not an erasure scheme K+M with 1 ≤ K ≤ 32, 1 ≤ M ≤ 8 "
                                "(for example 4+2 or 10+4)");
  };
  if (plus == std::string_view::npos) return bad();
  auto [p, e1] = std::from_chars(text.data(), text.data() + plus, o.k);
  auto [q, e2] = std::from_chars(text.data() + plus + 1, text.data() + text.size(), o.m);
  if (e1 != std::errc() || p != text.data() + plus || e2 != std::errc() ||
      q != text.data() + text.size() || o.k < 1 || o.k > 32 || o.m < 1 || o.m > 8)
    return bad();
  return o;
}

ErasureOptions DefaultErasureScheme(size_t drives) {
  ErasureOptions o;
  if (drives >= 14) {
    o.k = 10, o.m = 4;
  } else if (drives >= 6) {
    o.k = 4, o.m = 2;
  } else if (drives >= 2) {
    o.k = static_cast<int>(drives) - 1, o.m = 1;
  }
  return o;
}

// Copy writes wait on fdatasync, so they need threads, not cores; enough for
// every write the gateway runs at once to be in flight on every copy.
constexpr size_t kCopyWriterThreads = 64;

Store::Store(FileSystem* fs, Clock* clock, StoreOptions options)
    : fs_(fs), clock_(clock), options_(std::move(options)) {
  if (options_.replicas > 1)
    copy_writers_ = std::make_unique<boost::asio::thread_pool>(
        kCopyWriterThreads * static_cast<size_t>(options_.replicas - 1));
}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(FileSystem* fs, Clock* clock,
                                           const StoreOptions& options) {
  if (options.drives.empty()) return InvalidArgumentError("a store needs at least one drive");
  std::set<std::string> distinct(options.drives.begin(), options.drives.end());
  if (distinct.size() != options.drives.size())
    return InvalidArgumentError("a drive is listed twice");
  if (options.replicas < 1 || size_t(options.replicas) > options.drives.size())
    return InvalidArgumentError(std::to_string(options.replicas) + " copies of each volume need " +
                                std::to_string(options.replicas) + " drives; " +
                                std::to_string(options.drives.size()) + " given");
  if (options.ec.k > 0) {
    ec::Layout scheme{options.ec.k, options.ec.m, options.ec.block_size, 1};
    RETURN_IF_ERROR(scheme.Check());
    if (size_t(options.ec.k + options.ec.m) > options.drives.size())
      return InvalidArgumentError(
          "RS(" + std::to_string(options.ec.k) + "," + std::to_string(options.ec.m) + ") puts " +
          std::to_string(options.ec.k + options.ec.m) + " shards on distinct drives; only " +
          std::to_string(options.drives.size()) + " given");
  }
  std::unique_ptr<Store> store(new Store(fs, clock, options));
  for (const auto& drive : options.drives)
    RETURN_IF_ERROR(fs->CreateDirs(drive).WithContext("drive " + drive));
  RETURN_IF_ERROR(store->Load());
  return store;
}

Status Store::Load() {
  struct Found {
    std::vector<std::string> dat_drives;
    bool ec_files = false;
    bool encoding = false;  // an encoding checkpoint: the copies are still the volume
  };
  std::map<VolumeId, Found> found;
  for (const auto& drive : options_.drives) {
    ASSIGN_OR_RETURN(auto names, fs_->ListDir(drive));
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      // Leftovers of a compaction or creation that a crash interrupted.
      if (name.ends_with(".compact") || name.ends_with(".dat.new")) {
        BALE_LOG(kInfo) << "removing leftover " << JoinPath(drive, name);
        fs_->Remove(JoinPath(drive, name)).IgnoreError();
        continue;
      }
      if (auto vid = VolumeIdOf(name, ".dat")) {
        found[*vid].dat_drives.push_back(drive);
      } else if (auto shard = ec::ParseShardName(name)) {
        found[shard->first].ec_files = true;
      } else if (auto x = VolumeIdOf(name, ".ecx")) {
        found[*x].ec_files = true;
      } else if (auto p = VolumeIdOf(name, ".ecp")) {
        found[*p].encoding = true;
      }
    }
  }
  for (const auto& [vid, f] : found) {
    auto entry = std::make_shared<Entry>();
    if (f.ec_files && !f.encoding) {
      auto coded = EcVolume::Open(fs_, vid, options_.drives);
      const bool readable = coded.ok() && (*coded)->Stats().ok;
      if (readable || (coded.ok() && f.dat_drives.empty())) {
        // The encoding committed: its copies (if a crash left them) go.
        for (const auto& d : f.dat_drives) {
          BALE_LOG(kInfo) << VolumeName(vid) << " is coded; removing its copy on " << d;
          fs_->Remove(JoinPath(d, std::to_string(vid) + ".dat")).IgnoreError();
          fs_->Remove(JoinPath(d, std::to_string(vid) + ".idx")).IgnoreError();
          fs_->SyncDir(d).IgnoreError();
        }
        entry->coded = std::move(*coded);
        volumes_[vid] = entry;
        continue;
      }
      if (f.dat_drives.empty()) {
        VolumeStats s;
        s.id = vid;
        s.ok = false;
        s.coding = "degraded";
        s.error = coded.status().ToString();
        BALE_LOG(kError) << "cannot open coded " << VolumeName(vid) << ": " << s.error;
        failed_[vid] = s;
        continue;
      }
      BALE_LOG(kWarning) << VolumeName(vid) << ": its shards are not readable ("
                         << (coded.ok() ? std::string("too few") : coded.status().ToString())
                         << "); serving its copies";
    }
    if (f.dat_drives.empty()) continue;  // a stray checkpoint: nothing to serve
    auto replicas = std::make_shared<Replicas>();
    std::string first_error;
    for (const auto& d : f.dat_drives) {
      auto v = Volume::Open(fs_, clock_, d, vid, options_.volume);
      if (v.ok()) {
        replicas->push_back(std::shared_ptr<Volume>(std::move(*v)));
        continue;
      }
      BALE_LOG(kError) << "cannot open " << VolumeName(vid) << " on " << d << ": " << v.status();
      if (first_error.empty()) first_error = v.status().ToString();
    }
    if (replicas->empty()) {
      VolumeStats s;
      s.id = vid;
      s.drive = f.dat_drives.front();
      s.ok = false;
      s.error = first_error;
      failed_[vid] = s;
      continue;
    }
    if (replicas->size() < size_t(options_.replicas)) {
      entry->problem = std::to_string(replicas->size()) + " of " +
                       std::to_string(options_.replicas) + " copies left" +
                       (first_error.empty() ? "" : " (" + first_error + ")") +
                       "; it takes no more writes";
      BALE_LOG(kWarning) << VolumeName(vid) << ": " << entry->problem;
    }
    entry->replicas = std::move(replicas);
    volumes_[vid] = entry;
  }
  return Status::Ok();
}

std::vector<std::string> Store::DrivesByLoad() {
  std::map<std::string, int> load;
  for (const auto& d : options_.drives) load[d] = 0;
  for (const auto& [id, e] : volumes_) {
    if (e->coded) {
      for (const auto& d : e->coded->ShardDrives()) load[d]++;
    } else if (e->replicas) {
      for (const auto& v : *e->replicas) load[v->dir()]++;
    }
  }
  std::vector<std::string> out = options_.drives;
  std::stable_sort(out.begin(), out.end(),
                   [&](const auto& a, const auto& b) { return load[a] < load[b]; });
  return out;
}

Status Store::CreateVolume(VolumeId vid) {
  std::unique_lock lk(mu_);
  if (volumes_.count(vid) || failed_.count(vid))
    return AlreadyExistsError(VolumeName(vid) + " already exists");
  std::vector<std::string> drives = DrivesByLoad();
  auto replicas = std::make_shared<Replicas>();
  for (int i = 0; i < options_.replicas; i++) {
    auto v = Volume::Create(fs_, clock_, drives[i], vid, options_.volume);
    if (!v.ok()) {
      for (const auto& made : *replicas) {
        fs_->Remove(JoinPath(made->dir(), std::to_string(vid) + ".dat")).IgnoreError();
        fs_->Remove(JoinPath(made->dir(), std::to_string(vid) + ".idx")).IgnoreError();
      }
      return v.status();
    }
    replicas->push_back(std::shared_ptr<Volume>(std::move(*v)));
  }
  auto entry = std::make_shared<Entry>();
  entry->replicas = std::move(replicas);
  volumes_[vid] = entry;
  std::string where = drives.front();
  for (int i = 1; i < options_.replicas; i++) where += ", " + drives[i];
  BALE_LOG(kInfo) << "created " << VolumeName(vid) << " on " << where;
  return Status::Ok();
}

Status Store::RemoveEmptyVolume(VolumeId vid) {
  std::shared_ptr<Entry> entry;
  {
    std::unique_lock lk(mu_);
    auto it = volumes_.find(vid);
    if (it == volumes_.end()) return NotFoundError(VolumeName(vid) + " does not exist");
    entry = it->second;
    if (entry->coded) return FailedPreconditionError(VolumeName(vid) + " is coded");
    for (const auto& v : *entry->replicas) {
      VolumeStats s = v->Stats();
      if (s.needles != 0 || s.file_bytes > format::kSuperblockSize)
        return FailedPreconditionError(VolumeName(vid) + " is not empty");
    }
    volumes_.erase(it);
  }
  for (const auto& v : *entry->replicas) {
    fs_->Remove(JoinPath(v->dir(), std::to_string(vid) + ".dat")).IgnoreError();
    fs_->Remove(JoinPath(v->dir(), std::to_string(vid) + ".idx")).IgnoreError();
    fs_->SyncDir(v->dir()).IgnoreError();
  }
  return Status::Ok();
}

Result<std::shared_ptr<Store::Entry>> Store::Lookup(VolumeId vid) {
  std::shared_lock lk(mu_);
  if (auto it = volumes_.find(vid); it != volumes_.end()) return it->second;
  if (auto it = failed_.find(vid); it != failed_.end())
    return UnavailableError(VolumeName(vid) + " failed to open: " + it->second.error);
  return NotFoundError(VolumeName(vid) + " does not exist");
}

namespace {

// What a call acts on, read once under the store's lock.
struct View {
  std::shared_ptr<const Replicas> replicas;
  std::shared_ptr<EcVolume> coded;
};

}  // namespace

#define BALE_VIEW(view, vid)                                  \
  View view;                                                  \
  {                                                           \
    ASSIGN_OR_RETURN(auto _entry, Lookup(vid));               \
    std::shared_lock _lk(mu_);                                \
    view = View{_entry->replicas, _entry->coded};             \
  }

Result<std::shared_ptr<Volume>> Store::Find(VolumeId vid) {
  BALE_VIEW(view, vid);
  if (view.coded) return FailedPreconditionError(VolumeName(vid) + " is coded");
  return view.replicas->front();
}

Status Store::Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) {
  BALE_VIEW(view, vid);
  if (view.coded) return FailedPreconditionError(VolumeName(vid) + " is sealed and coded");
  const Replicas& r = *view.replicas;
  if (r.size() < size_t(options_.replicas))
    return FailedPreconditionError(VolumeName(vid) + " has lost copies and takes no writes");
  if (r.size() == 1) return r[0]->Write(key, cookie, data);
  // Every copy at once: the write costs one fdatasync of latency, not R. The
  // waits are Events, so a fiber writing here holds no thread meanwhile.
  struct Copy {
    Status status;
    fiber::Event done;
  };
  std::vector<Copy> others(r.size() - 1);
  for (size_t i = 1; i < r.size(); i++)
    boost::asio::post(*copy_writers_, [&, i] {
      others[i - 1].status = r[i]->Write(key, cookie, data);
      others[i - 1].done.Set();
    });
  std::vector<Status> all{r[0]->Write(key, cookie, data)};
  for (Copy& c : others) {
    c.done.Wait();
    all.push_back(std::move(c.status));
  }
  return FirstError(all);
}

namespace {

// The first copy's answer if it has one, else the first copy that does, else
// the first copy's error.
template <typename T>
Result<T> FromFirstCopy(const Replicas& r, const std::function<Result<T>(const Volume&)>& read) {
  Result<T> first = read(*r.front());
  for (size_t i = 1; i < r.size() && !first.ok(); i++) {
    Result<T> again = read(*r[i]);
    if (again.ok()) return again;
  }
  return first;
}

}  // namespace

Result<std::string> Store::Get(VolumeId vid, NeedleKey key, Cookie cookie) {
  BALE_VIEW(view, vid);
  if (view.coded) return view.coded->Read(key, cookie);
  return FromFirstCopy<std::string>(*view.replicas,
                                    [&](const Volume& v) { return v.Read(key, cookie); });
}

Result<NeedleMeta> Store::Head(VolumeId vid, NeedleKey key, Cookie cookie) {
  BALE_VIEW(view, vid);
  if (view.coded) return view.coded->Stat(key, cookie);
  return FromFirstCopy<NeedleMeta>(*view.replicas,
                                   [&](const Volume& v) { return v.Stat(key, cookie); });
}

Status Store::Delete(VolumeId vid, NeedleKey key, Cookie cookie) {
  BALE_VIEW(view, vid);
  if (view.coded) return view.coded->Delete(key, cookie);
  std::vector<Status> all;
  for (const auto& v : *view.replicas) all.push_back(v->Delete(key, cookie));
  // Deleted from any copy: done (a copy that missed it holds garbage, nothing more).
  for (const auto& st : all)
    if (st.ok()) return st;
  return all.front();
}

Status Store::Release(VolumeId vid, NeedleKey key, Cookie cookie) {
  BALE_VIEW(view, vid);
  if (view.coded) return view.coded->Delete(key, cookie);
  std::vector<Status> all;
  for (const auto& v : *view.replicas) all.push_back(v->Release(key, cookie));
  for (const auto& st : all)
    if (st.ok()) return st;
  return all.front();
}

Result<std::vector<LiveNeedle>> Store::LiveNeedles(VolumeId vid) {
  ASSIGN_OR_RETURN(std::shared_ptr<Volume> v, Find(vid));
  std::vector<LiveNeedle> out;
  v->ForEachNeedle([&](NeedleKey key, uint32_t size) { out.push_back({key, size}); });
  return out;
}

Status Store::ReleaseUnreferenced(VolumeId vid, std::span<const NeedleKey> keys) {
  BALE_VIEW(view, vid);
  if (view.coded) return FailedPreconditionError(VolumeName(vid) + " is coded");
  for (const auto& v : *view.replicas) {
    for (NeedleKey key : keys) {
      Status st = v->ReleaseUnreferenced(key);
      if (!st.ok() && st.code() != Code::kNotFound) return st.WithContext(VolumeName(vid));
    }
    RETURN_IF_ERROR(v->Flush());
  }
  return Status::Ok();
}

Status Store::Seal(VolumeId vid) {
  BALE_VIEW(view, vid);
  if (view.coded) return Status::Ok();
  std::vector<Status> all;
  for (const auto& v : *view.replicas) all.push_back(v->Seal());
  return FirstError(all);
}

Status Store::Compact(VolumeId vid, const ProgressFn& progress) {
  ASSIGN_OR_RETURN(auto entry, Lookup(vid));
  std::lock_guard job(entry->job_mu);
  BALE_VIEW(view, vid);
  if (view.coded)
    return FailedPreconditionError(VolumeName(vid) +
                                   " is coded: its deleted needles stay until it is re-encoded");
  std::vector<Status> all;
  for (const auto& v : *view.replicas) all.push_back(v->Compact(progress));
  return FirstError(all);
}

Status Store::Encode(VolumeId vid, const ec::BuildOptions& options) {
  if (options_.ec.k == 0)
    return FailedPreconditionError("erasure coding is not configured (bale serve --ec K+M)");
  ASSIGN_OR_RETURN(auto entry, Lookup(vid));
  std::lock_guard job(entry->job_mu);
  BALE_VIEW(view, vid);
  if (view.coded) return Status::Ok();
  for (const auto& v : *view.replicas) RETURN_IF_ERROR(v->Seal());
  // The source: the first copy whose files are still there.
  std::shared_ptr<Volume> source;
  for (const auto& v : *view.replicas)
    if (fs_->Exists(JoinPath(v->dir(), std::to_string(vid) + ".dat"))) {
      source = v;
      break;
    }
  if (!source) return UnavailableError(VolumeName(vid) + ": no copy left to encode from");

  EncodePlan plan;
  plan.k = options_.ec.k;
  plan.m = options_.ec.m;
  plan.block_size = options_.ec.block_size;
  plan.chunk_size = options_.ec.chunk_size;
  {
    std::shared_lock lk(mu_);
    for (const auto& d : DrivesByLoad())
      if (fs_->CreateDirs(d).ok()) plan.drives.push_back(d);
  }
  if (plan.drives.size() > size_t(plan.k + plan.m)) plan.drives.resize(plan.k + plan.m);
  ec::BuildOptions bo = options;
  bo.progress = [&](uint64_t done, uint64_t total) {
    entry->encode_progress = double(done) / double(total);
    if (options.progress) options.progress(done, total);
  };
  entry->encoding = true;
  entry->encode_progress = 0;
  BALE_LOG(kInfo) << VolumeName(vid) << ": encoding RS(" << plan.k << "," << plan.m << ") from "
                  << source->dir();
  Status st = EncodeSealedVolume(fs_, *source, plan, bo);
  entry->encoding = false;
  RETURN_IF_ERROR(st);
  ASSIGN_OR_RETURN(auto opened, EcVolume::Open(fs_, vid, options_.drives));
  std::shared_ptr<EcVolume> coded(std::move(opened));
  {
    std::unique_lock lk(mu_);
    entry->coded = coded;
    entry->replicas.reset();
  }
  for (const auto& v : *view.replicas) {
    fs_->Remove(JoinPath(v->dir(), std::to_string(vid) + ".dat")).IgnoreError();
    fs_->Remove(JoinPath(v->dir(), std::to_string(vid) + ".idx")).IgnoreError();
    fs_->SyncDir(v->dir()).IgnoreError();
  }
  VolumeStats s = coded->Stats();
  BALE_LOG(kInfo) << VolumeName(vid) << ": coded RS(" << plan.k << "," << plan.m << ") on "
                  << s.drives.size() << " drives; its copies are removed";
  return Status::Ok();
}

Result<std::vector<int>> Store::Scrub(VolumeId vid, const EcMaintenanceOptions& options) {
  BALE_VIEW(view, vid);
  if (!view.coded) return FailedPreconditionError(VolumeName(vid) + " is not coded");
  return view.coded->Scrub(options);
}

Status Store::Repair(VolumeId vid, const EcMaintenanceOptions& options) {
  BALE_VIEW(view, vid);
  if (!view.coded) return FailedPreconditionError(VolumeName(vid) + " is not coded");
  return view.coded->Repair(options_.drives, options);
}

bool Store::HasVolume(VolumeId vid) {
  std::shared_lock lk(mu_);
  return volumes_.count(vid) > 0 || failed_.count(vid) > 0;
}

NeedleKey Store::MaxNeedleKey() {
  std::vector<View> all;
  {
    std::shared_lock lk(mu_);
    for (const auto& [id, e] : volumes_) all.push_back({e->replicas, e->coded});
  }
  NeedleKey max_key = 0;
  auto take = [&](NeedleKey k, uint32_t) { max_key = std::max(max_key, k); };
  for (const auto& v : all) {
    if (v.coded) {
      v.coded->ForEachNeedle(take);
    } else {
      for (const auto& r : *v.replicas) r->ForEachNeedle(take);
    }
  }
  return max_key;
}

std::vector<std::pair<VolumeId, uint64_t>> Store::WritableRoom() {
  std::shared_lock lk(mu_);
  std::vector<std::pair<VolumeId, uint64_t>> out;
  out.reserve(volumes_.size());
  for (const auto& [id, e] : volumes_) {
    if (e->coded) continue;
    const Replicas& r = *e->replicas;
    uint64_t room = r.size() < size_t(options_.replicas) ? 0 : UINT64_MAX;
    for (const auto& v : r) room = std::min(room, v->WritableRoom());
    out.emplace_back(id, room);
  }
  return out;
}

VolumeStats Store::StatsOf(VolumeId vid, const Entry& e) {
  std::shared_ptr<const Replicas> replicas;
  std::shared_ptr<EcVolume> coded;
  {
    std::shared_lock lk(mu_);
    replicas = e.replicas;
    coded = e.coded;
  }
  if (coded) return coded->Stats();
  VolumeStats s = replicas->front()->Stats();
  s.replicas = static_cast<int>(replicas->size());
  s.drives.clear();
  for (const auto& v : *replicas) {
    s.drives.push_back(v->dir());
    if (s.error.empty() && v != replicas->front()) {  // the first copy's error is in s already
      VolumeStats other = v->Stats();
      if (!other.error.empty()) {
        s.error = other.error + " (copy on " + v->dir() + ")";
        s.read_only = true;
      }
    }
  }
  if (!e.problem.empty()) {
    s.error = s.error.empty() ? e.problem : s.error + "; " + e.problem;
    s.read_only = true;
  }
  if (e.encoding) {
    s.coding = "encoding";
    s.coding_progress = e.encode_progress;
    s.ec_k = options_.ec.k;
    s.ec_m = options_.ec.m;
  }
  (void)vid;
  return s;
}

std::vector<VolumeStats> Store::Stats() {
  std::vector<std::pair<VolumeId, std::shared_ptr<Entry>>> entries;
  std::vector<VolumeStats> out;
  {
    std::shared_lock lk(mu_);
    for (const auto& [id, e] : volumes_) entries.emplace_back(id, e);
    for (const auto& [id, s] : failed_) out.push_back(s);
  }
  for (const auto& [id, e] : entries) out.push_back(StatsOf(id, *e));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

}  // namespace bale
