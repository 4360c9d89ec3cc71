#include "common/buffer_pool.h"

#include <mutex>
#include <vector>

namespace bale::buffers {
namespace {

struct Pool {
  std::mutex mu;
  std::vector<std::string> free;  // each one's size() is its capacity()
  size_t bytes = 0;
};

Pool& ThePool() {
  static Pool* pool = new Pool;  // never destroyed: threads may give back at exit
  return *pool;
}

}  // namespace

std::string TakeUninitialized(size_t n) {
  if (n >= kMinPooled) {
    Pool& p = ThePool();
    std::lock_guard lk(p.mu);
    size_t best = p.free.size();  // the smallest that holds n
    for (size_t i = 0; i < p.free.size(); i++)
      if (p.free[i].size() >= n &&
          (best == p.free.size() || p.free[i].size() < p.free[best].size()))
        best = i;
    if (best < p.free.size()) {
      std::string s = std::move(p.free[best]);
      p.free[best] = std::move(p.free.back());
      p.free.pop_back();
      p.bytes -= s.size();
      s.resize(n);  // shrinking: no fill
      return s;
    }
  }
  return std::string(n, '\0');
}

void GiveBack(std::string s) {
  if (s.capacity() < kMinPooled) return;
  s.resize(s.capacity());  // zero-fills only what lies past the old size, once
  Pool& p = ThePool();
  std::lock_guard lk(p.mu);
  if (p.free.size() >= kMaxPooled || p.bytes + s.size() > kMaxPooledBytes) return;
  p.bytes += s.size();
  p.free.push_back(std::move(s));
}

size_t PooledCount() {
  Pool& p = ThePool();
  std::lock_guard lk(p.mu);
  return p.free.size();
}

size_t PooledBytes() {
  Pool& p = ThePool();
  std::lock_guard lk(p.mu);
  return p.bytes;
}

}  // namespace bale::buffers
