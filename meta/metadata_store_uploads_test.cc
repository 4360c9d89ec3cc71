// Multipart upload records and MetadataStore's upload operations.
#include <functional>
#include <random>
#include <thread>

#include <doctest.h>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"
#include "meta/testing/each_kv_engine.h"
#include "meta/testing/forwarding_kv_store.h"
#include "meta/testing/object_records.h"
#include "meta/testing/store_with_bucket.h"

namespace bale::meta {
namespace {

using testing::ForEachKvEngine;
using testing::MakeBucket;
using testing::OpenWithBucket;
using testing::MakeObject;

UploadRecord MakeUpload(std::string id, std::string key) {
  UploadRecord u;
  u.upload_id = std::move(id);
  u.key = std::move(key);
  u.initiated_micros = 1'700'000'000'000'000;
  u.owner_user_id = "alice";
  u.checksum_algorithm = "CRC32";
  u.object.key = u.key;
  u.object.content_type = "text/plain";
  u.object.user_metadata = {{"color", "blue"}};
  u.object.tags = {{"k", "v"}};
  u.object.acl = CannedAcl::kPublicRead;
  return u;
}

PartRecord MakePart(uint32_t number, uint64_t size, uint64_t needle) {
  PartRecord p;
  p.part_number = number;
  p.size = size;
  p.etag = "0123456789abcdef0123456789abcdef";
  p.last_modified_micros = 1'700'000'000'000'000 + number;
  p.checksums = {{"CRC32", "AAAAAA=="}};
  if (size > 0) p.chunks.push_back(Chunk{3, needle, 0xC0FFEE, size});
  return p;
}

TEST_CASE("upload and part records round trip; garbage is data loss") {
  UploadRecord u = MakeUpload("abc", "dir/file");
  CHECK(DecodeUpload(EncodeUpload(u)).value() == u);
  CHECK(DecodeUpload(EncodeUpload(UploadRecord{})).value() == UploadRecord{});
  PartRecord p = MakePart(10000, 5, UINT64_MAX);
  CHECK(DecodePart(EncodePart(p)).value() == p);
  CHECK(EncodePart(p)[0] == 'P');
  CHECK(EncodeUpload(u)[0] == 'M');

  for (const std::string& bytes : {EncodeUpload(u), EncodePart(p)}) {
    for (size_t n = 0; n < bytes.size(); ++n) {
      std::string cut = bytes.substr(0, n);
      CHECK(DecodeUpload(cut).status().code() == Code::kDataLoss);
      CHECK(DecodePart(cut).status().code() == Code::kDataLoss);
    }
    CHECK(DecodeUpload(bytes + "x").status().code() == Code::kDataLoss);
    CHECK(DecodePart(bytes + "x").status().code() == Code::kDataLoss);
  }
  CHECK(DecodePart(EncodeObject(MakeObject("k", 1))).status().code() == Code::kDataLoss);
  PartRecord zero = p;
  zero.part_number = 0;
  CHECK(DecodePart(EncodePart(zero)).status().code() == Code::kDataLoss);
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string junk(rng() % 40, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (i % 2) junk[0] = 'M', junk.size() > 1 ? junk[1] = 1 : 0;
    (void)DecodeUpload(junk);
    (void)DecodePart(junk);
  }
}

TEST_CASE("part row keys sort by part number under their upload") {
  CHECK(rows::Part(1, "u", 2) < rows::Part(1, "u", 10));
  CHECK(rows::Part(1, "u", 10000).starts_with(rows::Parts(1, "u")));
  CHECK_FALSE(rows::Part(1, "uv", 1).starts_with(rows::Parts(1, "u")));
}

TEST_CASE("create, get, put parts, list parts, abort") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenWithBucket(kv);
    UploadRecord u = MakeUpload("id1", "big");
    REQUIRE(store->CreateUpload("bkt", u).ok());
    CHECK(store->CreateUpload("bkt", u).code() == Code::kAlreadyExists);
    CHECK(store->GetUpload("bkt", "id1").value() == u);
    auto missing = store->GetUpload("bkt", "nope");
    CHECK(missing.status().reason() == "NoSuchUpload");
    CHECK(store->GetUpload("bkt", std::string("a\0b", 3)).status().reason() == "NoSuchUpload");
    CHECK(store->GetUpload("nobucket", "id1").status().reason() == "NoSuchBucket");

