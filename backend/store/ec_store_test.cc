// Erasure coding through the Store: replicas before sealing, encoding,
// degraded reads over every loss pattern, damaged and foreign shards, scrub,
// repair, delete journals, resumption.
#include <doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <random>

#include "backend/store/ec_format.h"
#include "backend/store/ec_volume.h"
#include "backend/store/needle_format.h"
#include "backend/store/store.h"
#include "common/testing/fault_file_system.h"

namespace bale {
namespace {

using testing::FaultFileSystem;

constexpr VolumeId kVol = 1;

StoreOptions SixDrives() {
  StoreOptions o;
  for (int i = 0; i < 6; i++) o.drives.push_back("/d" + std::to_string(i));
  o.replicas = 3;
  o.ec = {4, 2, 4096, 1024};  // small blocks: needles straddle blocks and rows
  return o;
}

// Needles of awkward sizes: empty, tiny, a block and more, several rows.
std::map<NeedleKey, std::string> Needles() {
  std::mt19937 rng(11);
  std::map<NeedleKey, std::string> out;
  const size_t sizes[] = {0, 1, 7, 100, 4000, 4096, 5000, 20000, 3, 70000, 12, 9999};
  NeedleKey key = 1;
  for (size_t size : sizes) {
    std::string d(size, '\0');
    for (auto& c : d) c = static_cast<char>(rng());
    out[key++ * 1000] = d;
  }
  return out;
}

struct Fixture {
  FaultFileSystem fs;
  ManualClock clock;
  StoreOptions options = SixDrives();
  std::unique_ptr<Store> store;
  std::map<NeedleKey, std::string> needles = Needles();

  void Reopen() {
    store.reset();
    store = Store::Open(&fs, &clock, options).value();
  }
  void WriteAll() {
    REQUIRE(store->CreateVolume(kVol).ok());
    for (const auto& [k, d] : needles) REQUIRE(store->Put(kVol, k, Cookie(k), d).ok());
  }
  void CheckAll() {
    for (const auto& [k, d] : needles) {
      auto got = store->Get(kVol, k, Cookie(k));
      REQUIRE_MESSAGE(got.ok(), got.status().ToString());
      REQUIRE(*got == d);
      REQUIRE(store->Head(kVol, k, Cookie(k)).value().size == d.size());
    }
  }
  std::string ShardPath(int i) {
    for (const auto& d : options.drives)
      if (fs.Exists(d + "/" + ec::ShardName(kVol, i))) return d + "/" + ec::ShardName(kVol, i);
    FAIL("no shard " << i);
    return {};
  }
  VolumeStats Stats() { return store->Stats().at(0); }
};

TEST_CASE("a writable volume is kept as m+1 copies on distinct drives") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  int copies = 0;
  for (const auto& d : f.options.drives) copies += f.fs.Exists(d + "/1.dat");
  CHECK(copies == 3);
  CHECK(f.Stats().replicas == 3);
  CHECK(f.Stats().drives.size() == 3);
  // Losing any two copies loses nothing (here: the first two drives holding one).
  std::vector<std::string> holders;
  for (const auto& d : f.options.drives)
    if (f.fs.Exists(d + "/1.dat")) holders.push_back(d);
  f.store.reset();
  for (int i = 0; i < 2; i++) {
    REQUIRE(f.fs.Remove(holders[i] + "/1.dat").ok());
    REQUIRE(f.fs.Remove(holders[i] + "/1.idx").ok());
  }
  f.Reopen();
  f.CheckAll();
  // A volume short of copies takes no more writes.
  CHECK(f.Stats().replicas == 1);
  CHECK(f.Stats().read_only);
  CHECK(f.Stats().error == "1 of 3 copies left; it takes no more writes");
  CHECK(f.store->WritableRoom().at(0).second == 0);
  CHECK(f.store->Put(kVol, 1, 1, "x").code() == Code::kFailedPrecondition);
}

TEST_CASE("encoding replaces the copies with k+m shards and reads stay byte-exact") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  const uint64_t dat_size = f.Stats().file_bytes;
  std::vector<uint64_t> progress;
  ec::BuildOptions bo;
  bo.progress = [&](uint64_t done, uint64_t) { progress.push_back(done); };
  REQUIRE(f.store->Encode(kVol, bo).ok());
  CHECK(progress.size() == ec::Layout{4, 2, 4096, dat_size}.rows());
  VolumeStats s = f.Stats();
  CHECK(s.coding == "coded");
  CHECK(s.shards_ok == 6);
  CHECK(s.needles == f.needles.size());
  CHECK(s.drives.size() == 6);
  uint64_t on_disk = 0;
  for (const auto& d : f.options.drives) {
    CHECK_FALSE(f.fs.Exists(d + "/1.dat"));
    CHECK_FALSE(f.fs.Exists(d + "/1.idx"));
    CHECK_FALSE(f.fs.Exists(d + "/1.ecp"));
  }
  // The index and the journal: m + 1 = 3 copies, beside shards 0, 1 and 2.
  for (int i = 0; i < 6; i++) {
    CHECK(f.fs.Exists(DirName(f.ShardPath(i)) + "/1.ecx") == (i <= 2));
    CHECK(f.fs.Exists(DirName(f.ShardPath(i)) + "/1.ecj") == (i <= 2));
  }
  for (int i = 0; i < 6; i++) on_disk += f.fs.Contents(f.ShardPath(i)).size();
  // Shard files: (k+m)/k of the .dat, plus 4 KiB headers and the checksums.
  const ec::Layout L{4, 2, 4096, dat_size};
  CHECK(on_disk == 6 * (ec::kShardHeaderSize + L.shard_size() + 4 * ((L.shard_size() + 1023) / 1024) +
                        ec::kShardFooterSize));
  f.CheckAll();
  CHECK(f.store->Put(kVol, 5, 5, "x").code() == Code::kFailedPrecondition);
  CHECK(f.store->Encode(kVol).ok());  // idempotent
  f.fs.DropUnsyncedData();  // power loss right after: all of it was durable
  f.Reopen();
  f.CheckAll();
}

