// crash_writer DIR SEED: writes needles into volume 1 under DIR from 8 threads
// until killed. After each acknowledged write it prints "W <key>"; before a
// delete "d <key>", after an acknowledged delete "D <key>". One write(2) per
// line, so every line that reaches the pipe describes a finished call. Used by
// store_crash_test.cc, which kills it with SIGKILL at random moments.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "backend/store/testing/needle_data.h"
#include "backend/store/volume.h"

namespace {

constexpr size_t kMaxNeedle = 64 << 10;

void Say(char what, bale::NeedleKey key) {
  std::string line = std::string(1, what) + " " + std::to_string(key) + "\n";
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    std::_Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_writer DIR SEED\n");
    return 2;
  }
  using namespace bale;
  std::string dir = argv[1];
  uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  FileSystem* fs = FileSystem::Posix();
  auto v = fs->Exists(JoinPath(dir, "1.dat")) ? Volume::Open(fs, Clock::Real(), dir, 1, {})
                                              : Volume::Create(fs, Clock::Real(), dir, 1, {});
  if (!v.ok()) {
    std::fprintf(stderr, "crash_writer: %s\n", v.status().ToString().c_str());
    return 1;
  }
  Volume* vol = v->get();
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 8; t++) {
    threads.emplace_back([vol, seed, t] {
      for (uint64_t i = 0;; i++) {
        NeedleKey key = seed * 10'000'000 + t * 1'000'000 + i;
        std::string data = testing::NeedleData(key, testing::NeedleSize(key, kMaxNeedle));
        Status st = vol->Write(key, testing::NeedleCookie(key), data);
        if (!st.ok()) {
          std::fprintf(stderr, "crash_writer: %s\n", st.ToString().c_str());
          std::_Exit(1);
        }
        Say('W', key);
        if (i % 5 == 4) {
          NeedleKey victim = key - 2;
          Say('d', victim);
          if (vol->Delete(victim, testing::NeedleCookie(victim)).ok()) Say('D', victim);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
}
