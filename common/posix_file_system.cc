// FileSystem over POSIX system calls.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/log.h"

namespace bale {
namespace {

std::string Where(const std::string& path, uint64_t offset) {
  return path + " at offset " + std::to_string(offset);
}

// After a readv/writev moved `n` bytes of iov[first, count): skips the iovecs
// done and trims a partly done one; returns the new first.
size_t SkipDone(iovec* iov, size_t first, size_t count, size_t n) {
  while (first < count && n >= iov[first].iov_len) n -= iov[first++].iov_len;
  if (n > 0) {
    iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + n;
    iov[first].iov_len -= n;
  }
  return first;
}

// The aligned buffers direct writes copy through, kept for the next write:
// about one per volume being written at once.
class BouncePool {
 public:
  static constexpr size_t kBytes = size_t{1} << 20;
  static constexpr size_t kKept = 8;

  // Goes back to the pool when dropped.
  struct Return {
    void operator()(char* b) const;
  };
  using Buffer = std::unique_ptr<char, Return>;

  // Null if memory runs out.
  Buffer Take() {
    {
      std::lock_guard lk(mu_);
      if (!free_.empty()) {
        char* b = free_.back();
        free_.pop_back();
        return Buffer(b);
      }
    }
    void* p = nullptr;
    if (::posix_memalign(&p, kDirectIoAlignment, kBytes) != 0) return nullptr;
    return Buffer(static_cast<char*>(p));
  }
  void GiveBack(char* b) {
    {
      std::lock_guard lk(mu_);
      if (free_.size() < kKept) {
        free_.push_back(b);
        return;
      }
    }
    ::free(b);
  }

 private:
  std::mutex mu_;
  std::vector<char*> free_;
};

BouncePool& Bounces() {
  static BouncePool* pool = new BouncePool;  // never destroyed: writers may outlive statics
  return *pool;
}

void BouncePool::Return::operator()(char* b) const { Bounces().GiveBack(b); }

// Said once per process, not once per volume.
void NoteDirectRefused(const std::string& path, int err) {
  static std::atomic<bool> said{false};
  if (said.exchange(true)) return;
  BALE_LOG(kInfo) << "direct I/O refused on " << path << " (" << std::strerror(err)
                  << "); large writes go through the page cache";
}

class PosixFile : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override {
    ::close(fd_);
    if (direct_fd_ >= 0) ::close(direct_fd_);
  }

  Result<size_t> ReadAt(uint64_t offset, size_t n, char* buf) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, buf + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(errno, "pread " + Where(path_, offset + done));
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    return done;
  }

