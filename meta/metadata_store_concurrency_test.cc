// Racing writers: the usage counter must equal a full recount afterwards.
#include <atomic>
#include <random>
#include <set>
#include <thread>

#include <doctest.h>

#include "meta/metadata_store.h"
#include "meta/testing/each_kv_engine.h"
#include "meta/testing/object_records.h"

namespace bale::meta {
namespace {

using testing::ForEachKvEngine;
using testing::MakeBucket;
using testing::MakeObject;

TEST_CASE("8 threads overwriting and deleting the same keys keep usage exact") {
  ForEachKvEngine([](KvStore& kv) {
    auto opened = MetadataStore::Open(&kv);
    REQUIRE(opened.ok());
    MetadataStore& store = **opened;
    REQUIRE(store.CreateBucket(MakeBucket("b", "alice")).ok());
    REQUIRE(store.CreateBucket(MakeBucket("quiet", "alice")).ok());
    constexpr int kThreads = 8;
    constexpr int kOpsEach = 150;
    constexpr int kKeys = 5;  // few keys: most operations collide
    std::atomic<int> unexpected{0};
    // Bytes each thread saw its own puts replace and its deletes remove.
    std::atomic<int64_t> garbage_bytes{0};
    std::atomic<int64_t> written_bytes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(t);
        for (int i = 0; i < kOpsEach; ++i) {
          std::string key = "k" + std::to_string(rng() % kKeys);
          if (rng() % 3 == 0) {
            auto deleted = store.DeleteObject("b", key);
            if (deleted.ok()) {
              garbage_bytes += static_cast<int64_t>(deleted->size);
            } else if (deleted.status().code() != Code::kNotFound) {
              unexpected++;
            }
          } else {
            uint64_t size = rng() % 1000;
            auto replaced = store.PutObject("b", MakeObject(key, size, t * kOpsEach + i));
            if (!replaced.ok()) {
              unexpected++;
              continue;
            }
            written_bytes += static_cast<int64_t>(size);
            if (replaced->has_value()) garbage_bytes += static_cast<int64_t>((*replaced)->size);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(unexpected.load() == 0);
    UsageRecord recount = store.RecountUsage("b").value();
    CHECK(store.GetUsage("b").value() == recount);
    // Every byte written is either live or was handed back exactly once as garbage.
    CHECK(written_bytes.load() == recount.bytes + garbage_bytes.load());
    CHECK(store.GetUsage("quiet").value() == UsageRecord{0, 0});
  });
}

TEST_CASE("racing If-None-Match puts of one key: exactly one is written") {
  ForEachKvEngine([](KvStore& kv) {
    auto opened = MetadataStore::Open(&kv);
    REQUIRE(opened.ok());
    MetadataStore& store = **opened;
    REQUIRE(store.CreateBucket(MakeBucket("b", "alice")).ok());
    auto if_none_match = [](const std::optional<ObjectRecord>& current) -> Status {
      return current ? FailedPreconditionError("exists") : Status::Ok();
    };
    for (int round = 0; round < 10; ++round) {
      const std::string key = "k" + std::to_string(round);
      std::atomic<int> written{0};
      std::atomic<int> refused{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
          auto put = store.PutObject("b", MakeObject(key, 1 + t), if_none_match);
          if (put.ok()) written++;
          if (put.status().code() == Code::kFailedPrecondition) refused++;
        });
      }
      for (auto& t : threads) t.join();
      CHECK(written.load() == 1);
      CHECK(refused.load() == 7);
    }
    CHECK(store.GetUsage("b").value().objects == 10);
    CHECK(store.GetUsage("b").value() == store.RecountUsage("b").value());
  });
}

TEST_CASE("racing creates of one bucket name: exactly one wins, ids stay unique") {
  ForEachKvEngine([](KvStore& kv) {
    auto opened = MetadataStore::Open(&kv);
    REQUIRE(opened.ok());
    MetadataStore& store = **opened;
    constexpr int kThreads = 8;
    std::atomic<int> won{0};
    std::atomic<int> exists{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto created = store.CreateBucket(MakeBucket("contested", "user" + std::to_string(t)));
        if (created.ok()) won++;
        if (created.status().code() == Code::kAlreadyExists) exists++;
        // Each thread also creates its own bucket; all ids must differ.
        if (!store.CreateBucket(MakeBucket("own" + std::to_string(t), "u")).ok()) exists += 100;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(won.load() == 1);
    CHECK(exists.load() == kThreads - 1);
    std::set<uint64_t> ids;
    std::vector<BucketRecord> buckets = store.ListBuckets("u").value();
    for (const auto& b : buckets) ids.insert(b.bucket_id);
    ids.insert(store.GetBucket("contested").value().bucket_id);
    CHECK(ids.size() == kThreads + 1);
  });
}

}  // namespace
}  // namespace bale::meta
