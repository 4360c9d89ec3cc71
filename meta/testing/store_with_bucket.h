// A MetadataStore over a test's KvStore, holding one bucket.
#pragma once

#include <memory>
#include <string>

#include <doctest.h>

#include "meta/metadata_store.h"
#include "meta/testing/object_records.h"

namespace bale::meta::testing {

inline std::unique_ptr<MetadataStore> OpenWithBucket(KvStore& kv, std::string bucket = "bkt",
                                                     std::string owner = "alice") {
  auto store = MetadataStore::Open(&kv);
  REQUIRE(store.ok());
  REQUIRE((*store)->CreateBucket(MakeBucket(std::move(bucket), std::move(owner))).ok());
  return std::move(*store);
}

}  // namespace bale::meta::testing
