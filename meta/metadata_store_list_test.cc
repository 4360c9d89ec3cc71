// ListObjects against S3's rules: by examples from s3-tests, by a brute-force
// model over random keys and parameters, and by how many rows it reads.
#include <random>
#include <set>

#include <doctest.h>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"
#include "meta/testing/each_kv_engine.h"
#include "meta/testing/forwarding_kv_store.h"
#include "meta/testing/object_records.h"

namespace bale::meta {
namespace {

using testing::ForEachKvEngine;
using testing::MakeBucket;
using testing::MakeObject;

struct Page {
  std::vector<std::string> keys;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string next_marker;
  bool operator==(const Page&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Page& p) {
  os << "keys[";
  for (const auto& k : p.keys) os << PrintableKey(k) << " ";
  os << "] prefixes[";
  for (const auto& k : p.prefixes) os << PrintableKey(k) << " ";
  return os << "] truncated=" << p.truncated << " next=" << PrintableKey(p.next_marker);
}

Page List(MetadataStore& store, std::string prefix, std::string delimiter, std::string start_after,
          size_t max_keys) {
  auto listing = store.ListObjects("b", {prefix, delimiter, start_after, max_keys});
  REQUIRE(listing.ok());
  Page page{{}, listing->common_prefixes, listing->is_truncated, listing->next_marker};
  for (const auto& o : listing->objects) page.keys.push_back(o.key);
  return page;
}

// S3's listing, the slow and obvious way.
Page ModelList(const std::set<std::string>& keys, const ListObjectsOptions& o) {
  Page page;
  std::vector<std::pair<std::string, bool>> items;  // (key or prefix, is prefix)
  for (const std::string& key : keys) {
    if (!key.starts_with(o.prefix) || key <= o.start_after) continue;
    size_t at = o.delimiter.empty() ? std::string::npos : key.find(o.delimiter, o.prefix.size());
    if (at == std::string::npos) {
      items.emplace_back(key, false);
      continue;
    }
    std::string cp = key.substr(0, at + o.delimiter.size());
    if (cp <= o.start_after) continue;
    if (!items.empty() && items.back() == std::make_pair(cp, true)) continue;
    items.emplace_back(cp, true);
  }
  page.truncated = items.size() > o.max_keys;
  if (page.truncated) items.resize(o.max_keys);
  for (const auto& [item, is_prefix] : items)
    (is_prefix ? page.prefixes : page.keys).push_back(item);
  if (page.truncated) page.next_marker = items.back().first;
  return page;
}

std::unique_ptr<MetadataStore> StoreWithKeys(KvStore& kv, const std::vector<std::string>& keys) {
  auto store = MetadataStore::Open(&kv);
  REQUIRE(store.ok());
  REQUIRE((*store)->CreateBucket(MakeBucket("b", "alice")).ok());
  for (const auto& key : keys) REQUIRE((*store)->PutObject("b", MakeObject(key, 1)).ok());
  return std::move(*store);
}

TEST_CASE("s3-tests: delimiter and prefix, paged one and two at a time") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = StoreWithKeys(kv, {"asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla"});
    CHECK(List(*store, "", "/", "", 1) == Page{{"asdf"}, {}, true, "asdf"});
    CHECK(List(*store, "", "/", "asdf", 1) == Page{{}, {"boo/"}, true, "boo/"});
    CHECK(List(*store, "", "/", "boo/", 1) == Page{{}, {"cquux/"}, false, ""});
    CHECK(List(*store, "", "/", "", 2) == Page{{"asdf"}, {"boo/"}, true, "boo/"});
    CHECK(List(*store, "", "/", "boo/", 2) == Page{{}, {"cquux/"}, false, ""});
    CHECK(List(*store, "boo/", "/", "", 1) == Page{{"boo/bar"}, {}, true, "boo/bar"});
    CHECK(List(*store, "boo/", "/", "boo/bar", 1) == Page{{}, {"boo/baz/"}, false, ""});
    CHECK(List(*store, "boo/", "/", "", 2) == Page{{"boo/bar"}, {"boo/baz/"}, false, ""});
  });
}

