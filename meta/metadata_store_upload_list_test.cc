// MetadataStore::ListUploads (ListMultipartUploads) and its 'N' index rows.
#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include <doctest.h>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"
#include "meta/testing/each_kv_engine.h"
#include "meta/testing/object_records.h"
#include "meta/testing/store_with_bucket.h"

namespace bale::meta {
namespace {

using testing::ForEachKvEngine;
using testing::MakeBucket;
using testing::OpenWithBucket;

UploadRecord Upload(std::string id, std::string key, int64_t initiated) {
  UploadRecord u;
  u.upload_id = std::move(id);
  u.key = std::move(key);
  u.object.key = u.key;
  u.initiated_micros = initiated;
  u.owner_user_id = "alice";
  return u;
}

std::vector<std::string> IdsOf(const UploadListing& l) {
  std::vector<std::string> ids;
  for (const UploadRecord& u : l.uploads) ids.push_back(u.upload_id);
  return ids;
}

TEST_CASE("index rows sort by key (any bytes), then initiation, then upload id") {
  const std::string nul("a\0", 2), nul_b("a\0b", 3);
  CHECK(rows::UploadByKey(1, "a", 9, "z") < rows::UploadByKey(1, nul, 0, "a"));
  CHECK(rows::UploadByKey(1, nul, 5, "a") < rows::UploadByKey(1, nul_b, 0, "a"));
  CHECK(rows::UploadByKey(1, nul_b, 5, "a") < rows::UploadByKey(1, "a\x01", 0, "a"));
  CHECK(rows::UploadByKey(1, "a", 1, "z") < rows::UploadByKey(1, "a", 2, "a"));
  CHECK(rows::UploadByKey(1, "a", 2, "a") < rows::UploadByKey(1, "a", 2, "b"));
  CHECK(rows::UploadByKey(1, "ab", 0, "a").starts_with(rows::UploadKeyPrefix(1, "a")));
  CHECK_FALSE(rows::UploadByKey(1, "ab", 0, "a").starts_with(rows::UploadsOfKey(1, "a")));
  CHECK(rows::UploadByKey(1, "a", -5, "x") == rows::UploadByKey(1, "a", 0, "x"));
  CHECK(rows::UploadByKey(1, nul, 0x0102, "id") ==
        std::string("N\0\0\0\0\0\0\0\x01"
                    "a\0\xff\0\x01\0\0\0\0\0\0\x01\x02id",
                    24));
}

TEST_CASE("uploads list by key then initiation, with prefix, delimiter and markers") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenWithBucket(kv);
    for (const UploadRecord& u :
         {Upload("u3", "photos/b.jpg", 30), Upload("u1", "photos/a.jpg", 20),
          Upload("u2", "photos/a.jpg", 10), Upload("u4", "readme", 5),
          Upload("u5", "videos/x/1.mp4", 1), Upload("u6", "videos/y.mp4", 2)})
      REQUIRE(store->CreateUpload("bkt", u).ok());

    auto all = store->ListUploads("bkt", {});
    REQUIRE(all.ok());
    CHECK(IdsOf(*all) == std::vector<std::string>{"u2", "u1", "u3", "u4", "u5", "u6"});
    CHECK(all->uploads[0] == Upload("u2", "photos/a.jpg", 10));
    CHECK_FALSE(all->is_truncated);
    CHECK(all->next_key_marker.empty());

    ListUploadsOptions o;
    o.delimiter = "/";
    auto rolled = store->ListUploads("bkt", o);
    CHECK(IdsOf(*rolled) == std::vector<std::string>{"u4"});
    CHECK(rolled->common_prefixes == std::vector<std::string>{"photos/", "videos/"});

    o.prefix = "videos/";
    auto under = store->ListUploads("bkt", o);
    CHECK(IdsOf(*under) == std::vector<std::string>{"u6"});
    CHECK(under->common_prefixes == std::vector<std::string>{"videos/x/"});

    ListUploadsOptions page;
    page.max_uploads = 2;
    auto first = store->ListUploads("bkt", page);
    CHECK(IdsOf(*first) == std::vector<std::string>{"u2", "u1"});
    CHECK(first->is_truncated);
    CHECK(first->next_key_marker == "photos/a.jpg");
    CHECK(first->next_upload_id_marker == "u1");
    page.key_marker = "photos/a.jpg";
    page.upload_id_marker = "u2";  // resume after u2: u1 (same key, later) comes next
    CHECK(IdsOf(*store->ListUploads("bkt", page)) == std::vector<std::string>{"u1", "u3"});
    page.upload_id_marker.clear();  // key-marker alone: keys after it
    CHECK(IdsOf(*store->ListUploads("bkt", page)) == std::vector<std::string>{"u3", "u4"});
    page.upload_id_marker = "gone";  // unknown: as if key-marker alone
    CHECK(IdsOf(*store->ListUploads("bkt", page)) == std::vector<std::string>{"u3", "u4"});

