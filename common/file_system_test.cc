#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include <doctest.h>

#include "common/file_system.h"
#include "common/testing/fault_file_system.h"

namespace bale {
namespace {

using testing::FaultFileSystem;
using testing::FsOp;

std::string ReadAll(File& f) {
  std::string buf(f.Size().value(), '\0');
  CHECK(f.ReadAt(0, buf.size(), buf.data()).value() == buf.size());
  return buf;
}

TEST_CASE("posix file system round trip in a temp dir") {
  FileSystem* fs = FileSystem::Posix();
  char tmpl[] = "/tmp/bale-fs-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  std::string path = JoinPath(dir, "a/b/f");
  REQUIRE(fs->CreateDirs(DirName(path)).ok());
  auto f = fs->Open(path, OpenMode::kCreateExclusive);
  REQUIRE(f.ok());
  REQUIRE((*f)->WriteAt(0, "hello world").ok());
  REQUIRE((*f)->WriteAt(6, "WORLD").ok());
  REQUIRE((*f)->Sync().ok());
  CHECK(ReadAll(**f) == "hello WORLD");
  char buf[16];
  CHECK((*f)->ReadAt(8, 16, buf).value() == 3);  // short read at end of file
  CHECK(fs->Open(path, OpenMode::kCreateExclusive).status().code() == Code::kAlreadyExists);
  REQUIRE(fs->Rename(path, path + "2").ok());
  CHECK_FALSE(fs->Exists(path));
  CHECK(fs->ListDir(DirName(path)).value() == std::vector<std::string>{"f2"});
  REQUIRE(fs->Remove(path + "2").ok());
  CHECK(fs->Open(path, OpenMode::kReadOnly).status().code() == Code::kNotFound);
  std::string cmd = "rm -rf " + dir;
  REQUIRE(system(cmd.c_str()) == 0);
}

// ReadAtV fills its parts in order and stops short only at end of file.
void CheckReadAtV(FileSystem* fs, const std::string& path) {
  auto f = fs->Open(path, OpenMode::kCreateExclusive);
  REQUIRE(f.ok());
  REQUIRE((*f)->WriteAt(0, "0123456789abcdef").ok());
  char a[3], b[8], c[4];
  std::span<char> parts[] = {{a, 3}, {}, {b, 8}, {c, 4}};
  CHECK((*f)->ReadAtV(2, parts).value() == 14);  // 3 + 0 + 8 + the 3 bytes left
  CHECK(std::string_view(a, 3) == "234");
  CHECK(std::string_view(b, 8) == "56789abc");
  CHECK(std::string_view(c, 3) == "def");
  CHECK((*f)->ReadAtV(16, parts).value() == 0);
  CHECK((*f)->ReadAtV(0, std::span<const std::span<char>>()).value() == 0);
}

TEST_CASE("ReadAtV: preadv on posix files, ReadAt part by part by default") {
  char tmpl[] = "/tmp/bale-fs-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string path = JoinPath(tmpl, "f");
  CheckReadAtV(FileSystem::Posix(), path);
  REQUIRE(FileSystem::Posix()->Remove(path).ok());
  REQUIRE(rmdir(tmpl) == 0);
  FaultFileSystem faults;
  REQUIRE(faults.CreateDirs("/d").ok());
  CheckReadAtV(&faults, "/d/f");
  auto f = faults.Open("/d/f", OpenMode::kReadOnly);
  REQUIRE(f.ok());
  faults.InjectFault(FsOp::kRead, EIO, "/d/f", 1);
  char buf[4];
  std::span<char> one[] = {{buf, 4}};
  auto failed = (*f)->ReadAtV(0, one);
  CHECK(failed.status().code() == Code::kDataLoss);
  CHECK(failed.status().message() == "pread /d/f at offset 0: Input/output error");
}

// Whether the pages of [offset, offset + n) of `path` are in the page cache.
std::vector<bool> Resident(const std::string& path, uint64_t offset, size_t n) {
  int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  void* map = ::mmap(nullptr, offset + n, PROT_READ, MAP_SHARED, fd, 0);
  REQUIRE(map != MAP_FAILED);
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> vec((offset + n + page - 1) / page);
  REQUIRE(::mincore(map, offset + n, vec.data()) == 0);
  ::munmap(map, offset + n);
  ::close(fd);
  std::vector<bool> out;
  for (size_t i = offset / page; i < vec.size(); i++) out.push_back(vec[i] & 1);
  return out;
}

TEST_CASE("WriteAtVDirect: whole blocks past the page cache, the bytes exact") {
  char tmpl[] = "/tmp/bale-fs-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string path = JoinPath(tmpl, "f");
  auto f = FileSystem::Posix()->Open(path, OpenMode::kCreateExclusive).value();
  const std::string head(kDirectIoAlignment, 'h');
  REQUIRE(f->WriteAt(0, head).ok());
  // 3 MiB in parts of odd sizes, so that parts straddle the 1 MiB copies.
  std::string data(3 << 20, '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 131 + (i >> 12));
  std::string_view v(data);
  const std::string_view parts[] = {v.substr(0, 5), v.substr(5, (1 << 20) - 2),
                                    v.substr((1 << 20) + 3, 7), v.substr((1 << 20) + 10)};
  REQUIRE(f->WriteAtVDirect(kDirectIoAlignment, parts).ok());
  REQUIRE(f->Sync().ok());

  // Where the file system takes O_DIRECT (ext4 here), none of it was cached.
  const int probe = ::open(path.c_str(), O_WRONLY | O_DIRECT);
  if (probe >= 0) {
    ::close(probe);
    std::vector<bool> resident = Resident(path, kDirectIoAlignment, data.size());
    CHECK(std::count(resident.begin(), resident.end(), true) == 0);
  } else {
    MESSAGE("O_DIRECT refused on /tmp (" << strerror(errno) << "): only the bytes are checked");
  }
  CHECK(ReadAll(*f) == head + data);

  const std::string_view odd[] = {v.substr(0, 100)};
  Status st = f->WriteAtVDirect(kDirectIoAlignment, odd);
  CHECK(st.code() == Code::kInvalidArgument);
  CHECK(st.message() == "direct write of 100 bytes at " + path +
                            " at offset 4096 is not in whole 4096-byte blocks");
  CHECK(f->WriteAtVDirect(100, parts).code() == Code::kInvalidArgument);
  f.reset();
  REQUIRE(FileSystem::Posix()->Remove(path).ok());

  // A file renamed after it was opened, its old name taken by another file
  // (as compaction does to a volume's .dat): the direct write reaches the
  // file written, not the name.
  {
    auto moved = FileSystem::Posix()->Open(path, OpenMode::kCreateExclusive).value();
    REQUIRE(FileSystem::Posix()->Rename(path, path + ".moved").ok());
    auto other = FileSystem::Posix()->Open(path, OpenMode::kCreateExclusive).value();
    REQUIRE(moved->WriteAtVDirect(0, parts).ok());
    REQUIRE(moved->Sync().ok());
    CHECK(other->Size().value() == 0);
    CHECK(ReadAll(*moved) == data);
    REQUIRE(FileSystem::Posix()->Remove(path).ok());
    REQUIRE(FileSystem::Posix()->Remove(path + ".moved").ok());
  }
  REQUIRE(rmdir(tmpl) == 0);

  // Elsewhere (the fault file system here) it is a plain write, lost unsynced.
  FaultFileSystem faults;
  REQUIRE(faults.CreateDirs("/d").ok());
  auto g = faults.Open("/d/f", OpenMode::kCreateReadWrite).value();
  REQUIRE(faults.SyncDir("/d").ok());
  REQUIRE(g->WriteAtVDirect(0, parts).ok());
  CHECK(faults.Contents("/d/f") == data);
  faults.DropUnsyncedData();
  CHECK(faults.Contents("/d/f") == "");
}

TEST_CASE("fault file system drops unsynced bytes and unsynced names on power loss") {
  FaultFileSystem fs;
  REQUIRE(fs.CreateDirs("/d").ok());
  auto f = fs.Open("/d/synced", OpenMode::kCreateReadWrite).value();
  REQUIRE(f->WriteAt(0, "durable").ok());
  REQUIRE(f->Sync().ok());
  REQUIRE(f->WriteAt(7, "+lost").ok());
  REQUIRE(fs.SyncDir("/d").ok());
  auto g = fs.Open("/d/never-named", OpenMode::kCreateReadWrite).value();
  REQUIRE(g->WriteAt(0, "x").ok());
  REQUIRE(g->Sync().ok());  // bytes synced, but the directory entry is not

  fs.DropUnsyncedData();
  CHECK(fs.Contents("/d/synced") == "durable");
  CHECK_FALSE(fs.Exists("/d/never-named"));
}

TEST_CASE("fault file system injects errno failures and runs out of space") {
  FaultFileSystem fs;
  REQUIRE(fs.CreateDirs("/d").ok());
  auto f = fs.Open("/d/f", OpenMode::kCreateReadWrite).value();
  fs.InjectFault(FsOp::kWrite, EIO, "/d/f", 1);
  Status st = f->WriteAt(0, "abc");
  CHECK(st.code() == Code::kDataLoss);
  CHECK(st.message() == "pwrite /d/f at offset 0: Input/output error");
  CHECK(f->WriteAt(0, "abc").ok());  // the fault fired once

  fs.InjectFault(FsOp::kSync, EIO, "", -1);
  CHECK_FALSE(f->Sync().ok());
  CHECK_FALSE(f->Sync().ok());
  fs.ClearFaults();
  CHECK(f->Sync().ok());

  fs.SetCapacity(10);
  CHECK(f->WriteAt(3, "1234567").ok());  // exactly 10 bytes
  CHECK(f->WriteAt(10, "x").code() == Code::kResourceExhausted);
  CHECK(fs.Contents("/d/f") == "abc1234567");
}

}  // namespace
}  // namespace bale