TEST_CASE("max_keys: zero returns nothing untruncated; truncation is exact at the boundary") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = StoreWithKeys(kv, {"bar", "baz", "foo", "quxx"});
    CHECK(List(*store, "", "", "", 0) == Page{});
    CHECK(List(*store, "", "", "", 1) == Page{{"bar"}, {}, true, "bar"});
    CHECK(List(*store, "", "", "", 3) == Page{{"bar", "baz", "foo"}, {}, true, "foo"});
    CHECK(List(*store, "", "", "", 4) == Page{{"bar", "baz", "foo", "quxx"}, {}, false, ""});
    CHECK(List(*store, "", "", "", 5) == Page{{"bar", "baz", "foo", "quxx"}, {}, false, ""});
    CHECK(List(*store, "", "", "foo", 1) == Page{{"quxx"}, {}, false, ""});
    CHECK(List(*store, "", "", "quxx", 1) == Page{});
    CHECK(List(*store, "", "", "zzz", 10) == Page{});
    CHECK(List(*store, "ba", "", "", 2) == Page{{"bar", "baz"}, {}, false, ""});
    CHECK(List(*store, "ba", "", "a", 1) == Page{{"bar"}, {}, true, "bar"});  // before prefix
    CHECK(List(*store, "b", "", "bar", 10) == Page{{"baz"}, {}, false, ""});
    CHECK(List(*store, "nope", "/", "", 10) == Page{});
    // Common prefixes count toward max_keys like keys.
    CHECK(List(*store, "", "a", "", 1) == Page{{}, {"ba"}, true, "ba"});
    CHECK(List(*store, "", "a", "", 2) == Page{{"foo"}, {"ba"}, true, "foo"});
    CHECK(List(*store, "", "a", "", 3) == Page{{"foo", "quxx"}, {"ba"}, false, ""});
  });
}

TEST_CASE("a delimiter groups nested keys once, and multi-byte delimiters work") {
  ForEachKvEngine([](KvStore& kv) {
    auto store = StoreWithKeys(
        kv, {"a/1", "a/b/2", "a/b/c/3", "a/b/c/4", "a/d/5", "a/e", "b", "c//d", "x--y--z", "x--w"});
    CHECK(List(*store, "", "/", "", 100) ==
          Page{{"b", "x--w", "x--y--z"}, {"a/", "c/"}, false, ""});
    CHECK(List(*store, "a/", "/", "", 100) == Page{{"a/1", "a/e"}, {"a/b/", "a/d/"}, false, ""});
    CHECK(List(*store, "a/b/", "/", "", 100) == Page{{"a/b/2"}, {"a/b/c/"}, false, ""});
    CHECK(List(*store, "a/b", "/", "", 100) == Page{{}, {"a/b/"}, false, ""});
    CHECK(List(*store, "c/", "/", "", 100) == Page{{}, {"c//"}, false, ""});
    CHECK(List(*store, "x", "--", "", 100) == Page{{}, {"x--"}, false, ""});
    CHECK(List(*store, "x--", "--", "", 100) == Page{{"x--w"}, {"x--y--"}, false, ""});
    // start_after inside a common prefix: the prefix was returned already.
    CHECK(List(*store, "", "/", "a/b/c/3", 100) ==
          Page{{"b", "x--w", "x--y--z"}, {"c/"}, false, ""});
    CHECK(List(*store, "a/", "/", "a/b/", 1) == Page{{}, {"a/d/"}, true, "a/d/"});
  });
}

TEST_CASE("keys with NUL, 0x01, 0xFF and UTF-8 list in UTF-8 binary order") {
  ForEachKvEngine([](KvStore& kv) {
    std::vector<std::string> keys = {std::string("a\0", 2),
                                     std::string("a\0\0", 3),
                                     std::string("a\x01", 2),
                                     std::string("a/\0", 3),
                                     "a/\xff",
                                     "a\xff",
                                     "a\xff\xff",
                                     "\xc3\xa9t\xc3\xa9",
                                     "\xe6\x97\xa5\xe6\x9c\xac/\xe8\xaa\x9e",
                                     "\xff"};
    auto store = StoreWithKeys(kv, keys);
    std::set<std::string> sorted(keys.begin(), keys.end());
    CHECK(List(*store, "", "", "", 100).keys ==
          std::vector<std::string>(sorted.begin(), sorted.end()));
    CHECK(List(*store, std::string("a\0", 2), "", "", 100).keys ==
          (std::vector<std::string>{std::string("a\0", 2), std::string("a\0\0", 3)}));
    CHECK(List(*store, "a\xff", "", "", 100).keys ==
          (std::vector<std::string>{"a\xff", "a\xff\xff"}));
    CHECK(List(*store, "\xff", "", "", 100).keys == std::vector<std::string>{"\xff"});
    CHECK(List(*store, "", std::string("\0", 1), "", 100) ==
          Page{{"a\x01", "a/\xff", "a\xff", "a\xff\xff", "\xc3\xa9t\xc3\xa9",
                "\xe6\x97\xa5\xe6\x9c\xac/\xe8\xaa\x9e", "\xff"},
               {std::string("a\0", 2), std::string("a/\0", 3)},
               false,
               ""});
    CHECK(List(*store, "\xe6\x97\xa5", "/", "", 100) ==
          Page{{}, {"\xe6\x97\xa5\xe6\x9c\xac/"}, false, ""});
    CHECK(List(*store, "", "", std::string("a\0", 2), 1) ==
          Page{{std::string("a\0\0", 3)}, {}, true, std::string("a\0\0", 3)});
  });
}