    ListUploadsOptions cp;
    cp.delimiter = "/";
    cp.max_uploads = 1;
    auto one = store->ListUploads("bkt", cp);
    CHECK(one->common_prefixes == std::vector<std::string>{"photos/"});
    CHECK(one->is_truncated);
    CHECK(one->next_key_marker == "photos/");
    CHECK(one->next_upload_id_marker.empty());
    cp.key_marker = "photos/";
    auto two = store->ListUploads("bkt", cp);
    CHECK(IdsOf(*two) == std::vector<std::string>{"u4"});
    CHECK(two->common_prefixes.empty());

    ListUploadsOptions none;
    none.max_uploads = 0;
    auto zero = store->ListUploads("bkt", none);
    CHECK(zero->uploads.empty());
    CHECK_FALSE(zero->is_truncated);
    CHECK(store->ListUploads("nobucket", {}).status().reason() == "NoSuchBucket");

    REQUIRE(store->DeleteUpload("bkt", "u1").ok());
    CHECK(IdsOf(*store->ListUploads("bkt", {})) ==
          std::vector<std::string>{"u2", "u3", "u4", "u5", "u6"});
  });
}

// A brute-force model of S3's listing over the same uploads.
UploadListing Model(std::vector<UploadRecord> all, const ListUploadsOptions& o) {
  auto order = [](const UploadRecord& u) {
    return std::make_tuple(u.key, u.initiated_micros, u.upload_id);
  };
  std::sort(all.begin(), all.end(), [&](auto& a, auto& b) { return order(a) < order(b); });
  const UploadRecord* marker = nullptr;
  for (const auto& u : all)
    if (!o.key_marker.empty() && u.upload_id == o.upload_id_marker && u.key == o.key_marker)
      marker = &u;
  UploadListing out;
  if (o.max_uploads == 0) return out;  // nothing, not truncated (as ListObjects)
  size_t emitted = 0;
  for (const auto& u : all) {
    if (!u.key.starts_with(o.prefix)) continue;
    if (!o.key_marker.empty()) {
      bool after = u.key > o.key_marker || (marker && u.key == marker->key &&
                                            order(u) > order(*marker));
      if (!after) continue;
    }
    std::optional<std::string> common;
    if (!o.delimiter.empty()) {
      size_t at = u.key.find(o.delimiter, o.prefix.size());
      if (at != std::string::npos) common = u.key.substr(0, at + o.delimiter.size());
    }
    if (common && (*common <= o.key_marker ||
                   (!out.common_prefixes.empty() && out.common_prefixes.back() == *common)))
      continue;
    if (emitted == o.max_uploads) {
      out.is_truncated = true;
      break;
    }
    ++emitted;
    if (common) {
      out.common_prefixes.push_back(*common);
      out.next_key_marker = *common;
      out.next_upload_id_marker.clear();
    } else {
      out.uploads.push_back(u);
      out.next_key_marker = u.key;
      out.next_upload_id_marker = u.upload_id;
    }
  }
  if (!out.is_truncated) out.next_key_marker.clear(), out.next_upload_id_marker.clear();
  return out;
}

TEST_CASE("listing matches a brute-force model on random keys, including paging") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = OpenWithBucket(kv);
    std::mt19937 rng(7);
    const std::vector<std::string> alphabet = {"a", "b", "/", std::string("\0", 1), "\xff"};
    auto word = [&](size_t max_len) {
      std::string s;
      for (size_t n = rng() % (max_len + 1); n > 0; --n) s += alphabet[rng() % alphabet.size()];
      return s;
    };
    std::vector<UploadRecord> all;
    for (int i = 0; i < 150; ++i) {
      std::string key = word(5);
      if (key.empty()) key = "a";
      all.push_back(Upload("id" + std::to_string(i), key, static_cast<int64_t>(rng() % 4)));
      REQUIRE(store->CreateUpload("bkt", all.back()).ok());
    }
    for (int round = 0; round < 300; ++round) {
      ListUploadsOptions o;
      o.prefix = word(2);
      if (rng() % 2) o.delimiter = alphabet[rng() % alphabet.size()];
      o.max_uploads = rng() % 12;
      if (rng() % 2) {
        const UploadRecord& at = all[rng() % all.size()];
        o.key_marker = rng() % 3 ? at.key : word(3);
        if (rng() % 2) o.upload_id_marker = at.upload_id;
      }
      auto got = store->ListUploads("bkt", o);
      REQUIRE(got.ok());
      UploadListing want = Model(all, o);
      CHECK(got->uploads == want.uploads);
      CHECK(got->common_prefixes == want.common_prefixes);
      CHECK(got->is_truncated == want.is_truncated);
      CHECK(got->next_key_marker == want.next_key_marker);
      CHECK(got->next_upload_id_marker == want.next_upload_id_marker);
    }
    // Paging through the markers lists every upload exactly once, in order.
    ListUploadsOptions page;
    page.max_uploads = 7;
    std::vector<UploadRecord> seen;
    for (int guard = 0; guard < 100; ++guard) {
      auto got = store->ListUploads("bkt", page);
      REQUIRE(got.ok());
      seen.insert(seen.end(), got->uploads.begin(), got->uploads.end());
      if (!got->is_truncated) break;
      page.key_marker = got->next_key_marker;
      page.upload_id_marker = got->next_upload_id_marker;
    }
    CHECK(seen == Model(all, {}).uploads);
  });
}

}  // namespace
}  // namespace bale::meta
