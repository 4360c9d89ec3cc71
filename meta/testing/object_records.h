// Small builders of records for tests.
#pragma once

#include <cstdint>
#include <string>

#include "meta/records.h"

namespace bale::meta::testing {

// An object of `size` bytes in one chunk (none when empty), with an ETag and
// a last-modified time derived from the inputs.
inline ObjectRecord MakeObject(std::string key, uint64_t size, uint64_t needle_key = 1) {
  ObjectRecord o;
  o.key = std::move(key);
  o.size = size;
  o.etag = "d41d8cd98f00b204e9800998ecf8427e";
  o.last_modified_micros = 1'700'000'000'000'000 + static_cast<int64_t>(size);
  if (size > 0) o.chunks.push_back(Chunk{1, needle_key, 0xC0FFEE, size});
  return o;
}

inline BucketRecord MakeBucket(std::string name, std::string owner) {
  BucketRecord b;
  b.name = std::move(name);
  b.owner_user_id = std::move(owner);
  b.created_micros = 1'700'000'000'000'000;
  return b;
}

}  // namespace bale::meta::testing
