#include "backend/store/volume.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include <doctest.h>

#include "backend/store/needle_format.h"
#include "backend/store/needle_scanner.h"
#include "backend/store/testing/needle_data.h"
#include "common/fiber.h"
#include "common/testing/fault_file_system.h"
#include "common/testing/fiber_loop.h"

namespace bale {
namespace {

using testing::FaultFileSystem;
using testing::NeedleCookie;
using testing::NeedleData;
using testing::NeedleSize;

constexpr char kDir[] = "/drive";
const std::string kDat = "/drive/7.dat";
const std::string kIdx = "/drive/7.idx";

struct Fixture {
  FaultFileSystem fs;
  ManualClock clock;
  VolumeOptions options;
  std::unique_ptr<Volume> vol;

  Fixture() {
    REQUIRE(fs.CreateDirs(kDir).ok());
    vol = Volume::Create(&fs, &clock, kDir, 7, options).value();
  }
  void Reopen() {
    vol.reset();
    auto v = Volume::Open(&fs, &clock, kDir, 7, options);
    REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    vol = std::move(*v);
  }
  void Put(NeedleKey key, size_t max_size = 3000) {
    REQUIRE(vol->Write(key, NeedleCookie(key), NeedleData(key, NeedleSize(key, max_size))).ok());
  }
  void Expect(NeedleKey key, size_t max_size = 3000) {
    auto got = vol->Read(key, NeedleCookie(key));
    CAPTURE(key);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(*got == NeedleData(key, NeedleSize(key, max_size)));
  }
};

TEST_CASE("write, read back byte-exact, stat, wrong cookie, missing key") {
  Fixture f;
  std::string all_bytes;
  for (int i = 0; i < 256; i++) all_bytes.push_back(static_cast<char>(i));
  REQUIRE(f.vol->Write(1, 11, all_bytes).ok());
  REQUIRE(f.vol->Write(2, 22, "").ok());
  CHECK(f.vol->Read(1, 11).value() == all_bytes);
  CHECK(f.vol->Read(2, 22).value() == "");
  auto meta = f.vol->Stat(1, 11).value();
  CHECK(meta.size == 256);
  CHECK(meta.append_time_micros == f.clock.NowMicros());
  CHECK(f.vol->Read(1, 12).status().code() == Code::kNotFound);
  CHECK(f.vol->Stat(1, 12).status().code() == Code::kNotFound);
  CHECK(f.vol->Read(3, 11).status().code() == Code::kNotFound);
  auto s = f.vol->Stats();
  CHECK(s.needles == 2);
  CHECK(s.file_bytes == 8 + format::NeedleLength(256) + format::NeedleLength(0));
  CHECK(s.live_bytes == format::NeedleLength(256) + format::NeedleLength(0));
  CHECK(s.garbage_ratio == 0.0);
}

// Writes needles of sizes around the direct-write threshold and the 4 KiB
// block (alone and in one group, so a group holds several direct ranges
// between cached bytes), then reads each back, before and after a reopen.
void CheckDirectWrites(FileSystem* fs, const std::string& dir) {
  ManualClock clock;
  VolumeOptions options;
  options.direct_write_min = 4096;
  const size_t sizes[] = {4095, 4096, 100, 5000, 8192 - 40, 8192 - 39, 70000, 12, 300000, 9000};
  std::vector<std::string> data;
  for (size_t i = 0; i < std::size(sizes); i++) data.push_back(NeedleData(i + 1, sizes[i]));
  {
    auto vol = Volume::Create(fs, &clock, dir, 9, options).value();
    for (size_t i = 0; i < 4; i++) REQUIRE(vol->Write(i + 1, NeedleCookie(i + 1), data[i]).ok());
    std::vector<NeedleWrite> group;
    for (size_t i = 4; i < data.size(); i++) group.push_back({i + 1, NeedleCookie(i + 1), data[i]});
    REQUIRE(vol->WriteBatch(group).ok());
    for (size_t i = 0; i < data.size(); i++) {
      CAPTURE(sizes[i]);
      CHECK(vol->Read(i + 1, NeedleCookie(i + 1)).value() == data[i]);
    }
  }
  auto vol = Volume::Open(fs, &clock, dir, 9, options).value();
  CHECK(vol->Stats().needles == data.size());
  for (size_t i = 0; i < data.size(); i++) {
    CAPTURE(sizes[i]);
    CHECK(vol->Read(i + 1, NeedleCookie(i + 1)).value() == data[i]);
  }

  // After a compaction the .dat in use was opened as 9.dat.compact; a later
  // compaction creates a new file of that name while writes go on.
  REQUIRE(vol->Compact(nullptr).ok());
  const std::string stray = JoinPath(dir, "9.dat.compact");
  auto next_compaction = fs->Open(stray, OpenMode::kCreateExclusive).value();
  const std::string late = NeedleData(99, 300000);
  REQUIRE(vol->Write(99, NeedleCookie(99), late).ok());
  CHECK(next_compaction->Size().value() == 0);
  CHECK(vol->Read(99, NeedleCookie(99)).value() == late);
  next_compaction.reset();
  REQUIRE(fs->Remove(stray).ok());
  vol = Volume::Open(fs, &clock, dir, 9, options).value();
  CHECK(vol->Read(99, NeedleCookie(99)).value() == late);
  CHECK(vol->Read(9, NeedleCookie(9)).value() == data[8]);
}

TEST_CASE("large needles written past the page cache read back exact, also after reopening") {
  SUBCASE("posix files (O_DIRECT where the file system takes it)") {
    char tmpl[] = "/tmp/bale-volume-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    CheckDirectWrites(FileSystem::Posix(), tmpl);
    REQUIRE(std::system(("rm -rf " + std::string(tmpl)).c_str()) == 0);
  }
  SUBCASE("fault file system (plain writes, in the same pieces)") {
    FaultFileSystem fs;
    REQUIRE(fs.CreateDirs(kDir).ok());
    CheckDirectWrites(&fs, kDir);
  }
}

TEST_CASE("overwrite and delete leave garbage that the stats count") {
  Fixture f;
  REQUIRE(f.vol->Write(1, 5, std::string(100, 'a')).ok());
  REQUIRE(f.vol->Write(1, 5, std::string(50, 'b')).ok());
  CHECK(f.vol->Read(1, 5).value() == std::string(50, 'b'));
  CHECK(f.vol->Delete(1, 6).code() == Code::kNotFound);  // wrong cookie deletes nothing
  REQUIRE(f.vol->Delete(1, 5).ok());
  CHECK(f.vol->Read(1, 5).status().code() == Code::kNotFound);
  CHECK(f.vol->Delete(1, 5).code() == Code::kNotFound);
  auto s = f.vol->Stats();
  CHECK(s.needles == 0);
  CHECK(s.live_bytes == 0);
  CHECK(s.garbage_ratio == 1.0);
  f.Reopen();  // the tombstone survives a restart
  CHECK(f.vol->Read(1, 5).status().code() == Code::kNotFound);
}

TEST_CASE("Release frees a needle without a sync of its own while a group is under way") {
  Fixture f;
  f.Put(1);
  f.Put(2);
  CHECK(f.vol->Release(9, 9).code() == Code::kNotFound);
  CHECK(f.vol->Release(1, NeedleCookie(1) + 1).code() == Code::kNotFound);

  // Idle volume: nothing to ride with, so the tombstone is written at once.
  uint64_t syncs = f.fs.sync_count();
  REQUIRE(f.vol->Release(1, NeedleCookie(1)).ok());
  CHECK(f.fs.sync_count() == syncs + 1);
  CHECK(f.vol->Read(1, NeedleCookie(1)).status().code() == Code::kNotFound);

  // A leader is inside its fdatasync: Release returns without waiting for it.
  f.fs.SetSyncDelayMicros(300'000);
  std::atomic<bool> written{false};
  std::thread writer([&] {
    CHECK(f.vol->Write(3, NeedleCookie(3), NeedleData(3, NeedleSize(3, 3000))).ok());
    written = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(f.vol->Release(2, NeedleCookie(2)).ok());
  CHECK_FALSE(written.load());
  writer.join();
  f.fs.SetSyncDelayMicros(0);
  f.Expect(2);  // the group that was under way did not carry it

  syncs = f.fs.sync_count();
  REQUIRE(f.vol->Flush().ok());
  CHECK(f.fs.sync_count() == syncs + 1);
  CHECK(f.vol->Read(2, NeedleCookie(2)).status().code() == Code::kNotFound);
  CHECK(f.vol->Stats().needles == 1);
  f.Reopen();
  CHECK(f.vol->Read(1, NeedleCookie(1)).status().code() == Code::kNotFound);
  CHECK(f.vol->Read(2, NeedleCookie(2)).status().code() == Code::kNotFound);
  f.Expect(3);

  REQUIRE(f.vol->Seal().ok());
  CHECK(f.vol->Release(3, NeedleCookie(3)).code() == Code::kFailedPrecondition);
  f.Expect(3);
}

TEST_CASE("tombstones still waiting for a group are written when the volume closes") {
  Fixture f;
  f.Put(1);
  f.fs.SetSyncDelayMicros(200'000);
  std::thread writer([&] { f.Put(2); });
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  REQUIRE(f.vol->Release(1, NeedleCookie(1)).ok());
  writer.join();
  f.fs.SetSyncDelayMicros(0);
  f.Expect(1);
  f.Reopen();
  CHECK(f.vol->Read(1, NeedleCookie(1)).status().code() == Code::kNotFound);
  f.Expect(2);
}

TEST_CASE("index is rebuilt from .idx, from .dat alone, and from a damaged .idx") {
  Fixture f;
  for (NeedleKey k = 1; k <= 300; k++) f.Put(k);
  for (NeedleKey k = 1; k <= 300; k += 3) REQUIRE(f.vol->Delete(k, NeedleCookie(k)).ok());
  auto check = [&](uint64_t expected_needles = 200) {
    for (NeedleKey k = 1; k <= 300; k++) {
      if (k % 3 == 1)
        CHECK(f.vol->Read(k, NeedleCookie(k)).status().code() == Code::kNotFound);
      else
        f.Expect(k);
    }
    CHECK(f.vol->Stats().needles == expected_needles);
  };
  uint64_t idx_size = f.fs.Contents(kIdx).size();
  CHECK(idx_size == 8 + 400 * 16);  // 300 writes + 100 tombstones

  SUBCASE("from .idx") {
    f.Reopen();
    check();
  }
  SUBCASE("from .dat alone") {
    f.vol.reset();
    REQUIRE(f.fs.Remove(kIdx).ok());
    f.Reopen();
    check();
    CHECK(f.fs.Contents(kIdx).size() == idx_size);  // rewritten in full
  }
  SUBCASE("from a torn .idx") {
    f.vol.reset();
    std::string idx = f.fs.Contents(kIdx);
    f.fs.SetContents(kIdx, idx.substr(0, 8 + 150 * 16 + 5));  // half a record at the end
    f.Reopen();
    check();
    CHECK(f.fs.Contents(kIdx) == idx);
  }
  SUBCASE("from an .idx with garbage records") {
    f.vol.reset();
    std::string idx = f.fs.Contents(kIdx);
    std::string bad = idx.substr(0, 8 + 100 * 16) + std::string(16 * 20, '\0');
    f.fs.SetContents(kIdx, bad);
    f.Reopen();
    check();
  }
  SUBCASE("new writes after a rebuild land after the old ones") {
    f.vol.reset();
    REQUIRE(f.fs.Remove(kIdx).ok());
    f.Reopen();
    for (NeedleKey k = 1000; k < 1010; k++) f.Put(k);
    f.Reopen();
    check(210);
    for (NeedleKey k = 1000; k < 1010; k++) f.Expect(k);
  }
}

TEST_CASE("torn tail is truncated to the last whole needle") {
  Fixture f;
  for (NeedleKey k = 1; k <= 20; k++) f.Put(k);
  f.vol.reset();
  std::string dat = f.fs.Contents(kDat);
  std::string idx = f.fs.Contents(kIdx);
  std::string next;
  format::AppendNeedle(format::NeedleHeader{1, 99, 0, 500, 1}, std::string(500, 'z'), &next);
  for (size_t cut : {size_t{1}, size_t{20}, size_t{32}, size_t{100}, next.size() - 1}) {
    CAPTURE(cut);
    f.fs.SetContents(kDat, dat + next.substr(0, cut));
    f.fs.SetContents(kIdx, idx.substr(0, 8 + 10 * 16));  // force a .dat scan
    f.Reopen();
    CHECK(f.fs.Contents(kDat) == dat);
    for (NeedleKey k = 1; k <= 20; k++) f.Expect(k);
    CHECK(f.vol->Read(99, 1).status().code() == Code::kNotFound);
    f.vol.reset();
  }
}

TEST_CASE("a corrupt needle past the index is skipped when valid needles follow") {
  Fixture f;
  for (NeedleKey k = 1; k <= 5; k++) f.Put(k);
  f.vol.reset();
  std::string dat = f.fs.Contents(kDat);
  std::string idx = f.fs.Contents(kIdx);
  // Needle 3 starts after superblock + needles 1 and 2.
  uint64_t off3 =
      8 + format::NeedleLength(NeedleSize(1, 3000)) + format::NeedleLength(NeedleSize(2, 3000));
  dat[off3 + 40] ^= 0x10;  // a data bit of needle 3
  f.fs.SetContents(kDat, dat);
  f.fs.SetContents(kIdx, idx.substr(0, 8 + 2 * 16));
  f.Reopen();
  f.Expect(1);
  f.Expect(2);
  CHECK(f.vol->Read(3, NeedleCookie(3)).status().code() == Code::kNotFound);
  f.Expect(4);
  f.Expect(5);
  CHECK(f.fs.Contents(kDat).size() == dat.size());  // nothing truncated
}

TEST_CASE("a flipped bit in an indexed needle is DATA_LOSS naming volume and offset") {
  Fixture f;
  REQUIRE(f.vol->Write(1, 1, "first").ok());
  REQUIRE(f.vol->Write(2, 2, std::string(100, 'q')).ok());
  const uint64_t off = 8 + format::NeedleLength(5);
  const std::string clean = f.fs.Contents(kDat);
  for (uint64_t bit = 0; bit < format::NeedleLength(100) * 8; bit++) {
    std::string bad = clean;
    bad[off + bit / 8] = static_cast<char>(bad[off + bit / 8] ^ (1 << (bit % 8)));
    f.fs.SetContents(kDat, bad);
    auto got = f.vol->Read(2, 2);
    CAPTURE(bit);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == Code::kDataLoss);
    CHECK(got.status().message().starts_with("volume 7 (/drive/7.dat) at offset " +
                                             std::to_string(off) + ": "));
  }
  f.fs.SetContents(kDat, clean);
  CHECK(f.vol->Read(2, 2).value() == std::string(100, 'q'));
  CHECK(f.vol->Read(1, 1).value() == "first");
}

TEST_CASE("files that are not volumes are refused with a clear error") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  fs.SetContents(kDat, "\x89PNG\r\n\x1a\n and then some picture bytes");
  auto v = Volume::Open(&fs, &clock, kDir, 7, {});
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().ToString() ==
        "INVALID_ARGUMENT: volume 7: /drive/7.dat: not a Bale volume (bad superblock magic)");
  fs.SetContents(kDat, "BAL");
  v = Volume::Open(&fs, &clock, kDir, 7, {});
  CHECK(v.status().ToString() ==
        "INVALID_ARGUMENT: volume 7: /drive/7.dat is not a Bale volume: 3 bytes, shorter than a "
        "superblock");
  CHECK(Volume::Open(&fs, &clock, kDir, 8, {}).status().code() == Code::kNotFound);
  CHECK(Volume::Create(&fs, &clock, kDir, 7, {}).status().code() == Code::kAlreadyExists);
}

TEST_CASE("a write that would pass the size limit is refused; smaller ones still fit") {
  FaultFileSystem fs;
  ManualClock clock;
  REQUIRE(fs.CreateDirs(kDir).ok());
  VolumeOptions o;
  o.size_limit = 8 + 3 * format::NeedleLength(100) + format::NeedleLength(10);
  auto v = Volume::Create(&fs, &clock, kDir, 7, o).value();
  for (NeedleKey k = 1; k <= 3; k++) REQUIRE(v->Write(k, 1, std::string(100, 'x')).ok());
  Status st = v->Write(4, 1, std::string(100, 'x'));
  CHECK(st.code() == Code::kResourceExhausted);
  CHECK(st.message() ==
        "volume 7 is full: 144 more bytes at offset 440 would pass its limit of 496");
  CHECK(v->Write(5, 1, std::string(10, 'y')).ok());
  CHECK(v->Read(5, 1).value() == std::string(10, 'y'));
  CHECK(v->Stats().file_bytes == o.size_limit);
  // A full volume still frees what is deleted from it: tombstones pass the limit.
  CHECK(v->Delete(1, 1).ok());
  CHECK(v->Release(2, 1).ok());
  REQUIRE(v->Flush().ok());
  CHECK(v->Stats().file_bytes == o.size_limit + 2 * format::NeedleLength(0));
  CHECK(v->Stats().needles == 2);
  CHECK(v->Write(6, 1, std::string(1, 'z')).code() == Code::kResourceExhausted);
  CHECK(v->WritableRoom() == 0);
  VolumeOptions too_big;
  too_big.size_limit = 40ull << 30;
  CHECK(Volume::Create(&fs, &clock, kDir, 9, too_big).status().code() == Code::kInvalidArgument);
}

TEST_CASE("a sealed volume refuses writes, keeps serving reads, and stays sealed") {
  Fixture f;
  f.Put(1);
  REQUIRE(f.vol->Seal().ok());
  CHECK(f.vol->Write(2, 2, "x").code() == Code::kFailedPrecondition);
  CHECK(f.vol->Delete(1, NeedleCookie(1)).code() == Code::kFailedPrecondition);
  f.Expect(1);
  f.Reopen();
  auto s = f.vol->Stats();
  CHECK(s.sealed);
  CHECK(s.read_only);
  CHECK(f.vol->Write(2, 2, "x").code() == Code::kFailedPrecondition);
  f.Expect(1);
}

TEST_CASE("concurrent writers share fdatasyncs (group commit) and lose nothing") {
  Fixture f;
  f.fs.SetSyncDelayMicros(2000);  // a disk whose flush takes 2 ms
  const uint64_t syncs_before = f.fs.sync_count();
  constexpr int kThreads = 16, kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; i++) {
        NeedleKey k = static_cast<NeedleKey>(t) * 1000 + i;
        if (!f.vol->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 3000))).ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  uint64_t syncs = f.fs.sync_count() - syncs_before;
  CAPTURE(syncs);
  CHECK(syncs < kThreads * kPerThread / 4);  // at least 4 writes per fdatasync on average
  f.fs.SetSyncDelayMicros(0);
  f.Reopen();
  CHECK(f.vol->Stats().needles == kThreads * kPerThread);
  for (int t = 0; t < kThreads; t++)
    for (int i = 0; i < kPerThread; i++) f.Expect(static_cast<NeedleKey>(t) * 1000 + i);
}

TEST_CASE("writes from fibers on one thread are grouped by a leader thread and lose nothing") {
  Fixture f;
  f.fs.SetSyncDelayMicros(2000);
  const uint64_t syncs_before = f.fs.sync_count();
  testing::FiberLoop loop;  // every fiber runs on this thread
  constexpr int kFibers = 200;
  int finished = 0;
  std::vector<Status> results(kFibers);
  const std::thread::id me = std::this_thread::get_id();
  std::atomic<int> off_thread{0};
  for (int i = 0; i < kFibers; i++)
    fiber::Start(
        [&, i] {
          NeedleKey k = 5000 + i;
          results[i] = f.vol->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 3000)));
          if (std::this_thread::get_id() != me) off_thread++;
        },
        loop.scheduler(), [&] { finished++; });
  // Start() returned for every fiber before any write was durable: the
  // leader threads write while this thread goes on.
  CHECK(finished < kFibers);
  REQUIRE(loop.RunUntil([&] { return finished == kFibers; }, std::chrono::seconds(30)));
  CHECK(off_thread == 0);  // each fiber went on where its scheduler runs it
  for (const Status& st : results) CHECK(st.ok());
  uint64_t syncs = f.fs.sync_count() - syncs_before;
  CAPTURE(syncs);
  CHECK(syncs < kFibers / 4);  // grouped: at least 4 writes per fdatasync on average
  f.fs.SetSyncDelayMicros(0);
  f.Reopen();
  CHECK(f.vol->Stats().needles == kFibers);
  for (int i = 0; i < kFibers; i++) f.Expect(5000 + i);
}

