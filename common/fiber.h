// Fibers: synchronous code that waits without holding a thread.
//
// A fiber is a function run on a stack of its own (Boost.Context). Start()
// runs it on the calling thread until it first waits on an Event or returns;
// the thread then goes on with other work. When the Event is set, the fiber is
// handed to the Scheduler it was started with (the gateway posts it to the
// connection's strand) and runs on from where it waited.
//
// Code below the gateway stays synchronous: Event::Wait() suspends the fiber
// when there is one and blocks the thread (a futex) when there is not. So the
// same Volume and metadata code serves worker threads and fibers; the parts
// that must never run on a fiber's thread (a group commit's pwrite and
// fdatasync) ask InFiber() and hand the work to a thread of their own.
//
// Rules for code that may run in a fiber: hold no mutex across a wait
// (another fiber on the same thread may want it, and that thread would block
// for good), and keep waits that are not Events short (the thread serves
// other connections meanwhile).
//
// Thread-safety: Event::Set() from any thread; a fiber runs on one thread at a
// time, resumed wherever its Scheduler runs it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace bale::fiber {

// Runs a resumption later, on the fiber's home (it must not run it inline).
using Scheduler = std::function<void(std::function<void()>)>;

// Starts `body` as a fiber on this thread; returns when it first waits or
// ends. `done` runs after `body` has returned, on the thread that ran its
// end, off the fiber's stack. `body` must not throw.
void Start(std::function<void()> body, Scheduler schedule, std::function<void()> done);

// True while the calling code runs in a fiber.
bool InFiber();

// Runs `fn` where it may block on the disk: at once on a thread; in a fiber,
// on a thread of a small shared pool while the fiber waits, so the thread
// serving the fiber's connections is not stopped. For rare blocking work
// (creating a volume, a journal fsync). `fn` may take mutexes: it runs
// whole on one thread.
void RunBlocking(const std::function<void()>& fn);

// A one-shot event.
class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Returns once Set() has been called: a fiber is suspended meanwhile, a
  // thread sleeps. One waiter at most.
  void Wait();
  // Wakes the waiter. Once; the waiter may destroy the Event as soon as this
  // is called, so nothing here touches it after the wake.
  void Set();
  bool IsSet() const { return state_.load(std::memory_order_acquire) == kSet; }

 private:
  enum : uint32_t { kEmpty, kSet, kThreadWaits, kFiberWaits };
  std::atomic<uint32_t> state_{kEmpty};
  void* fiber_ = nullptr;  // the waiting fiber, written before kFiberWaits
};

}  // namespace bale::fiber
