#include "common/testing/fault_file_system.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace bale::testing {

struct FaultFileSystem::Node {
  std::mutex mu;
  std::string data;    // what reads see now
  std::string synced;  // what survives a power loss
};

namespace {

class FaultFile : public File {
 public:
  FaultFile(FaultFileSystem* fs, std::shared_ptr<FaultFileSystem::Node> node, std::string path,
            bool writable)
      : fs_(fs), node_(std::move(node)), path_(std::move(path)), writable_(writable) {}

  Result<size_t> ReadAt(uint64_t offset, size_t n, char* buf) const override {
    if (int err = fs_->TakeFault(FsOp::kRead, path_))
      return ErrnoToStatus(err, "pread " + path_ + " at offset " + std::to_string(offset));
    std::lock_guard lk(node_->mu);
    if (offset >= node_->data.size()) return size_t{0};
    size_t len = std::min<uint64_t>(n, node_->data.size() - offset);
    if (len > 0) std::memcpy(buf, node_->data.data() + offset, len);  // buf may be null for 0
    return len;
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    std::string where = path_ + " at offset " + std::to_string(offset);
    if (!writable_) return ErrnoToStatus(EBADF, "pwrite " + where);
    if (int err = fs_->TakeFault(FsOp::kWrite, path_)) return ErrnoToStatus(err, "pwrite " + where);
    std::lock_guard lk(node_->mu);
    uint64_t end = offset + data.size();
    int64_t growth = end > node_->data.size() ? static_cast<int64_t>(end - node_->data.size()) : 0;
    if (!fs_->ChargeSpace(growth)) return ErrnoToStatus(ENOSPC, "pwrite " + where);
    if (end > node_->data.size()) node_->data.resize(end, '\0');
    if (!data.empty()) std::memcpy(node_->data.data() + offset, data.data(), data.size());
    return Status::Ok();
  }

  Status Sync() override {
    if (int64_t d = fs_->sync_delay_micros())
      std::this_thread::sleep_for(std::chrono::microseconds(d));
    if (int err = fs_->TakeFault(FsOp::kSync, path_))
      return ErrnoToStatus(err, "fdatasync " + path_);
    std::lock_guard lk(node_->mu);
    node_->synced = node_->data;
    fs_->CountSync();
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (int err = fs_->TakeFault(FsOp::kTruncate, path_))
      return ErrnoToStatus(err, "ftruncate " + path_);
    std::lock_guard lk(node_->mu);
    fs_->ChargeSpace(static_cast<int64_t>(size) - static_cast<int64_t>(node_->data.size()));
    node_->data.resize(size, '\0');
    return Status::Ok();
  }

  Result<uint64_t> Size() const override {
    std::lock_guard lk(node_->mu);
    return static_cast<uint64_t>(node_->data.size());
  }

  const std::string& path() const override { return path_; }

 private:
  FaultFileSystem* fs_;
  std::shared_ptr<FaultFileSystem::Node> node_;
  std::string path_;
  bool writable_;
};

}  // namespace

FaultFileSystem::FaultFileSystem() = default;
FaultFileSystem::~FaultFileSystem() = default;

void FaultFileSystem::InjectFault(FsOp op, int err, std::string path_part, int times) {
  std::lock_guard lk(mu_);
  faults_.push_back(Fault{op, err, std::move(path_part), times});
}

void FaultFileSystem::ClearFaults() {
  std::lock_guard lk(mu_);
  faults_.clear();
}

void FaultFileSystem::SetSyncDelayMicros(int64_t micros) { sync_delay_us_ = micros; }

void FaultFileSystem::SetCapacity(uint64_t bytes) {
  std::lock_guard lk(mu_);
  capacity_ = bytes;
}

int FaultFileSystem::TakeFault(FsOp op, const std::string& path) {
  std::lock_guard lk(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op || path.find(it->path_part) == std::string::npos) continue;
    int err = it->err;
    if (it->times > 0 && --it->times == 0) faults_.erase(it);
    return err;
  }
  return 0;
}

bool FaultFileSystem::ChargeSpace(int64_t delta) {
  std::lock_guard lk(mu_);
  if (delta > 0 && used_ + static_cast<uint64_t>(delta) > capacity_) return false;
  used_ = static_cast<uint64_t>(static_cast<int64_t>(used_) + delta);
  return true;
}

void FaultFileSystem::DropUnsyncedData() {
  std::lock_guard lk(mu_);
  live_ = durable_;
  used_ = 0;
  for (auto& [path, node] : live_) {
    std::lock_guard nlk(node->mu);
    node->data = node->synced;
    used_ += node->data.size();
  }
}

