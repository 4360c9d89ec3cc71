#include "common/periodic.h"

#include "doctest.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace bale {
namespace {

using namespace std::chrono_literals;

// Waits (at most 10 s) until `passes` reaches `n`; returns whether it did.
bool WaitForPasses(const std::atomic<int>& passes, int n) {
  for (int i = 0; i < 10'000 && passes.load() < n; i++) std::this_thread::sleep_for(1ms);
  return passes.load() >= n;
}

TEST_CASE("PeriodicThread: a pass at once, then one per Wake, none after Stop") {
  std::atomic<int> passes{0};
  PeriodicThread loop;
  loop.Start(
      std::chrono::hours(1), [&] { passes++; }, /*background=*/false);
  REQUIRE(WaitForPasses(passes, 1));
  std::this_thread::sleep_for(50ms);
  CHECK(passes.load() == 1);  // the interval is an hour: no second pass on its own
  loop.Wake();
  REQUIRE(WaitForPasses(passes, 2));
  std::this_thread::sleep_for(50ms);
  CHECK(passes.load() == 2);
  CHECK_FALSE(loop.stopping());
  loop.Stop();
  CHECK(loop.stopping());
  loop.Wake();
  std::this_thread::sleep_for(20ms);
  CHECK(passes.load() == 2);
}

TEST_CASE("PeriodicThread: wait_first runs the first pass only on Wake (or after an interval)") {
  std::atomic<int> passes{0};
  PeriodicThread loop;
  loop.Start(std::chrono::hours(1), [&] { passes++; }, /*background=*/false, /*wait_first=*/true);
  std::this_thread::sleep_for(50ms);
  CHECK(passes.load() == 0);
  loop.Wake();
  REQUIRE(WaitForPasses(passes, 1));
  loop.Stop();
  CHECK(passes.load() == 1);
}

TEST_CASE("PeriodicThread: passes repeat every interval; Stop waits for the pass under way") {
  std::atomic<int> passes{0};
  std::atomic<bool> in_pass{false}, saw_stopping{false};
  PeriodicThread loop;
  loop.Start(1ms, [&] {
    in_pass = true;
    passes++;
    if (passes.load() == 3) {  // a long pass: Stop() must wait for it to look and return
      while (!loop.stopping()) std::this_thread::sleep_for(1ms);
      saw_stopping = true;
    }
    in_pass = false;
  });
  REQUIRE(WaitForPasses(passes, 3));
  loop.Stop();
  CHECK(saw_stopping.load());
  CHECK_FALSE(in_pass.load());
  CHECK(passes.load() == 3);
}

}  // namespace
}  // namespace bale
