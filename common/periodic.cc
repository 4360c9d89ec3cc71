#include "common/periodic.h"

#include "common/thread_priority.h"

namespace bale {

void PeriodicThread::Start(std::chrono::milliseconds interval, std::function<void()> pass,
                           bool background, bool wait_first) {
  thread_ = std::thread([this, interval, pass = std::move(pass), background, wait_first] {
    if (background) MakeThisThreadBackground();
    std::unique_lock lk(mu_);
    if (wait_first) wake_.wait_for(lk, interval, [this] { return stopping_ || woken_; });
    while (!stopping_) {
      woken_ = false;
      lk.unlock();
      pass();
      lk.lock();
      wake_.wait_for(lk, interval, [this] { return stopping_ || woken_; });
    }
  });
}

void PeriodicThread::Wake() {
  {
    std::lock_guard lk(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void PeriodicThread::Stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PeriodicThread::stopping() const {
  std::lock_guard lk(mu_);
  return stopping_;
}

}  // namespace bale
