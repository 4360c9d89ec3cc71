#include "common/buffer_pool.h"

#include <doctest.h>

namespace bale::buffers {
namespace {

// The pool is process-wide: each case empties it first.
void Drain() {
  while (PooledCount() > 0) TakeUninitialized(kMinPooled);
}

TEST_CASE("a buffer given back is taken again, shrunk to the size asked, with no fill") {
  Drain();
  std::string a = TakeUninitialized(1 << 20);
  CHECK(a.size() == 1 << 20);
  a.assign(1 << 20, 'x');
  const char* where = a.data();
  GiveBack(std::move(a));
  CHECK(PooledCount() == 1);
  CHECK(PooledBytes() == 1 << 20);
  std::string b = TakeUninitialized(300000);
  CHECK(b.data() == where);  // the same memory
  CHECK(b.size() == 300000);
  CHECK(b == std::string(300000, 'x'));  // left as it was: nothing filled it
  CHECK(PooledCount() == 0);
  // Given back at its full capacity again.
  GiveBack(std::move(b));
  CHECK(PooledBytes() == 1 << 20);
  Drain();
}

TEST_CASE("the smallest buffer that holds the size is taken; none fits: a fresh zeroed one") {
  Drain();
  GiveBack(std::string(4 << 20, 'b'));
  GiveBack(std::string(1 << 20, 's'));
  CHECK(TakeUninitialized(100000)[0] == 's');
  CHECK(TakeUninitialized(2 << 20)[0] == 'b');
  std::string fresh = TakeUninitialized(2 << 20);
  CHECK(fresh == std::string(2 << 20, '\0'));
  CHECK(PooledCount() == 0);
}

TEST_CASE("small buffers are not kept, and the pool keeps its bounds") {
  Drain();
  GiveBack(std::string(kMinPooled - 1, 'a'));
  CHECK(PooledCount() == 0);
  CHECK(TakeUninitialized(100) == std::string(100, '\0'));
  for (size_t i = 0; i < kMaxPooled + 4; i++) GiveBack(std::string(kMinPooled, 'c'));
  CHECK(PooledCount() == kMaxPooled);
  Drain();
  for (int i = 0; i < 4; i++) GiveBack(std::string(kMaxPooledBytes / 3, 'd'));
  CHECK(PooledCount() == 3);
  CHECK(PooledBytes() == 3 * (kMaxPooledBytes / 3));
  Drain();
}

}  // namespace
}  // namespace bale::buffers