// Every needle of a .dat, by key, as raw bytes (last one wins).
std::map<NeedleKey, std::string> RawNeedles(FaultFileSystem& fs) {
  auto file = fs.Open(kDat, OpenMode::kReadOnly).value();
  NeedleScanner scan(file.get(), 8, file->Size().value());
  std::map<NeedleKey, std::string> out;
  while (scan.Next()) {
    if (scan.header().tombstone())
      out.erase(scan.header().key);
    else
      out[scan.header().key] = std::string(scan.bytes());
  }
  REQUIRE_FALSE(scan.bad());
  return out;
}

TEST_CASE("compaction keeps live needles byte-exact, drops dead ones, bumps the revision") {
  Fixture f;
  for (NeedleKey k = 1; k <= 1000; k++) f.Put(k);
  f.clock.AdvanceMicros(1000);
  for (NeedleKey k = 1; k <= 1000; k += 2) REQUIRE(f.vol->Delete(k, NeedleCookie(k)).ok());
  for (NeedleKey k = 2; k <= 200; k += 2) f.Put(k, 500);  // overwritten with new sizes
  auto before = RawNeedles(f.fs);
  REQUIRE(before.size() == 500);
  uint64_t expected_bytes = 8;
  for (const auto& [k, raw] : before) expected_bytes += raw.size();

  std::vector<std::pair<uint64_t, uint64_t>> progress;
  REQUIRE(f.vol->Compact([&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); })
              .ok());
  auto s = f.vol->Stats();
  CHECK(s.revision == 1);
  CHECK(s.file_bytes == expected_bytes);
  CHECK(s.garbage_ratio == 0.0);
  CHECK(s.needles == 500);
  CHECK(f.fs.Contents(kDat).size() == expected_bytes);
  CHECK(RawNeedles(f.fs) == before);  // headers, append times, CRCs: all byte-exact
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back().first == progress.back().second);
  CHECK_FALSE(f.fs.Exists(kDat + ".compact"));
  for (NeedleKey k = 2; k <= 200; k += 2) f.Expect(k, 500);
  for (NeedleKey k = 202; k <= 1000; k += 2) f.Expect(k);
  CHECK(f.vol->Read(1, NeedleCookie(1)).status().code() == Code::kNotFound);

  f.Reopen();
  CHECK(f.vol->Stats().revision == 1);
  CHECK(RawNeedles(f.fs) == before);
  f.Put(5000);
  f.Expect(5000);
}