TEST_CASE("any m lost shards leave every needle readable; m+1 give UNAVAILABLE") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  REQUIRE(f.store->Encode(kVol).ok());
  f.store.reset();
  std::map<int, std::string> saved;
  for (int i = 0; i < 6; i++) saved[i] = f.fs.Contents(f.ShardPath(i));
  std::map<int, std::string> where;
  for (int i = 0; i < 6; i++) where[i] = f.ShardPath(i);
  for (int a = 0; a < 6; a++) {
    for (int b = a; b < 6; b++) {
      CAPTURE(a);
      CAPTURE(b);
      REQUIRE(f.fs.Remove(where[a]).ok());
      if (b != a) REQUIRE(f.fs.Remove(where[b]).ok());
      f.Reopen();
      CHECK(f.Stats().shards_ok == (a == b ? 5 : 4));
      CHECK(f.Stats().coding == "degraded");
      f.CheckAll();
      f.store.reset();
      f.fs.SetContents(where[a], saved[a]);
      f.fs.SetContents(where[b], saved[b]);
    }
  }
  for (int i : {0, 3, 5}) REQUIRE(f.fs.Remove(where[i]).ok());
  f.Reopen();
  CHECK_FALSE(f.Stats().ok);
  // Needle 4000 lies in data shards 0..3 at some point; reading anything that
  // needs shard 0 or 3 cannot be done with 3 shards.
  int unavailable = 0;
  for (const auto& [k, d] : f.needles) {
    auto got = f.store->Get(kVol, k, Cookie(k));
    if (got.ok()) {
      CHECK(*got == d);  // served from its own healthy data shard
    } else {
      CHECK(got.status().code() == Code::kUnavailable);
      unavailable++;
    }
  }
  CHECK(unavailable > 0);
}

TEST_CASE("flipped bits are read around, found by scrub and repaired in place") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  REQUIRE(f.store->Encode(kVol).ok());
  const std::string path = f.ShardPath(1);
  const std::string good = f.fs.Contents(path);
  std::string bad = good;
  for (size_t off = ec::kShardHeaderSize + 100; off < good.size() - 4096; off += 3000) bad[off] ^= 0x5a;
  f.fs.SetContents(path, bad);
  f.Reopen();
  CHECK(f.Stats().shards_ok == 6);  // the header is intact: nothing known yet
  f.CheckAll();                      // reads find the lie and decode around it
  CHECK(f.Stats().shards_ok == 5);
  auto found = f.store->Scrub(kVol, {}).value();
  CHECK(found == std::vector<int>{1});
  REQUIRE(f.store->Repair(kVol, {}).ok());
  CHECK(f.fs.Contents(path) == good);  // rebuilt byte for byte, on its own drive
  CHECK(f.Stats().shards_ok == 6);
  CHECK(f.store->Scrub(kVol, {}).value().empty());
  CHECK(f.store->Repair(kVol, {}).ok());  // nothing to do
  f.Reopen();
  f.CheckAll();
}

