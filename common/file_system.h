// FileSystem: every byte of storage I/O in Bale goes through this interface,
// so a fault-injecting implementation (common/testing/fault_file_system.h) can
// fail any call and simulate power loss.
//
// Durability contract (what POSIX gives and what the fault model enforces):
//   * bytes written to a File are durable only after File::Sync() returns OK;
//   * a created, renamed or removed directory entry is durable only after
//     FileSystem::SyncDir() on its parent directory returns OK.
//
// Thread-safety: a File may be read (ReadAt) from many threads at once and
// written from one; implementations of FileSystem are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bale {

// Offsets and lengths of File::WriteAtVDirect are multiples of this (it covers
// logical block sizes up to 4 KiB).
inline constexpr uint64_t kDirectIoAlignment = 4096;

class File {
 public:
  virtual ~File() = default;
  // Reads up to `n` bytes at `offset` into `buf`; returns how many were read
  // (fewer than n only at end of file).
  virtual Result<size_t> ReadAt(uint64_t offset, size_t n, char* buf) const = 0;
  // Reads into `parts` back to back from `offset` (preadv); returns how many
  // bytes were read in all (fewer than their total only at end of file). The
  // default calls ReadAt for each part in turn.
  virtual Result<size_t> ReadAtV(uint64_t offset, std::span<const std::span<char>> parts) const;
  // Writes all of `data` at `offset`, or fails.
  virtual Status WriteAt(uint64_t offset, std::string_view data) = 0;
  // Writes `parts` back to back from `offset` (pwritev), or fails. The default
  // joins them and calls WriteAt.
  virtual Status WriteAtV(uint64_t offset, std::span<const std::string_view> parts);
  // The same, past the page cache where the file system allows (O_DIRECT,
  // through an aligned copy): for large data nobody is about to read, which
  // would otherwise evict hot pages and cost a page-cache copy and its
  // writeback. `offset` and the parts' total must be multiples of
  // kDirectIoAlignment. Durable, as any write, only after Sync(). Where direct
  // I/O is refused (tmpfs, say) it writes as WriteAtV does, which the default
  // always does.
  virtual Status WriteAtVDirect(uint64_t offset, std::span<const std::string_view> parts);
  // Makes every byte written so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Truncate(uint64_t size) = 0;
  virtual Result<uint64_t> Size() const = 0;
  virtual const std::string& path() const = 0;
};

enum class OpenMode {
  kReadOnly,
  kReadWrite,        // must exist
  kCreateReadWrite,  // created if missing
  kCreateExclusive,  // must not exist
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Creates `path` and any missing parents.
  virtual Status CreateDirs(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, unsorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries durable.
  virtual Status SyncDir(const std::string& path) = 0;

  // The real file system (POSIX calls). Never null; not owned by the caller.
  static FileSystem* Posix();
};

// "a/b" + "c" -> "a/b/c"
std::string JoinPath(std::string_view dir, std::string_view name);
// "a/b/c" -> "a/b"; "c" -> "."
std::string DirName(std::string_view path);

}  // namespace bale