TEST_CASE("compaction reads only live needles: damage in a dead one's body does not stop it") {
  Fixture f;
  REQUIRE(f.vol->Write(1, 1, "first").ok());
  REQUIRE(f.vol->Write(2, 2, std::string(100, 'q')).ok());  // to be deleted, then damaged
  REQUIRE(f.vol->Write(3, 3, "third").ok());
  REQUIRE(f.vol->Delete(2, 2).ok());
  const uint64_t dead_body = 8 + format::NeedleLength(5) + format::kNeedleHeaderSize + 10;
  std::string bytes = f.fs.Contents(kDat);
  bytes[dead_body] = static_cast<char>(bytes[dead_body] ^ 0x40);
  f.fs.SetContents(kDat, bytes);
  REQUIRE(f.vol->Compact(nullptr).ok());
  CHECK(f.vol->Stats().needles == 2);
  CHECK(f.fs.Contents(kDat).size() == 8 + 2 * format::NeedleLength(5));
  CHECK(f.vol->Read(1, 1).value() == "first");
  CHECK(f.vol->Read(3, 3).value() == "third");
  CHECK(f.vol->Read(2, 2).status().code() == Code::kNotFound);
  // A live needle's damage still stops it, leaving the volume as it was.
  bytes = f.fs.Contents(kDat);
  const uint64_t live_body = 8 + format::kNeedleHeaderSize + 1;
  bytes[live_body] = static_cast<char>(bytes[live_body] ^ 0x40);
  f.fs.SetContents(kDat, bytes);
  Status st = f.vol->Compact(nullptr);
  CHECK(st.code() == Code::kDataLoss);
  CHECK(f.fs.Contents(kDat) == bytes);
}