TEST_CASE("a lost drive's shard is rebuilt onto a drive holding none") {
  Fixture f;
  f.options.drives.push_back("/d6");
  f.Reopen();
  f.WriteAll();
  REQUIRE(f.store->Encode(kVol).ok());
  const std::string path = f.ShardPath(1);  // a shard whose drive holds an index copy
  const std::string good = f.fs.Contents(path);
  const std::string drive = DirName(path);
  // The drive is replaced by an empty one that is not in the list any more.
  f.store.reset();
  const std::vector<std::string> names = f.fs.ListDir(drive).value();
  for (const auto& name : names) REQUIRE(f.fs.Remove(drive + "/" + name).ok());
  std::erase(f.options.drives, drive);
  f.options.drives.push_back("/d7");
  f.Reopen();
  CHECK(f.Stats().shards_ok == 5);
  REQUIRE(f.store->Repair(kVol, {}).ok());
  const std::string moved = f.ShardPath(1);
  CHECK(DirName(moved) != drive);
  CHECK(f.fs.Contents(moved) == good);
  CHECK(f.fs.Exists(DirName(moved) + "/1.ecx"));
  CHECK(f.fs.Exists(DirName(moved) + "/1.ecj"));
  f.Reopen();
  CHECK(f.Stats().shards_ok == 6);
  f.CheckAll();
}

// Counts the bytes and calls of reads per file, to hold degraded reads to k reads.
class CountingFileSystem : public FileSystem {
 public:
  explicit CountingFileSystem(FileSystem* base) : base_(base) {}
  struct Counts {
    int reads = 0;
    uint64_t bytes = 0;
  };
  std::map<std::string, Counts> counts;
  std::mutex mu;

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    ASSIGN_OR_RETURN(auto f, base_->Open(path, mode));
    return std::unique_ptr<File>(new Counted(std::move(f), this));
  }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  Result<std::vector<std::string>> ListDir(const std::string& p) override { return base_->ListDir(p); }
  Status Remove(const std::string& p) override { return base_->Remove(p); }
  Status Rename(const std::string& a, const std::string& b) override { return base_->Rename(a, b); }
  Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }

 private:
  class Counted : public File {
   public:
    Counted(std::unique_ptr<File> f, CountingFileSystem* fs) : f_(std::move(f)), fs_(fs) {}
    Result<size_t> ReadAt(uint64_t off, size_t n, char* buf) const override {
      std::lock_guard lk(fs_->mu);
      auto& c = fs_->counts[f_->path()];
      c.reads++;
      c.bytes += n;
      return f_->ReadAt(off, n, buf);
    }
    Status WriteAt(uint64_t off, std::string_view d) override { return f_->WriteAt(off, d); }
    Status Sync() override { return f_->Sync(); }
    Status Truncate(uint64_t size) override { return f_->Truncate(size); }
    Result<uint64_t> Size() const override { return f_->Size(); }
    const std::string& path() const override { return f_->path(); }

   private:
    std::unique_ptr<File> f_;
    CountingFileSystem* fs_;
  };
  FileSystem* base_;
};

