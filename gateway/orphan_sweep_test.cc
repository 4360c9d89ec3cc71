// The orphan sweep over a real store and an in-memory metadata store: which
// needles a pass frees (old, named by no object or part) and which it keeps.
#include "gateway/orphan_sweep.h"

#include <doctest.h>

#include "gateway/s3_error.h"
#include "gateway/testing/test_backends.h"

namespace bale::s3 {
namespace {

constexpr int64_t kHour = 3600ll * 1'000'000;

class Fixture : public testing::TestBackends {
 public:
  // A needle of `size` bytes of `fill` that no record names (yet).
  meta::Chunk Needle(size_t size, char fill) {
    std::string data(size, fill);
    Placement p = directory->WriteNeedle(data).value();
    return meta::Chunk{p.volume, p.key, p.cookie, size};
  }
  void PutObject(const std::string& key, std::vector<meta::Chunk> chunks) {
    meta::ObjectRecord o;
    o.key = key;
    for (const auto& c : chunks) o.size += c.size;
    o.etag = "0123456789abcdef0123456789abcdef";
    o.chunks = std::move(chunks);
    REQUIRE(meta->PutObject("b", o).ok());
  }
  // Opens upload `upload_id` of key "m" in `bucket` with one part of `size`
  // bytes; returns the part's needle.
  meta::Chunk OpenUploadWithPart(const std::string& bucket, const std::string& upload_id,
                                 size_t size) {
    meta::UploadRecord upload;
    upload.upload_id = upload_id;
    upload.key = "m";
    REQUIRE(meta->CreateUpload(bucket, upload).ok());
    meta::Chunk chunk = Needle(size, 'p');
    meta::PartRecord part;
    part.part_number = 1;
    part.size = size;
    part.etag = "0123456789abcdef0123456789abcdef";
    part.chunks = {chunk};
    REQUIRE(meta->PutPart(bucket, upload_id, part).ok());
    return chunk;
  }
  bool Readable(const meta::Chunk& c) {
    auto data = store->Get(c.volume_id, c.needle_key, c.cookie);
    return data.ok() && data->size() == c.size;
  }
  // A needle written straight to volume `vid`, with a key issued now.
  meta::Chunk NeedleIn(VolumeId vid, size_t size, char fill) {
    const NeedleKey key =
        (static_cast<NeedleKey>(clock.NowMicros()) << kNeedleKeyCounterBits) | ++direct_needles_;
    REQUIRE(store->Put(vid, key, 0xC0FFEE, std::string(size, fill)).ok());
    return meta::Chunk{vid, key, 0xC0FFEE, size};
  }
  OrphanSweepReport Sweep(std::chrono::seconds grace, size_t scan_memory = 256 << 20) {
    OrphanSweeper sweeper(backends(), {grace, std::chrono::seconds(3600), scan_memory});
    return sweeper.RunOnce().value();
  }
  uint64_t LiveNeedles() { return store->Stats().at(0).needles; }

