#include "backend/store/needle_index.h"

#include <map>
#include <random>

#include <doctest.h>

namespace bale {
namespace {

TEST_CASE("index put, replace, get and remove") {
  NeedleIndex idx;
  CHECK_FALSE(idx.Put(IndexEntry{5, 10, 100}).has_value());
  auto old = idx.Put(IndexEntry{5, 20, 200});
  REQUIRE(old.has_value());
  CHECK(old->offset_units == 10);
  CHECK(idx.Get(5)->offset_units == 20);
  CHECK(idx.Get(5)->size == 200);
  CHECK_FALSE(idx.Get(6).has_value());
  CHECK(idx.size() == 1);
  CHECK(idx.Remove(5)->offset_units == 20);
  CHECK_FALSE(idx.Remove(5).has_value());
  CHECK_FALSE(idx.Get(5).has_value());
  CHECK(idx.size() == 0);
}

TEST_CASE("index agrees with std::map over random puts, replaces and removes") {
  NeedleIndex idx;
  std::map<NeedleKey, IndexEntry> model;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 300000; i++) {
    NeedleKey key = rng() % 50000;
    uint32_t r = static_cast<uint32_t>(rng());
    if (r % 5 == 0) {
      auto got = idx.Remove(key);
      CHECK(got.has_value() == (model.erase(key) == 1));
    } else {
      IndexEntry e{key, r | 1, r >> 8};
      auto got = idx.Put(e);
      CHECK(got.has_value() == (model.count(key) > 0));
      model[key] = e;
    }
  }
  REQUIRE(idx.size() == model.size());
  for (NeedleKey k = 0; k < 50000; k++) {
    auto got = idx.Get(k);
    auto it = model.find(k);
    REQUIRE(got.has_value() == (it != model.end()));
    if (got) {
      CHECK(got->offset_units == it->second.offset_units);
      CHECK(got->size == it->second.size);
    }
  }
  size_t visited = 0;
  idx.ForEach([&](const IndexEntry& e) {
    visited++;
    CHECK(model.at(e.key).offset_units == e.offset_units);
  });
  CHECK(visited == model.size());
}

TEST_CASE("builder applies a log in order: later records win, offset 0 deletes") {
  NeedleIndex::Builder b;
  b.Add({1, 10, 1});
  b.Add({2, 20, 2});
  b.Add({1, 30, 3});  // replaces key 1
  b.Add({2, 0, 0});   // deletes key 2
  b.Add({3, 40, 4});
  b.Add({3, 0, 0});
  b.Add({3, 50, 5});  // deleted, then written again
  auto idx = b.Finish();
  CHECK(idx->size() == 2);
  CHECK(idx->Get(1)->offset_units == 30);
  CHECK_FALSE(idx->Get(2).has_value());
  CHECK(idx->Get(3)->offset_units == 50);
}

TEST_CASE("index memory stays near 16 bytes a needle") {
  constexpr int kN = 1000000;
  std::mt19937_64 rng(7);
  NeedleIndex::Builder b;
  for (int i = 0; i < kN; i++) b.Add({rng(), static_cast<uint32_t>(i + 1), 4096});
  auto built = b.Finish();
  CHECK(built->size() == kN);
  double per = static_cast<double>(built->MemoryBytes()) / kN;
  CAPTURE(per);
  CHECK(per < 17.0);  // exactly-sized arrays, plus shard overhead

  NeedleIndex grown;  // the write path: deltas merged as they fill
  for (int i = 0; i < kN; i++) grown.Put({rng(), static_cast<uint32_t>(i + 1), 4096});
  double per_grown = static_cast<double>(grown.MemoryBytes()) / kN;
  CAPTURE(per_grown);
  CHECK(per_grown < 20.0);
}

}  // namespace
}  // namespace bale
