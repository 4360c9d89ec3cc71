#include "common/fiber.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/fiber_loop.h"
#include "doctest.h"

namespace bale::fiber {
namespace {

using testing::FiberLoop;  // resumptions run when the test drains them

TEST_CASE("a thread waits on an Event set by another thread") {
  Event e;
  int value = 0;
  std::thread setter([&] {
    value = 42;
    e.Set();
  });
  e.Wait();
  CHECK(value == 42);
  CHECK(e.IsSet());
  setter.join();
  e.Wait();  // set: returns at once
}

TEST_CASE("a fiber suspends on Wait, its thread goes on, and Set resumes it through its scheduler") {
  FiberLoop q;
  Event e;
  std::vector<std::string> log;
  bool done = false;
  CHECK_FALSE(InFiber());
  Start(
      [&] {
        CHECK(InFiber());
        log.push_back("before wait");
        e.Wait();
        log.push_back("after wait");
      },
      q.scheduler(), [&] {
        CHECK_FALSE(InFiber());
        done = true;
      });
  // Start returned at the wait; nothing was scheduled yet.
  CHECK(log == std::vector<std::string>{"before wait"});
  CHECK_FALSE(done);
  CHECK(q.RunReady() == 0);
  CHECK_FALSE(InFiber());

  e.Set();
  CHECK(log.size() == 1);  // Set only schedules
  CHECK(q.RunReady() == 1);
  CHECK(log == std::vector<std::string>{"before wait", "after wait"});
  CHECK(done);
}

TEST_CASE("RunBlocking: inline on a thread; on another thread for a fiber, which waits for it") {
  const std::thread::id test_thread = std::this_thread::get_id();
  std::thread::id ran_on;
  RunBlocking([&] { ran_on = std::this_thread::get_id(); });
  CHECK(ran_on == test_thread);

  FiberLoop q;
  std::mutex held;  // taken by the blocking work: it runs whole on its own thread
  std::vector<std::string> log;
  bool done = false;
  Start(
      [&] {
        RunBlocking([&] {
          std::lock_guard lk(held);
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          ran_on = std::this_thread::get_id();
          log.push_back("blocking work");
        });
        log.push_back("fiber after");
      },
      q.scheduler(), [&] { done = true; });
  CHECK_FALSE(done);  // Start returned while the work ran elsewhere
  REQUIRE(q.RunUntil([&] { return done; }, std::chrono::seconds(10)));
  CHECK(ran_on != test_thread);
  CHECK(log == std::vector<std::string>{"blocking work", "fiber after"});
}

TEST_CASE("a fiber whose Event is already set does not suspend") {
  FiberLoop q;
  Event e;
  e.Set();
  bool done = false;
  Start([&] { e.Wait(); }, q.scheduler(), [&] { done = true; });
  CHECK(done);
  CHECK(q.RunReady() == 0);
}

TEST_CASE("many fibers woken from other threads all finish, each exactly once") {
  constexpr int kFibers = 200;
  FiberLoop q;
  std::vector<std::unique_ptr<Event>> events;
  for (int i = 0; i < kFibers; i++) events.push_back(std::make_unique<Event>());
  std::vector<int> finished(kFibers, 0);
  std::vector<int> woke(kFibers, 0);
  for (int i = 0; i < kFibers; i++)
    Start(
        [&, i] {
          events[i]->Wait();  // set concurrently below: either order must work
          woke[i]++;
          Event second;  // and a second wait, on the fiber's own stack
          std::thread([&second] { second.Set(); }).detach();
          second.Wait();
        },
        q.scheduler(), [&, i] { finished[i]++; });
  std::vector<std::thread> setters;
  for (int t = 0; t < 4; t++)
    setters.emplace_back([&, t] {
      for (int i = t; i < kFibers; i += 4) events[i]->Set();
    });
  for (auto& t : setters) t.join();
  q.RunUntil(
      [&] {
        for (int f : finished)
          if (f != 1) return false;
        return true;
      },
      std::chrono::seconds(30));
  for (int i = 0; i < kFibers; i++) {
    CHECK(woke[i] == 1);
    CHECK(finished[i] == 1);
  }
}

}  // namespace
}  // namespace bale::fiber