TEST_CASE("a degraded read of a needle reads its range from k shards, nothing more") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  REQUIRE(f.store->Encode(kVol).ok());
  f.store.reset();
  // Shard 0 gone: every needle with bytes in it decodes them from shards 1..4.
  const std::string lost = f.ShardPath(0);
  REQUIRE(f.fs.Remove(lost).ok());
  const ec::IndexFile index = ec::DecodeIndex(f.fs.Contents(DirName(f.ShardPath(1)) + "/1.ecx")).value();
  CountingFileSystem counting(&f.fs);
  auto store = Store::Open(&counting, &f.clock, f.options).value();
  for (const auto& [key, data] : f.needles) {
    {
      std::lock_guard lk(counting.mu);
      counting.counts.clear();
    }
    REQUIRE(store->Get(kVol, key, Cookie(key)).value() == data);
    std::lock_guard lk(counting.mu);
    // The needle's pieces: one in shard 0 is read from k = 4 others, any
    // other from its own shard; each read is exactly the piece's bytes.
    const auto& r = *std::find_if(index.records.begin(), index.records.end(),
                                  [&](const auto& x) { return x.key == key; });
    int want_reads = 0;
    uint64_t want_bytes = 0;
    for (const auto& piece : ec::MapRange(index.layout, uint64_t{r.offset_units} * 8,
                                          format::NeedleLength(r.size))) {
      want_reads += piece.shard == 0 ? 4 : 1;
      want_bytes += (piece.shard == 0 ? 4 : 1) * piece.length;
    }
    int reads = 0;
    uint64_t bytes = 0;
    for (const auto& [path, c] : counting.counts) {
      CHECK(path.find(".ec") != std::string::npos);
      CHECK(path != lost);
      reads += c.reads;
      bytes += c.bytes;
    }
    CHECK(reads == want_reads);
    CHECK(bytes == want_bytes);
  }
}

TEST_CASE("truncated, foreign and swapped shard files are never decoded into wrong bytes") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  REQUIRE(f.store->Encode(kVol).ok());
  f.store.reset();
  const std::string p0 = f.ShardPath(0), p1 = f.ShardPath(1), p2 = f.ShardPath(2);
  const std::string s0 = f.fs.Contents(p0), s1 = f.fs.Contents(p1), s2 = f.fs.Contents(p2);

  SUBCASE("truncated") {
    f.fs.SetContents(p0, s0.substr(0, s0.size() - 100));
    f.Reopen();
    CHECK(f.Stats().shards_ok == 5);
    f.CheckAll();
  }
  SUBCASE("swapped between drives: identified by their headers") {
    f.fs.SetContents(p1, s2);
    f.fs.SetContents(p2, s1);
    f.Reopen();
    CHECK(f.Stats().shards_ok == 6);
    f.CheckAll();
  }
  // Shard 0 with its header rewritten (a valid header, checksum and all).
  auto shard0_as = [&](const std::function<void(ec::ShardHeader&)>& change) {
    auto h = ec::DecodeShardHeader(s0).value();
    change(h);
    std::string other = s0;
    other.replace(0, ec::kShardHeaderSize, ec::EncodeShardHeader(h));
    f.fs.SetContents(p0, other);
    f.Reopen();
    CHECK(f.Stats().shards_ok == 5);
    f.CheckAll();
  };
  SUBCASE("another encoding of the same volume") {
    shard0_as([](ec::ShardHeader& h) { h.id.nonce ^= 1; });
  }
  SUBCASE("another compaction revision") {
    shard0_as([](ec::ShardHeader& h) { h.id.revision += 1; });
  }
  SUBCASE("another volume's shard under this volume's name") {
    shard0_as([](ec::ShardHeader& h) { h.id.volume = 2; });
  }
  SUBCASE("the same data shard twice and one missing") {
    f.fs.SetContents(p1, s0);
    f.Reopen();
    CHECK(f.Stats().shards_ok == 5);
    f.CheckAll();
  }
}

TEST_CASE("deletes on a coded volume go to every journal and survive restarts") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  REQUIRE(f.store->Encode(kVol).ok());
  REQUIRE(f.store->Delete(kVol, 4000, 4000).ok());
  REQUIRE(f.store->Release(kVol, 5000, 5000).ok());
  CHECK(f.store->Delete(kVol, 4000, 4000).code() == Code::kNotFound);
  CHECK(f.store->Delete(kVol, 6000, 1).code() == Code::kNotFound);  // wrong cookie
  CHECK(f.store->Get(kVol, 4000, 4000).status().code() == Code::kNotFound);
  CHECK(f.Stats().needles == f.needles.size() - 2);
  // One journal copy lost: the others still know, and it is written again.
  const std::string j0 = DirName(f.ShardPath(0)) + "/1.ecj";
  const std::string j2 = DirName(f.ShardPath(2)) + "/1.ecj";
  f.store.reset();
  REQUIRE(f.fs.Remove(j2).ok());
  f.Reopen();
  CHECK(f.store->Get(kVol, 4000, 4000).status().code() == Code::kNotFound);
  CHECK(f.store->Get(kVol, 5000, 5000).status().code() == Code::kNotFound);
  CHECK(f.fs.Contents(j2) == f.fs.Contents(j0));
  CHECK(f.store->Get(kVol, 3000, 3000).value() == f.needles[3000]);
}

