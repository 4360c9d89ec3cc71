// FiberLoop: a fiber::Scheduler for tests whose resumptions run on the
// test's own thread when the test drains them, so every fiber of a test
// stays on that thread, as a connection's fibers stay on its strand.
//
// Thread-safety: the scheduler may be called from any thread; RunReady()
// and RunUntil() from the test's thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "common/fiber.h"

namespace bale::testing {

class FiberLoop {
 public:
  fiber::Scheduler scheduler();
  // Runs the resumptions queued now, and those they queue; returns how many.
  size_t RunReady();
  // Runs resumptions as they are queued until `done()` holds or `timeout`
  // passes; returns done().
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable queued_;
  std::deque<std::function<void()>> ready_;
};

}  // namespace bale::testing