    for (uint32_t n : {3u, 1u, 2u}) {
      auto old = store->PutPart("bkt", "id1", MakePart(n, 100 * n, n));
      REQUIRE(old.ok());
      CHECK_FALSE(old->has_value());
    }
    auto replaced = store->PutPart("bkt", "id1", MakePart(2, 7, 22));
    REQUIRE(replaced.ok());
    CHECK(**replaced == MakePart(2, 200, 2));
    CHECK(store->PutPart("bkt", "nope", MakePart(1, 1, 1)).status().reason() == "NoSuchUpload");
    CHECK(store->PutPart("bkt", "id1", MakePart(0, 1, 1)).status().code() ==
          Code::kInvalidArgument);
    CHECK(store->PutPart("bkt", "id1", MakePart(10001, 1, 1)).status().code() ==
          Code::kInvalidArgument);

    auto all = store->ListParts("bkt", "id1", 0, 1000);
    REQUIRE(all.ok());
    REQUIRE(all->parts.size() == 3);
    CHECK(all->parts[0] == MakePart(1, 100, 1));
    CHECK(all->parts[1] == MakePart(2, 7, 22));
    CHECK_FALSE(all->is_truncated);
    auto page = store->ListParts("bkt", "id1", 0, 2);
    CHECK(page->parts.size() == 2);
    CHECK(page->is_truncated);
    CHECK(page->next_part_number_marker == 2);
    auto rest = store->ListParts("bkt", "id1", 2, 2);
    CHECK(rest->parts.size() == 1);
    CHECK(rest->parts[0].part_number == 3);
    CHECK_FALSE(rest->is_truncated);
    CHECK(store->ListParts("bkt", "id1", 10000, 5)->parts.empty());
    CHECK(store->ListParts("bkt", "nope", 0, 5).status().reason() == "NoSuchUpload");

    auto aborted = store->DeleteUpload("bkt", "id1");
    REQUIRE(aborted.ok());
    CHECK(aborted->size() == 3);
    CHECK(store->GetUpload("bkt", "id1").status().reason() == "NoSuchUpload");
    CHECK(store->DeleteUpload("bkt", "id1").status().reason() == "NoSuchUpload");
    CHECK(store->PutPart("bkt", "id1", MakePart(1, 1, 1)).status().reason() == "NoSuchUpload");
    auto left = kv.Scan("P", "Q", 10);
    CHECK(left->empty());
    CHECK(kv.Scan("N", "O", 10)->empty());  // the index row went with the upload row
  });
}

