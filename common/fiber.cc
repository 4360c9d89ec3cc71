#include "common/fiber.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

namespace bale::fiber {
namespace {

namespace ctx = boost::context;

// Handlers parse XML, sign and call RocksDB: 256 KiB with a guard page below.
constexpr size_t kStackBytes = 256 << 10;
constexpr size_t kPooledStacks = 256;

// Stacks are kept for reuse: mmap and mprotect per request would cost more
// than the switches they serve.
class StackPool {
 public:
  ctx::stack_context Allocate() {
    {
      std::lock_guard lk(mu_);
      if (!free_.empty()) {
        ctx::stack_context sc = free_.back();
        free_.pop_back();
        return sc;
      }
    }
    return alloc_.allocate();
  }
  void Deallocate(ctx::stack_context& sc) {
    {
      std::lock_guard lk(mu_);
      if (free_.size() < kPooledStacks) {
        free_.push_back(sc);
        return;
      }
    }
    alloc_.deallocate(sc);
  }

 private:
  std::mutex mu_;
  std::vector<ctx::stack_context> free_;
  ctx::protected_fixedsize_stack alloc_{kStackBytes};
};

StackPool& Stacks() {
  static StackPool* pool = new StackPool;  // never destroyed: fibers may end during exit
  return *pool;
}

struct PooledStack {
  ctx::stack_context allocate() { return Stacks().Allocate(); }
  void deallocate(ctx::stack_context& sc) { Stacks().Deallocate(sc); }
};

struct Fiber {
  ctx::fiber self;    // the fiber while it is not running
  ctx::fiber caller;  // where it switches back to while it runs
  std::function<void()> body;
  Scheduler schedule;
  std::function<void()> done;
  // Run by Resume() once the fiber is off its stack: publishing "I wait"
  // any earlier could let another thread resume a fiber still running.
  std::function<void()> after_switch;
  bool finished = false;
};

thread_local Fiber* current = nullptr;

// Not inlined, so no caller keeps a thread-local's address across a switch
// (a fiber may be resumed on another thread).
[[gnu::noinline]] Fiber* Current() { return current; }
[[gnu::noinline]] Fiber* SetCurrent(Fiber* f) { return std::exchange(current, f); }

void Resume(Fiber* f) {
  Fiber* prev = SetCurrent(f);
  f->self = std::move(f->self).resume();
  SetCurrent(prev);
  if (f->finished) {
    std::function<void()> done = std::move(f->done);
    delete f;
    done();
    return;
  }
  std::function<void()> hook = std::exchange(f->after_switch, nullptr);
  hook();  // may hand the fiber to another thread: f is not touched after
}

// Switches off the running fiber; `hook` runs on the thread once it is off.
void SuspendThen(std::function<void()> hook) {
  Fiber* f = Current();
  f->after_switch = std::move(hook);
  f->caller = std::move(f->caller).resume();
}

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
}

}  // namespace

void Start(std::function<void()> body, Scheduler schedule, std::function<void()> done) {
  auto* f = new Fiber;
  f->body = std::move(body);
  f->schedule = std::move(schedule);
  f->done = std::move(done);
  f->self = ctx::fiber(std::allocator_arg, PooledStack(), [f](ctx::fiber&& caller) {
    f->caller = std::move(caller);
    f->body();
    f->body = nullptr;  // its captures die on the fiber's stack, not after it
    f->finished = true;
    return std::move(f->caller);
  });
  Resume(f);
}

bool InFiber() { return Current() != nullptr; }

void RunBlocking(const std::function<void()>& fn) {
  if (!InFiber()) return fn();
  // Never destroyed: its threads may still be at work while the process exits.
  static boost::asio::thread_pool* pool = new boost::asio::thread_pool(2);
  Event done;
  boost::asio::post(*pool, [&] {
    fn();
    done.Set();
  });
  done.Wait();
}

void Event::Wait() {
  if (state_.load(std::memory_order_acquire) == kSet) return;
  if (Fiber* f = Current()) {
    fiber_ = f;
    SuspendThen([this, f] {
      uint32_t expected = kEmpty;
      if (!state_.compare_exchange_strong(expected, kFiberWaits, std::memory_order_acq_rel))
        f->schedule([f] { Resume(f); });  // set meanwhile: go on at once
    });
    return;
  }
  uint32_t expected = kEmpty;
  if (!state_.compare_exchange_strong(expected, kThreadWaits, std::memory_order_acq_rel)) return;
  while (state_.load(std::memory_order_acquire) == kThreadWaits) FutexWait(&state_, kThreadWaits);
}

void Event::Set() {
  uint32_t before = state_.exchange(kSet, std::memory_order_acq_rel);
  if (before == kThreadWaits) {
    FutexWake(&state_);  // the waiter may be gone already: a wake of nothing is harmless
  } else if (before == kFiberWaits) {
    // The suspended waiter cannot go on until scheduled: the Event is still here.
    auto* f = static_cast<Fiber*>(fiber_);
    f->schedule([f] { Resume(f); });
  }
}

}  // namespace bale::fiber
