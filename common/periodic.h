// PeriodicThread: the loop of every background worker (compaction, erasure
// coding, upload expiry, orphan sweep): one thread that runs a pass at once
// (or after a first interval), then again `interval` after each pass ends, or
// sooner when woken, until stopped.
//
// Thread-safety: thread-safe. Stop() from inside a pass would deadlock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace bale {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts the thread; `background` gives it nice 19 and idle I/O priority
  // (MakeThisThreadBackground); `wait_first` waits one interval (or a Wake)
  // before the first pass. Call at most once.
  void Start(std::chrono::milliseconds interval, std::function<void()> pass,
             bool background = true, bool wait_first = false);
  // Runs the next pass now (or right after the one under way).
  void Wake();
  // Makes stopping() true and waits for the pass under way to return.
  void Stop();
  // Whether Stop() was called: long passes look at it to return early.
  bool stopping() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // mu_
  bool woken_ = false;     // mu_
  std::thread thread_;
};

}  // namespace bale