  Result<size_t> ReadAtV(uint64_t offset, std::span<const std::span<char>> parts) const override {
    // Readers pass a few parts (a needle: header, data, footer); the iovecs
    // stay on the stack, which may be a fiber's.
    constexpr size_t kMaxParts = 8;
    if (parts.size() > kMaxParts) return File::ReadAtV(offset, parts);
    iovec iov[kMaxParts];
    size_t count = 0;
    for (auto p : parts)
      if (!p.empty()) iov[count++] = {p.data(), p.size()};
    size_t done = 0;
    size_t first = 0;
    while (first < count) {
      ssize_t r = ::preadv(fd_, iov + first, static_cast<int>(count - first),
                           static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(errno, "pread " + Where(path_, offset + done));
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
      first = SkipDone(iov, first, count, static_cast<size_t>(r));
    }
    return done;
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t r =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(errno, "pwrite " + Where(path_, offset + done));
      }
      done += static_cast<size_t>(r);
    }
    return Status::Ok();
  }

  Status WriteAtV(uint64_t offset, std::span<const std::string_view> parts) override {
    constexpr size_t kMaxIov = 1024;  // IOV_MAX on Linux
    std::vector<iovec> iov;
    iov.reserve(std::min(parts.size(), kMaxIov));
    size_t i = 0;
    while (i < parts.size()) {
      iov.clear();
      for (; i < parts.size() && iov.size() < kMaxIov; i++)
        if (!parts[i].empty()) iov.push_back({const_cast<char*>(parts[i].data()), parts[i].size()});
      size_t first = 0;
      while (first < iov.size()) {
        ssize_t r = ::pwritev(fd_, iov.data() + first, static_cast<int>(iov.size() - first),
                              static_cast<off_t>(offset));
        if (r < 0) {
          if (errno == EINTR) continue;
          return ErrnoToStatus(errno, "pwrite " + Where(path_, offset));
        }
        offset += static_cast<uint64_t>(r);
        first = SkipDone(iov.data(), first, iov.size(), static_cast<size_t>(r));
      }
    }
    return Status::Ok();
  }

  Status WriteAtVDirect(uint64_t offset, std::span<const std::string_view> parts) override {
    uint64_t total = 0;
    for (auto p : parts) total += p.size();
    if (offset % kDirectIoAlignment != 0 || total % kDirectIoAlignment != 0)
      return InvalidArgumentError("direct write of " + std::to_string(total) + " bytes at " +
                                  Where(path_, offset) + " is not in whole " +
                                  std::to_string(kDirectIoAlignment) + "-byte blocks");
    if (!OpenDirect()) return WriteAtV(offset, parts);
    BouncePool::Buffer bounce = Bounces().Take();
    if (!bounce) return WriteAtV(offset, parts);
    size_t fill = 0;
    for (auto p : parts) {
      while (!p.empty()) {
        size_t n = std::min(p.size(), BouncePool::kBytes - fill);
        std::memcpy(bounce.get() + fill, p.data(), n);
        fill += n;
        p.remove_prefix(n);
        if (fill == BouncePool::kBytes) {
          RETURN_IF_ERROR(WriteBlocks(bounce.get(), fill, offset));
          offset += fill;
          fill = 0;
        }
      }
    }
    return fill > 0 ? WriteBlocks(bounce.get(), fill, offset) : Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoToStatus(errno, "fdatasync " + path_);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
      return ErrnoToStatus(errno, "ftruncate " + Where(path_, size));
    return Status::Ok();
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoToStatus(errno, "fstat " + path_);
    return static_cast<uint64_t>(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  // A second descriptor, O_DIRECT, opened at the first direct write. False
  // when the file system refuses it: writes then take the page cache. It is
  // opened through /proc/self/fd, never by path: the file may have been
  // renamed since it was opened (compaction renames its new .dat into place),
  // and its old name may by now be another file's.
  bool OpenDirect() {
    if (!direct_tried_) {
      direct_tried_ = true;
      const std::string self = "/proc/self/fd/" + std::to_string(fd_);
      direct_fd_ = ::open(self.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
      if (direct_fd_ < 0) NoteDirectRefused(path_, errno);
    }
    return direct_fd_ >= 0;
  }

  // Writes n bytes (whole blocks, from an aligned buffer) at `offset`.
  Status WriteBlocks(const char* buf, size_t n, uint64_t offset) {
    size_t done = 0;
    while (done < n) {
      if (direct_fd_ < 0 || done % kDirectIoAlignment != 0)  // refused, or a short write
        return WriteAt(offset + done, std::string_view(buf + done, n - done));
      ssize_t r = ::pwrite(direct_fd_, buf + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno != EINVAL)
          return ErrnoToStatus(errno, "pwrite (O_DIRECT) " + Where(path_, offset + done));
        NoteDirectRefused(path_, errno);  // an alignment this device does not take
        ::close(direct_fd_);
        direct_fd_ = -1;
        continue;
      }
      done += static_cast<size_t>(r);
    }
    return Status::Ok();
  }

  int fd_;
  std::string path_;
  bool direct_tried_ = false;  // the File has one writer at a time
  int direct_fd_ = -1;
};

class PosixFileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case OpenMode::kReadOnly:
        flags |= O_RDONLY;
        break;
      case OpenMode::kReadWrite:
        flags |= O_RDWR;
        break;
      case OpenMode::kCreateReadWrite:
        flags |= O_RDWR | O_CREAT;
        break;
      case OpenMode::kCreateExclusive:
        flags |= O_RDWR | O_CREAT | O_EXCL;
        break;
    }
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return ErrnoToStatus(errno, "open " + path);
    return std::unique_ptr<File>(new PosixFile(fd, path));
  }

  bool Exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Status CreateDirs(const std::string& path) override {
    if (path.empty() || path == "/" || path == ".") return Status::Ok();
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return Status::Ok();
      return FailedPreconditionError(path + " exists and is not a directory");
    }
    RETURN_IF_ERROR(CreateDirs(DirName(path)));
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
      return ErrnoToStatus(errno, "mkdir " + path);
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return ErrnoToStatus(errno, "opendir " + path);
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(d);
    return names;
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoToStatus(errno, "unlink " + path);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return ErrnoToStatus(errno, "rename " + from + " to " + to);
    return Status::Ok();
  }

  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoToStatus(errno, "open directory " + path);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoToStatus(err, "fsync directory " + path);
    return Status::Ok();
  }
};

}  // namespace

Result<size_t> File::ReadAtV(uint64_t offset, std::span<const std::span<char>> parts) const {
  size_t done = 0;
  for (auto p : parts) {
    ASSIGN_OR_RETURN(size_t n, ReadAt(offset + done, p.size(), p.data()));
    done += n;
    if (n < p.size()) break;  // end of file
  }
  return done;
}

Status File::WriteAtV(uint64_t offset, std::span<const std::string_view> parts) {
  std::string joined;
  for (auto p : parts) joined.append(p);
  return WriteAt(offset, joined);
}

Status File::WriteAtVDirect(uint64_t offset, std::span<const std::string_view> parts) {
  return WriteAtV(offset, parts);
}

FileSystem* FileSystem::Posix() {
  static PosixFileSystem fs;
  return &fs;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string DirName(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace bale
