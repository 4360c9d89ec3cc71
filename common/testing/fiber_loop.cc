#include "common/testing/fiber_loop.h"

namespace bale::testing {

fiber::Scheduler FiberLoop::scheduler() {
  return [this](std::function<void()> resume) {
    {
      std::lock_guard lk(mu_);
      ready_.push_back(std::move(resume));
    }
    queued_.notify_one();
  };
}

size_t FiberLoop::RunReady() {
  size_t n = 0;
  for (;;) {
    std::function<void()> resume;
    {
      std::lock_guard lk(mu_);
      if (ready_.empty()) return n;
      resume = std::move(ready_.front());
      ready_.pop_front();
    }
    resume();
    n++;
  }
}

bool FiberLoop::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    {
      std::unique_lock lk(mu_);
      queued_.wait_until(lk, std::min(deadline, std::chrono::steady_clock::now() +
                                                    std::chrono::milliseconds(100)),
                         [&] { return !ready_.empty(); });
    }
    RunReady();
  }
  return done();
}

}  // namespace bale::testing
