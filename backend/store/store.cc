#include "backend/store/store.h"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>

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

}  // namespace

Store::Store(FileSystem* fs, Clock* clock, StoreOptions options)
    : fs_(fs), clock_(clock), options_(std::move(options)) {}

Result<std::unique_ptr<Store>> Store::Open(FileSystem* fs, Clock* clock,
                                           const StoreOptions& options) {
  if (options.drives.empty()) return InvalidArgumentError("a store needs at least one drive");
  std::unique_ptr<Store> store(new Store(fs, clock, options));
  for (const auto& drive : options.drives) {
    RETURN_IF_ERROR(fs->CreateDirs(drive).WithContext("drive " + drive));
    RETURN_IF_ERROR(store->LoadDrive(drive));
  }
  return store;
}

Status Store::LoadDrive(const std::string& drive) {
  ASSIGN_OR_RETURN(auto names, fs_->ListDir(drive));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    // Leftovers of a compaction or creation that a crash interrupted.
    if (name.ends_with(".compact") || name.ends_with(".dat.new")) {
      BALE_LOG(kInfo) << "removing leftover " << JoinPath(drive, name);
      fs_->Remove(JoinPath(drive, name)).IgnoreError();
      continue;
    }
    auto vid = VolumeIdOf(name, ".dat");
    if (!vid) continue;
    if (volumes_.count(*vid) || failed_.count(*vid)) {
      VolumeStats s;
      s.id = *vid;
      s.drive = drive;
      s.ok = false;
      s.error = VolumeName(*vid) + " exists on two drives; serving neither copy from " + drive;
      BALE_LOG(kError) << s.error;
      continue;
    }
    auto v = Volume::Open(fs_, clock_, drive, *vid, options_.volume);
    if (!v.ok()) {
      VolumeStats s;
      s.id = *vid;
      s.drive = drive;
      s.ok = false;
      s.error = v.status().ToString();
      BALE_LOG(kError) << "cannot open " << VolumeName(*vid) << " on " << drive << ": " << s.error;
      failed_[*vid] = s;
      continue;
    }
    volumes_[*vid] = std::shared_ptr<Volume>(std::move(*v));
  }
  return Status::Ok();
}

Status Store::CreateVolume(VolumeId vid) {
  std::unique_lock lk(mu_);
  if (volumes_.count(vid) || failed_.count(vid))
    return AlreadyExistsError(VolumeName(vid) + " already exists");
  std::map<std::string, int> load;
  for (const auto& d : options_.drives) load[d] = 0;
  for (const auto& [id, v] : volumes_) load[v->dir()]++;
  std::string drive = options_.drives.front();
  for (const auto& d : options_.drives)
    if (load[d] < load[drive]) drive = d;
  ASSIGN_OR_RETURN(auto v, Volume::Create(fs_, clock_, drive, vid, options_.volume));
  volumes_[vid] = std::shared_ptr<Volume>(std::move(v));
  BALE_LOG(kInfo) << "created " << VolumeName(vid) << " on " << drive;
  return Status::Ok();
}

Result<std::shared_ptr<Volume>> Store::Find(VolumeId vid) {
  std::shared_lock lk(mu_);
  if (auto it = volumes_.find(vid); it != volumes_.end()) return it->second;
  if (auto it = failed_.find(vid); it != failed_.end())
    return UnavailableError(VolumeName(vid) + " failed to open: " + it->second.error);
  return NotFoundError(VolumeName(vid) + " does not exist");
}

Status Store::Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Write(key, cookie, data);
}

Result<std::string> Store::Get(VolumeId vid, NeedleKey key, Cookie cookie) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Read(key, cookie);
}

Result<NeedleMeta> Store::Head(VolumeId vid, NeedleKey key, Cookie cookie) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Stat(key, cookie);
}

Status Store::Delete(VolumeId vid, NeedleKey key, Cookie cookie) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Delete(key, cookie);
}

Status Store::Release(VolumeId vid, NeedleKey key, Cookie cookie) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Release(key, cookie);
}

Status Store::Seal(VolumeId vid) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Seal();
}

Status Store::Compact(VolumeId vid, const ProgressFn& progress) {
  ASSIGN_OR_RETURN(auto v, Find(vid));
  return v->Compact(progress);
}

std::vector<std::pair<VolumeId, uint64_t>> Store::WritableRoom() {
  std::shared_lock lk(mu_);
  std::vector<std::pair<VolumeId, uint64_t>> out;
  out.reserve(volumes_.size());
  for (const auto& [id, v] : volumes_) out.emplace_back(id, v->WritableRoom());
  return out;
}

std::vector<VolumeStats> Store::Stats() {
  std::vector<std::shared_ptr<Volume>> vols;
  std::vector<VolumeStats> out;
  {
    std::shared_lock lk(mu_);
    for (const auto& [id, v] : volumes_) vols.push_back(v);
    for (const auto& [id, s] : failed_) out.push_back(s);
  }
  for (const auto& v : vols) out.push_back(v->Stats());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

}  // namespace bale