std::string FaultFileSystem::Contents(const std::string& path) {
  std::lock_guard lk(mu_);
  auto it = live_.find(path);
  if (it == live_.end()) return {};
  std::lock_guard nlk(it->second->mu);
  return it->second->data;
}

void FaultFileSystem::SetContents(const std::string& path, std::string data) {
  std::lock_guard lk(mu_);
  auto& node = live_[path];
  if (!node) node = std::make_shared<Node>();
  std::lock_guard nlk(node->mu);
  node->data = data;
  node->synced = std::move(data);
  durable_[path] = node;
}

Result<std::unique_ptr<File>> FaultFileSystem::Open(const std::string& path, OpenMode mode) {
  if (int err = TakeFault(FsOp::kOpen, path)) return ErrnoToStatus(err, "open " + path);
  std::lock_guard lk(mu_);
  auto it = live_.find(path);
  if (it == live_.end()) {
    if (mode == OpenMode::kReadOnly || mode == OpenMode::kReadWrite)
      return ErrnoToStatus(ENOENT, "open " + path);
    if (std::find(dirs_.begin(), dirs_.end(), DirName(path)) == dirs_.end())
      return ErrnoToStatus(ENOENT, "open " + path);
    it = live_.emplace(path, std::make_shared<Node>()).first;
  } else if (mode == OpenMode::kCreateExclusive) {
    return ErrnoToStatus(EEXIST, "open " + path);
  }
  return std::unique_ptr<File>(new FaultFile(this, it->second, path, mode != OpenMode::kReadOnly));
}

bool FaultFileSystem::Exists(const std::string& path) {
  std::lock_guard lk(mu_);
  return live_.count(path) > 0 || std::find(dirs_.begin(), dirs_.end(), path) != dirs_.end();
}

Status FaultFileSystem::CreateDirs(const std::string& path) {
  std::lock_guard lk(mu_);
  // Directories are modelled as always durable: Bale creates them once at setup.
  std::string p = path;
  while (!p.empty() && p != "." && p != "/") {
    if (std::find(dirs_.begin(), dirs_.end(), p) == dirs_.end()) dirs_.push_back(p);
    p = DirName(p);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> FaultFileSystem::ListDir(const std::string& path) {
  std::lock_guard lk(mu_);
  if (std::find(dirs_.begin(), dirs_.end(), path) == dirs_.end())
    return ErrnoToStatus(ENOENT, "opendir " + path);
  std::vector<std::string> names;
  for (const auto& [p, node] : live_)
    if (DirName(p) == path) names.push_back(p.substr(p.rfind('/') + 1));
  for (const auto& d : dirs_)
    if (DirName(d) == path) names.push_back(d.substr(d.rfind('/') + 1));
  return names;
}

Status FaultFileSystem::Remove(const std::string& path) {
  if (int err = TakeFault(FsOp::kRemove, path)) return ErrnoToStatus(err, "unlink " + path);
  std::lock_guard lk(mu_);
  auto it = live_.find(path);
  if (it == live_.end()) return ErrnoToStatus(ENOENT, "unlink " + path);
  {
    std::lock_guard nlk(it->second->mu);
    used_ -= std::min<uint64_t>(used_, it->second->data.size());
  }
  live_.erase(it);
  return Status::Ok();
}

Status FaultFileSystem::Rename(const std::string& from, const std::string& to) {
  if (int err = TakeFault(FsOp::kRename, from))
    return ErrnoToStatus(err, "rename " + from + " to " + to);
  std::lock_guard lk(mu_);
  auto it = live_.find(from);
  if (it == live_.end()) return ErrnoToStatus(ENOENT, "rename " + from + " to " + to);
  live_[to] = it->second;
  live_.erase(from);
  return Status::Ok();
}

Status FaultFileSystem::SyncDir(const std::string& path) {
  if (int err = TakeFault(FsOp::kSyncDir, path))
    return ErrnoToStatus(err, "fsync directory " + path);
  std::lock_guard lk(mu_);
  for (auto it = durable_.begin(); it != durable_.end();) {
    if (DirName(it->first) == path && live_.count(it->first) == 0)
      it = durable_.erase(it);
    else
      ++it;
  }
  for (const auto& [p, node] : live_)
    if (DirName(p) == path) durable_[p] = node;
  return Status::Ok();
}

}  // namespace bale::testing
