// FaultFileSystem: an in-memory FileSystem for tests that can
//   * fail chosen calls with an errno (EIO, ENOSPC, ...), once or repeatedly;
//   * run out of space at a byte capacity (ENOSPC on the write that crosses it);
//   * simulate power loss: DropUnsyncedData() throws away every byte not made
//     durable by File::Sync() and every directory entry not made durable by
//     SyncDir(), exactly the guarantees of file_system.h and nothing more.
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/file_system.h"

namespace bale::testing {

enum class FsOp { kOpen, kRead, kWrite, kSync, kTruncate, kRename, kRemove, kSyncDir };

class FaultFileSystem : public FileSystem {
 public:
  FaultFileSystem();
  ~FaultFileSystem() override;

  // The next `times` calls of `op` on a path containing `path_part` fail with
  // `err` (times < 0: every call from now on, until ClearFaults()).
  void InjectFault(FsOp op, int err, std::string path_part = "", int times = 1);
  void ClearFaults();
  // Writes that would grow the total stored bytes past `bytes` fail with ENOSPC.
  void SetCapacity(uint64_t bytes);

  // Power loss: every file reverts to its last synced contents and the
  // namespace to its last synced directory entries. Open File objects keep
  // working on the surviving contents (like a process that outlived a crash
  // would not, but tests reopen everything anyway).
  void DropUnsyncedData();

  // Every File::Sync() sleeps this long first, like a real disk's flush.
  void SetSyncDelayMicros(int64_t micros);
  // How many File::Sync() calls succeeded so far.
  uint64_t sync_count() const { return syncs_.load(); }
  void CountSync() { syncs_++; }
  int64_t sync_delay_micros() const { return sync_delay_us_.load(); }

  // Test access to raw bytes (bypass faults).
  std::string Contents(const std::string& path);
  void SetContents(const std::string& path, std::string data);

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  bool Exists(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override;

  struct Node;
  // Used by the File implementation; returns the error to fail with, or 0.
  int TakeFault(FsOp op, const std::string& path);
  bool ChargeSpace(int64_t delta);

 private:
  struct Fault {
    FsOp op;
    int err;
    std::string path_part;
    int times;
  };

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Node>> live_;     // current namespace
  std::map<std::string, std::shared_ptr<Node>> durable_;  // namespace after a crash
  std::vector<std::string> dirs_;
  std::vector<Fault> faults_;
  uint64_t capacity_ = UINT64_MAX;
  uint64_t used_ = 0;
  std::atomic<uint64_t> syncs_{0};
  std::atomic<int64_t> sync_delay_us_{0};
};

}  // namespace bale::testing