TEST_CASE("an encoding stopped half way resumes from its checkpoint") {
  Fixture f;
  f.options.ec.block_size = 1024;
  f.Reopen();
  f.WriteAll();
  std::atomic<bool> stop{false};
  ec::BuildOptions bo;
  bo.sync_every = 1;  // a checkpoint after every row
  bo.stop = &stop;
  uint64_t rows = 0;
  bo.progress = [&](uint64_t done, uint64_t total) {
    rows = total;
    if (done == total / 2) stop = true;
  };
  CHECK(f.store->Encode(kVol, bo).code() == Code::kAborted);
  CHECK(f.Stats().coding == "none");
  f.CheckAll();  // still served from the copies
  // A crash now, with the checkpoint durable: restart and resume.
  f.fs.DropUnsyncedData();
  f.Reopen();
  f.CheckAll();
  stop = false;
  uint64_t first = 0;
  bo.progress = [&](uint64_t done, uint64_t) {
    if (first == 0) first = done;
  };
  REQUIRE(f.store->Encode(kVol, bo).ok());
  CHECK(first == rows / 2 + 1);  // went on from the checkpoint, not from row 0
  CHECK(f.Stats().coding == "coded");
  f.CheckAll();
  // And every shard verifies.
  CHECK(f.store->Scrub(kVol, {}).value().empty());
}

TEST_CASE("shards that committed win over copies a crash left behind") {
  Fixture f;
  f.Reopen();
  f.WriteAll();
  std::string holder;
  for (const auto& d : f.options.drives)
    if (f.fs.Exists(d + "/1.dat")) holder = d;
  REQUIRE(f.store->Seal(kVol).ok());
  const std::string dat = f.fs.Contents(holder + "/1.dat");
  const std::string idx = f.fs.Contents(holder + "/1.idx");
  REQUIRE(f.store->Encode(kVol).ok());
  // As if the crash came after the commit but before the copies were removed.
  f.store.reset();
  f.fs.SetContents(holder + "/1.dat", dat);
  f.fs.SetContents(holder + "/1.idx", idx);
  f.Reopen();
  CHECK(f.Stats().coding == "coded");
  CHECK_FALSE(f.fs.Exists(holder + "/1.dat"));
  CHECK_FALSE(f.fs.Exists(holder + "/1.idx"));
  f.CheckAll();
}

TEST_CASE("the store refuses layouts its drives cannot honour") {
  FaultFileSystem fs;
  ManualClock clock;
  StoreOptions o = SixDrives();
  o.drives.pop_back();
  CHECK(Store::Open(&fs, &clock, o).status().ToString() ==
        "INVALID_ARGUMENT: RS(4,2) puts 6 shards on distinct drives; only 5 given");
  o = SixDrives();
  o.replicas = 7;
  CHECK(Store::Open(&fs, &clock, o).status().code() == Code::kInvalidArgument);
  o = SixDrives();
  o.drives[1] = o.drives[0];
  CHECK(Store::Open(&fs, &clock, o).status().ToString() == "INVALID_ARGUMENT: a drive is listed twice");
  CHECK(ParseErasureScheme("4+2").value().k == 4);
  CHECK(ParseErasureScheme("10+4").value().m == 4);
  CHECK(ParseErasureScheme("4+0").status().code() == Code::kInvalidArgument);
  CHECK(ParseErasureScheme("33+1").status().code() == Code::kInvalidArgument);
  CHECK(ParseErasureScheme("4,2").status().code() == Code::kInvalidArgument);
  CHECK(ParseErasureScheme("4+2x").status().code() == Code::kInvalidArgument);
  CHECK(DefaultErasureScheme(1).k == 0);
  CHECK((DefaultErasureScheme(2).k == 1 && DefaultErasureScheme(2).m == 1));
  CHECK((DefaultErasureScheme(5).k == 4 && DefaultErasureScheme(5).m == 1));
  CHECK((DefaultErasureScheme(6).k == 4 && DefaultErasureScheme(6).m == 2));
  CHECK((DefaultErasureScheme(14).k == 10 && DefaultErasureScheme(14).m == 4));
}

}  // namespace
}  // namespace bale
