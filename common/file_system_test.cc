#include <cerrno>

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
