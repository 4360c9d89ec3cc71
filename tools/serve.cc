#include "tools/serve.h"

#include <signal.h>

#include <charconv>
#include <chrono>
#include <cstdio>

#include "backend/store/http/store_http_server.h"
#include "backend/store/store.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/log.h"

namespace bale::tools {
namespace {

// "127.0.0.1:9000" -> host, port.
bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  if (host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  std::string_view p(listen.data() + colon + 1, listen.size() - colon - 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), *port);
  return ec == std::errc() && end == p.data() + p.size();
}

}  // namespace

int RunServe(const ServeOptions& o) {
  auto started = std::chrono::steady_clock::now();
  StoreHttpServerOptions http;
  if (!SplitHostPort(o.listen, &http.host, &http.port)) {
    std::fprintf(stderr, "bale: --listen '%s' is not HOST:PORT\n", o.listen.c_str());
    return 2;
  }
  http.io_threads = o.io_threads;
  http.worker_threads = o.worker_threads;

  StoreOptions so;
  so.drives =
      o.drives.empty() ? std::vector<std::string>{JoinPath(o.data_dir, "drive0")} : o.drives;
  so.volume.size_limit = o.volume_size;

  // Block the signals before any thread starts, so only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto store = Store::Open(FileSystem::Posix(), Clock::Real(), so);
  if (!store.ok()) {
    BALE_LOG(kError) << "cannot open the store: " << store.status();
    return 1;
  }
  auto volumes = (*store)->Stats();
  if (volumes.empty()) {
    for (int i = 1; i <= o.initial_volumes; i++) {
      if (Status st = (*store)->CreateVolume(static_cast<VolumeId>(i)); !st.ok()) {
        BALE_LOG(kError) << "cannot create volume " << i << ": " << st;
        return 1;
      }
    }
    volumes = (*store)->Stats();
  }
  size_t failed = 0;
  for (const auto& v : volumes) failed += v.ok ? 0 : 1;

  StoreHttpServer server(store->get(), http);
  if (Status st = server.Start(); !st.ok()) {
    BALE_LOG(kError) << "cannot listen on " << o.listen << ": " << st;
    return 1;
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  BALE_LOG(kInfo) << "bale store serving " << volumes.size() << " volumes (" << failed
                  << " failed) on " << so.drives.size() << " drive(s); store API on http://"
                  << http.host << ":" << server.port() << "/v1/status; ready in "
                  << static_cast<int>(ms) << " ms";
  int sig = 0;
  sigwait(&stop_signals, &sig);
  BALE_LOG(kInfo) << "signal " << sig << ": draining requests in flight";
  server.Stop();
  BALE_LOG(kInfo) << "stopped";
  return 0;
}

}  // namespace bale::tools