TEST_CASE("an .idx of another compaction revision is ignored and rebuilt") {
  Fixture f;
  for (NeedleKey k = 1; k <= 50; k++) f.Put(k);
  std::string old_idx = f.fs.Contents(kIdx);
  for (NeedleKey k = 1; k <= 25; k++) REQUIRE(f.vol->Delete(k, NeedleCookie(k)).ok());
  REQUIRE(f.vol->Compact().ok());
  f.vol.reset();
  f.fs.SetContents(kIdx, old_idx);  // as if a crash came between the two renames
  f.Reopen();
  for (NeedleKey k = 1; k <= 25; k++)
    CHECK(f.vol->Read(k, NeedleCookie(k)).status().code() == Code::kNotFound);
  for (NeedleKey k = 26; k <= 50; k++) f.Expect(k);
  CHECK(format::DecodeIdxHeader(f.fs.Contents(kIdx)).value() == 1);
}

TEST_CASE("compaction under concurrent reads, writes and deletes") {
  Fixture f;
  for (NeedleKey k = 1; k <= 3000; k++) f.Put(k);
  for (NeedleKey k = 1; k <= 3000; k += 2) REQUIRE(f.vol->Delete(k, NeedleCookie(k)).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> read_errors{0}, reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; r++) {
    readers.emplace_back([&, r] {
      std::mt19937 rng(r);
      while (!stop) {
        NeedleKey k = 2 + 2 * (rng() % 1500);  // even keys stay live throughout
        auto got = f.vol->Read(k, NeedleCookie(k));
        if (!got.ok() || *got != NeedleData(k, NeedleSize(k, 3000))) read_errors++;
        reads++;
      }
    });
  }
  std::atomic<int> write_errors{0};
  std::thread writer([&] {
    for (NeedleKey k = 10001; k <= 10400 && !stop; k++) {
      if (!f.vol->Write(k, NeedleCookie(k), NeedleData(k, NeedleSize(k, 3000))).ok())
        write_errors++;
      if (k % 4 == 0 && !f.vol->Delete(k - 2, NeedleCookie(k - 2)).ok()) write_errors++;
    }
  });
  for (int round = 0; round < 3; round++) REQUIRE(f.vol->Compact().ok());
  writer.join();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(read_errors == 0);
  CHECK(write_errors == 0);
  CHECK(reads > 0);
  auto check = [&] {
    for (NeedleKey k = 2; k <= 3000; k += 2) f.Expect(k);
    for (NeedleKey k = 10001; k <= 10400; k++) {
      bool deleted = (k + 2) % 4 == 0 && k + 2 <= 10400;
      if (deleted)
        CHECK(f.vol->Read(k, NeedleCookie(k)).status().code() == Code::kNotFound);
      else
        f.Expect(k);
    }
  };
  check();
  REQUIRE(f.vol->Compact().ok());
  CHECK(f.vol->Stats().revision == 4);
  f.Reopen();
  check();
}

}  // namespace
}  // namespace bale
