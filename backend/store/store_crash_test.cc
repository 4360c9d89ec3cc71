// Crash test: a writer process (testing/crash_writer.cc) is killed with
// SIGKILL at random moments, 24 times over the same volume; after each kill
// the volume is reopened and every acknowledged needle must be there,
// byte-exact, every acknowledged delete must hold, and every needle the
// volume holds must read back whole.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>

#include <doctest.h>

#include "backend/store/testing/needle_data.h"
#include "backend/store/volume.h"

namespace bale {
namespace {

using testing::NeedleCookie;
using testing::NeedleData;
using testing::NeedleSize;

constexpr size_t kMaxNeedle = 64 << 10;
enum class State { kWritten, kDeleting, kDeleted };

// Runs the writer for `millis`, kills it, returns everything it printed.
std::string RunAndKill(const std::string& exe, const std::string& dir, int seed, int millis) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(exe.c_str(), exe.c_str(), dir.c_str(), std::to_string(seed).c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[65536];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(millis);
  bool killed = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (!killed && left <= 0) {
      kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    poll(&p, 1, killed ? 1000 : static_cast<int>(std::max<long>(left, 1)));
    if (p.revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;  // the pipe closes once the process is gone
      out.append(buf, static_cast<size_t>(n));
    } else if (killed) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE_MESSAGE(WIFSIGNALED(status), "the writer exited by itself: status " << status);
  CHECK(WTERMSIG(status) == SIGKILL);
  return out;
}

TEST_CASE("SIGKILL at random points loses no acknowledged needle") {
  const char* exe = std::getenv("BALE_CRASH_WRITER");
  REQUIRE_MESSAGE(exe != nullptr, "BALE_CRASH_WRITER is not set (run through meson test)");
  char tmpl[] = "/tmp/bale-crash-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  std::map<NeedleKey, State> keys;
  std::mt19937 rng(20261121);
  size_t total_acked = 0;
  for (int run = 1; run <= 24; run++) {
    CAPTURE(run);
    std::string out = RunAndKill(exe, dir, run, 30 + static_cast<int>(rng() % 220));
    std::istringstream lines(out);
    char what;
    NeedleKey key;
    while (lines >> what >> key) {
      if (what == 'W')
        keys[key] = State::kWritten, total_acked++;
      else if (what == 'd')
        keys[key] = State::kDeleting;
      else if (what == 'D')
        keys[key] = State::kDeleted;
    }
    auto v = Volume::Open(FileSystem::Posix(), Clock::Real(), dir, 1, {});
    REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    for (const auto& [k, state] : keys) {
      auto got = (*v)->Read(k, NeedleCookie(k));
      CAPTURE(k);
      if (state == State::kWritten) {
        REQUIRE_MESSAGE(got.ok(), got.status().ToString());
        REQUIRE(*got == NeedleData(k, NeedleSize(k, kMaxNeedle)));
      } else if (state == State::kDeleted) {
        REQUIRE(got.status().code() == Code::kNotFound);
      } else if (got.ok()) {  // a delete in flight at the kill: either outcome
        REQUIRE(*got == NeedleData(k, NeedleSize(k, kMaxNeedle)));
      }
    }
    // Needles written but not yet acknowledged may exist; they must be whole.
    size_t present = 0;
    std::vector<NeedleKey> all;
    (*v)->ForEachNeedle([&](NeedleKey k, uint32_t) { all.push_back(k); });
    for (NeedleKey k : all) {
      auto got = (*v)->Read(k, NeedleCookie(k));
      REQUIRE_MESSAGE(got.ok(), got.status().ToString());
      REQUIRE(*got == NeedleData(k, NeedleSize(k, kMaxNeedle)));
      present++;
    }
    CHECK(present >= static_cast<size_t>(std::count_if(keys.begin(), keys.end(), [](const auto& e) {
            return e.second == State::kWritten;
          })));
  }
  MESSAGE("acknowledged writes checked across 24 kills: " << total_acked);
  CHECK(total_acked > 100);  // the writer really ran
  std::string cmd = "rm -rf " + dir;
  REQUIRE(system(cmd.c_str()) == 0);
}

}  // namespace
}  // namespace bale