TEST_CASE("random keys and parameters match the model, and paging covers it exactly") {
  ForEachKvEngine([](KvStore& kv) {
    std::mt19937 rng(2024);
    const std::string alphabet[] = {"a", "b", "/", "-", std::string("\0", 1), "\xff", "\xc3\xa9"};
    auto random_string = [&](size_t max_len) {
      std::string s;
      for (size_t n = rng() % (max_len + 1); n > 0; --n) s += alphabet[rng() % 7];
      return s;
    };
    std::set<std::string> keys;
    while (keys.size() < 300) {
      std::string k = random_string(6);
      if (!k.empty()) keys.insert(k);
    }
    auto store = StoreWithKeys(kv, std::vector<std::string>(keys.begin(), keys.end()));
    for (int trial = 0; trial < 300; ++trial) {
      ListObjectsOptions o{random_string(2), trial % 3 == 0 ? "" : alphabet[rng() % 7],
                           trial % 2 == 0 ? "" : random_string(3), 1 + rng() % 20};
      if (trial % 5 == 0) o.delimiter = "/-";
      CAPTURE(PrintableKey(o.prefix));
      CAPTURE(PrintableKey(o.delimiter));
      CAPTURE(PrintableKey(o.start_after));
      CAPTURE(o.max_keys);
      CHECK(List(*store, o.prefix, o.delimiter, o.start_after, o.max_keys) == ModelList(keys, o));
      // Following next_marker page by page gives the whole listing once.
      ListObjectsOptions all = o;
      all.max_keys = 100000;
      Page whole = ModelList(keys, all);
      Page joined;
      Page page;
      std::string marker = o.start_after;
      do {
        page = List(*store, o.prefix, o.delimiter, marker, o.max_keys);
        joined.keys.insert(joined.keys.end(), page.keys.begin(), page.keys.end());
        joined.prefixes.insert(joined.prefixes.end(), page.prefixes.begin(), page.prefixes.end());
        marker = page.next_marker;
      } while (page.truncated);
      CHECK(joined.keys == whole.keys);
      CHECK(joined.prefixes == whole.prefixes);
    }
  });
}

// Counts the rows Scan returns, to see what a listing reads.
class CountingKvStore : public testing::ForwardingKvStore {
 public:
  using ForwardingKvStore::ForwardingKvStore;
  Result<std::vector<KvPair>> Scan(std::string_view start, std::string_view end,
                                   size_t limit) override {
    auto rows = inner_.Scan(start, end, limit);
    if (rows.ok()) rows_read += rows->size();
    ++scans;
    return rows;
  }
  size_t rows_read = 0;
  size_t scans = 0;
};

TEST_CASE("a common prefix is skipped by seeking past it, not by reading its keys") {
  testing::MemoryKvStore memory;
  CountingKvStore kv(memory);
  auto store = MetadataStore::Open(&kv);
  REQUIRE(store.ok());
  REQUIRE((*store)->CreateBucket(MakeBucket("b", "alice")).ok());
  // Three "directories" of 2,000 keys each, then a few plain keys. Written
  // through the engine directly: the test is about reading.
  auto bucket = (*store)->GetBucket("b").value();
  KvBatch batch;
  for (std::string dir : {"d1/", "d2/", "d3/"}) {
    for (int i = 0; i < 2000; ++i) {
      std::string key = dir + std::to_string(100000 + i);
      batch.Put(rows::Object(bucket.bucket_id, key), EncodeObject(MakeObject(key, 1)));
    }
  }
  for (std::string key : {"e1", "e2", "e3"}) {
    batch.Put(rows::Object(bucket.bucket_id, key), EncodeObject(MakeObject(key, 1)));
  }
  REQUIRE(memory.Write(batch).ok());

  kv.rows_read = 0;
  auto listing = (*store)->ListObjects("b", {"", "/", "", 1000});
  REQUIRE(listing.ok());
  CHECK(listing->common_prefixes == std::vector<std::string>{"d1/", "d2/", "d3/"});
  CHECK(listing->objects.size() == 3);
  CHECK_FALSE(listing->is_truncated);
  CHECK(kv.rows_read < 100);  // of 6,003 rows

  kv.rows_read = 0;
  auto flat = (*store)->ListObjects("b", {"d2/", "", "", 1000});
  REQUIRE(flat.ok());
  CHECK(flat->objects.size() == 1000);
  CHECK(flat->is_truncated);
  CHECK(kv.rows_read == 1001);  // the page and one row to know it is truncated
}

}  // namespace
}  // namespace bale::meta