TEST_CASE("complete writes the object with usage, deletes upload and parts, returns replaced") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenWithBucket(kv);
    REQUIRE(store->PutObject("bkt", MakeObject("big", 10, 99)).ok());
    REQUIRE(store->CreateUpload("bkt", MakeUpload("id1", "big")).ok());
    for (uint32_t n = 1; n <= 3; ++n) REQUIRE(store->PutPart("bkt", "id1", MakePart(n, n, n)).ok());

    auto refused = store->CompleteUpload(
        "bkt", "id1",
        [](const UploadRecord&, const std::vector<PartRecord>&) -> Result<ObjectRecord> {
          return InvalidArgumentError("no").WithReason("InvalidPart");
        });
    CHECK(refused.status().reason() == "InvalidPart");
    CHECK(store->GetUpload("bkt", "id1").ok());

    auto done = store->CompleteUpload(
        "bkt", "id1",
        [](const UploadRecord& u, const std::vector<PartRecord>& parts) -> Result<ObjectRecord> {
          CHECK(parts.size() == 3);
          ObjectRecord o = u.object;
          for (const PartRecord& p : parts) {
            if (p.part_number == 2) continue;  // not listed: garbage
            o.size += p.size;
            o.chunks.insert(o.chunks.end(), p.chunks.begin(), p.chunks.end());
          }
          o.etag = "abc-2";
          o.part_count = 2;
          return o;
        });
    REQUIRE(done.ok());
    CHECK(done->replaced->chunks[0].needle_key == 99);
    CHECK(done->parts.size() == 3);
    auto obj = store->GetObject("bkt", "big");
    REQUIRE(obj.ok());
    CHECK(obj->size == 4);
    CHECK(obj->etag == "abc-2");
    CHECK(obj->content_type == "text/plain");
    CHECK(obj->chunks.size() == 2);
    CHECK(store->GetUsage("bkt").value() == UsageRecord{4, 1});
    CHECK(store->RecountUsage("bkt").value() == UsageRecord{4, 1});
    CHECK(store->GetUpload("bkt", "id1").status().reason() == "NoSuchUpload");
    CHECK(kv.Scan("P", "Q", 10)->empty());
    CHECK(kv.Scan("M", "O", 10)->empty());  // upload and index rows
  });
}

// Runs `before_scan` (once) before a Scan reaches the engine: a writer
// slipping in between the upload row's read and the part rows' scan.
class ScanHookKv : public testing::ForwardingKvStore {
 public:
  using ForwardingKvStore::ForwardingKvStore;
  Result<std::vector<KvPair>> Scan(std::string_view start, std::string_view end,
                                   size_t limit) override {
    if (before_scan) std::exchange(before_scan, nullptr)();
    return inner_.Scan(start, end, limit);
  }
  std::function<void()> before_scan;
};

TEST_CASE("a complete that loses to an abort between its reads is NoSuchUpload, not InvalidPart") {
  ForEachKvEngine([](KvStore& engine) {
    ScanHookKv kv(engine);
    auto store = OpenWithBucket(kv);
    REQUIRE(store->CreateUpload("bkt", MakeUpload("id1", "k")).ok());
    REQUIRE(store->PutPart("bkt", "id1", MakePart(1, 5, 1)).ok());
    kv.before_scan = [&] { REQUIRE(store->DeleteUpload("bkt", "id1").ok()); };
    int builds = 0;
    auto done = store->CompleteUpload(
        "bkt", "id1",
        [&](const UploadRecord&, const std::vector<PartRecord>& parts) -> Result<ObjectRecord> {
          ++builds;
          CHECK(parts.empty());  // the abort took them
          return InvalidArgumentError("part 1 is missing").WithReason("InvalidPart");
        });
    CHECK(builds == 1);
    CHECK(done.status().reason() == "NoSuchUpload");
    CHECK(store->GetObject("bkt", "k").status().reason() == "NoSuchKey");
  });
}

TEST_CASE("parts uploaded while an upload is aborted are never left behind") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenWithBucket(kv);
    for (int round = 0; round < 20; ++round) {
      std::string id = "race" + std::to_string(round);
      REQUIRE(store->CreateUpload("bkt", MakeUpload(id, "k")).ok());
      std::vector<PartRecord> written;
      std::thread uploader([&] {
        for (uint32_t n = 1; n <= 30; ++n)
          if (store->PutPart("bkt", id, MakePart(n, 1, n)).ok())
            written.push_back(MakePart(n, 1, n));
      });
      auto aborted = store->DeleteUpload("bkt", id);
      uploader.join();
      REQUIRE(aborted.ok());
      CHECK(aborted->size() == written.size());
      CHECK(kv.Scan("P", "Q", 10)->empty());
    }
  });
}

}  // namespace
}  // namespace bale::meta