 private:
  NeedleKey direct_needles_ = 0;
};

TEST_CASE("a pass frees old needles that no object or part names, and nothing else") {
  Fixture f;
  meta::Chunk a1 = f.Needle(1000, 'a'), a2 = f.Needle(500, 'a');
  f.PutObject("a", {a1, a2});
  meta::Chunk part = f.OpenUploadWithPart("b", "up1", 700);
  meta::Chunk old_orphan = f.Needle(3000, 'o');  // a write that died before its record

  f.clock.AdvanceMicros(2 * kHour);
  meta::Chunk young_orphan = f.Needle(200, 'y');  // a write that may still commit
  REQUIRE(f.LiveNeedles() == 5);

  OrphanSweepReport r = f.Sweep(std::chrono::hours(1));
  CHECK(r.passes == 1);
  CHECK(r.volumes == 1);
  CHECK(r.volumes_skipped == 0);
  CHECK(r.needles == 5);
  CHECK(r.orphans == 1);
  CHECK(r.orphan_bytes == 3000);
  CHECK_FALSE(f.Readable(old_orphan));
  for (const auto& c : {a1, a2, part, young_orphan}) CHECK(f.Readable(c));
  CHECK(f.LiveNeedles() == 4);

  CHECK(f.Sweep(std::chrono::hours(1)).orphans == 0);  // nothing more to free

  // Just over an hour later the young orphan is old enough.
  f.clock.AdvanceMicros(kHour - 1);
  CHECK(f.Sweep(std::chrono::hours(1)).orphans == 0);  // a microsecond short of an hour old
  f.clock.AdvanceMicros(1'000'000);
  r = f.Sweep(std::chrono::hours(1));
  CHECK(r.orphans == 1);
  CHECK(r.orphan_bytes == 200);
  CHECK_FALSE(f.Readable(young_orphan));

  // A record gone while its needles stayed (a delete whose tombstone a crash
  // lost): the needles go; the completed upload's part, now the object's, stays.
  REQUIRE(f.meta->DeleteObject("b", "a").ok());
  auto done = f.meta->CompleteUpload(
      "b", "up1", [&](const meta::UploadRecord&, const std::vector<meta::PartRecord>& parts) {
        meta::ObjectRecord o;
        o.key = "m";
        o.size = 700;
        o.etag = "0123456789abcdef0123456789abcdef-1";
        o.part_count = 1;
        o.chunks = parts.at(0).chunks;
        return Result<meta::ObjectRecord>(o);
      });
  REQUIRE(done.ok());
  r = f.Sweep(std::chrono::hours(1));
  CHECK(r.orphans == 2);
  CHECK(r.orphan_bytes == 1500);
  CHECK_FALSE(f.Readable(a1));
  CHECK_FALSE(f.Readable(a2));
  CHECK(f.Readable(part));
  CHECK(f.LiveNeedles() == 1);
}

TEST_CASE("the needles of a deleted bucket's open uploads are freed: nothing can reach them") {
  Fixture f;
  meta::BucketRecord gone;
  gone.name = "gone";
  gone.owner_user_id = "u";
  REQUIRE(f.meta->CreateBucket(gone).ok());
  meta::Chunk part_chunk = f.OpenUploadWithPart("gone", "up", 800);
  meta::Chunk kept = f.Needle(100, 'k');
  f.PutObject("kept", {kept});
  f.clock.AdvanceMicros(2 * kHour);
  CHECK(f.Sweep(std::chrono::hours(1)).orphans == 0);  // the bucket and its upload live

  // S3 deletes a bucket with open uploads.
  REQUIRE(f.meta->DeleteBucket("gone", f.clock.NowMicros()).ok());
  OrphanSweepReport r = f.Sweep(std::chrono::hours(1));
  CHECK(r.orphans == 1);
  CHECK(r.orphan_bytes == 800);
  CHECK(r.deleted_bucket_rows == 3);  // the upload's M and N rows, its part's P row
  CHECK_FALSE(f.Readable(part_chunk));
  CHECK(f.Readable(kept));
  CHECK(f.Sweep(std::chrono::hours(1)).deleted_bucket_rows == 0);
  CHECK(f.meta->GetObject("b", "kept").ok());
}

TEST_CASE("the freed needles are garbage to compaction, and durably so") {
  Fixture f;
  meta::Chunk kept = f.Needle(4096, 'k');
  f.PutObject("k", {kept});
  for (int i = 0; i < 10; i++) f.Needle(100'000, 'o');
  f.clock.AdvanceMicros(2 * kHour);
  const uint64_t live_before = f.store->Stats().at(0).live_bytes;
  OrphanSweepReport r = f.Sweep(std::chrono::hours(1));
  CHECK(r.orphans == 10);
  CHECK(r.orphan_bytes == 1'000'000);
  VolumeStats v = f.store->Stats().at(0);
  CHECK(v.needles == 1);
  CHECK(v.live_bytes < live_before - 1'000'000);
  REQUIRE(f.store->Compact(1).ok());
  v = f.store->Stats().at(0);
  CHECK(v.needles == 1);
  CHECK(v.garbage_ratio == 0);
  CHECK(f.Readable(kept));
}

TEST_CASE("volumes beyond the scan memory take more metadata scans, with the same outcome") {
  // 2 live needles a volume; 16 bytes of scan memory hold 2 keys: one volume a scan.
  for (size_t scan_memory : {size_t{256} << 20, size_t{16}}) {
    CAPTURE(scan_memory);
    Fixture f;
    REQUIRE(f.store->CreateVolume(2).ok());
    REQUIRE(f.store->CreateVolume(3).ok());
    meta::Chunk a = f.NeedleIn(1, 100, 'a'), o1 = f.NeedleIn(1, 1000, 'o');
    meta::Chunk x2 = f.NeedleIn(2, 200, 'x'), o2 = f.NeedleIn(2, 2000, 'o');
    meta::Chunk x3 = f.NeedleIn(3, 300, 'x'), o3 = f.NeedleIn(3, 4000, 'o');
    f.PutObject("a", {a});
    f.PutObject("x", {x2, x3});  // one object over two volumes
    f.clock.AdvanceMicros(2 * kHour);

    OrphanSweepReport r = f.Sweep(std::chrono::hours(1), scan_memory);
    CHECK(r.metadata_scans == (scan_memory == 16 ? 3 : 1));
    CHECK(r.volumes == 3);
    CHECK(r.volumes_skipped == 0);
    CHECK(r.needles == 6);
    CHECK(r.orphans == 3);
    CHECK(r.orphan_bytes == 7000);
    for (const auto& c : {a, x2, x3}) CHECK(f.Readable(c));
    for (const auto& c : {o1, o2, o3}) CHECK_FALSE(f.Readable(c));
  }
}

TEST_CASE("a volume with more needles than the scan memory holds is still swept, on its own") {
  Fixture f;
  meta::Chunk kept = f.NeedleIn(1, 10, 'k');
  std::vector<meta::Chunk> orphans;
  for (int i = 0; i < 5; i++) orphans.push_back(f.NeedleIn(1, 10, 'o'));
  f.PutObject("k", {kept});
  f.clock.AdvanceMicros(2 * kHour);
  OrphanSweepReport r = f.Sweep(std::chrono::hours(1), 8);  // room for one key
  CHECK(r.metadata_scans == 1);
  CHECK(r.orphans == 5);
  CHECK(f.Readable(kept));
  for (const auto& c : orphans) CHECK_FALSE(f.Readable(c));
}

TEST_CASE("with no grace no pass runs: it would free the needles of writes being committed") {
  Fixture f;
  meta::Chunk in_flight = f.Needle(100, 'w');  // written, its record not yet committed
  f.clock.AdvanceMicros(2 * kHour);
  OrphanSweeper sweeper(f.backends(), {std::chrono::seconds(0), std::chrono::seconds(3600)});
  auto r = sweeper.RunOnce();
  CHECK(r.status().code() == Code::kFailedPrecondition);
  CHECK(r.status().message() == "the orphan sweep needs a grace above 0 (--orphan-grace)");
  CHECK(f.Readable(in_flight));
  CHECK(sweeper.totals().passes == 0);
}

TEST_CASE("sealed volumes are skipped: they take no tombstones") {
  Fixture f;
  meta::Chunk orphan = f.Needle(100, 'o');
  REQUIRE(f.store->Seal(1).ok());
  f.clock.AdvanceMicros(2 * kHour);
  OrphanSweepReport r = f.Sweep(std::chrono::hours(1));
  CHECK(r.volumes == 0);
  CHECK(r.volumes_skipped == 1);
  CHECK(r.orphans == 0);
  CHECK(f.Readable(orphan));
}

TEST_CASE("a write whose needles are older than half the grace is refused and its needles freed") {
  Fixture f;
  meta::Chunk c1 = f.Needle(100, 'x'), c2 = f.Needle(100, 'y');
  f.clock.AdvanceMicros(29 * 60 * 1'000'000ll);  // 29 minutes: within half of an hour
  CHECK(CheckNeedlesFresh(f.backends(), std::chrono::hours(1), {c1, c2}).ok());
  CHECK(f.Readable(c1));
  f.clock.AdvanceMicros(2 * 60 * 1'000'000ll);  // 31 minutes
  Status st = CheckNeedlesFresh(f.backends(), std::chrono::hours(1), {c1, c2});
  S3Error e = FromStatus(st);
  CHECK(e.code == "RequestTimeout");
  CHECK(e.http_status == 400);
  CHECK_FALSE(f.Readable(c1));
  CHECK_FALSE(f.Readable(c2));

  // Without a sweep (grace 0) no write is refused for its age.
  meta::Chunk c3 = f.Needle(100, 'z');
  f.clock.AdvanceMicros(365 * 24 * kHour);
  CHECK(CheckNeedlesFresh(f.backends(), std::chrono::seconds(0), {c3}).ok());
  CHECK(f.Readable(c3));
}

}  // namespace
}  // namespace bale::s3
