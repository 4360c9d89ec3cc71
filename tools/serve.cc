#include "tools/serve.h"

#include <signal.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>

#include "backend/directory/directory.h"
#include "backend/store/http/store_http_server.h"
#include "backend/store/compaction_worker.h"
#include "backend/store/erasure_worker.h"
#include "backend/store/store.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/log.h"
#include "gateway/s3_server.h"
#include "gateway/s3_service.h"
#include "gateway/orphan_sweep.h"
#include "gateway/upload_expiry.h"
#include "meta/metadata_store.h"
#include "meta/rocks_kv_store.h"
#include "tools/root_user.h"

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

// Blocks SIGINT and SIGTERM in every thread started after this, so that only
// WaitForStopSignal() sees them.
sigset_t BlockStopSignals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  return s;
}

void WaitForStopSignal(const sigset_t& s) {
  int sig = 0;
  sigwait(&s, &sig);
  BALE_LOG(kInfo) << "signal " << sig << ": draining requests in flight";
}

Result<std::unique_ptr<Store>> OpenStore(const ServeOptions& o) {
  StoreOptions so;
  so.drives =
      o.drives.empty() ? std::vector<std::string>{JoinPath(o.data_dir, "drive0")} : o.drives;
  so.volume.size_limit = o.volume_size;
  if (o.ec.empty()) {
    so.ec = DefaultErasureScheme(so.drives.size());
  } else if (o.ec != "none") {
    ASSIGN_OR_RETURN(so.ec, ParseErasureScheme(o.ec));
  }
  so.ec.block_size = o.ec_block_size;
  so.replicas = so.ec.k > 0 ? so.ec.m + 1 : 1;
  ASSIGN_OR_RETURN(auto store, Store::Open(FileSystem::Posix(), Clock::Real(), so));
  if (store->Stats().empty()) {
    for (int i = 1; i <= o.initial_volumes; i++)
      RETURN_IF_ERROR(store->CreateVolume(static_cast<VolumeId>(i)));
  }
  size_t failed = 0, total = 0;
  for (const auto& v : store->Stats()) {
    total++;
    failed += v.ok ? 0 : 1;
  }
  BALE_LOG(kInfo) << "store: " << total << " volumes (" << failed << " failed) on "
                  << so.drives.size() << " drive(s)"
                  << (so.ec.k > 0 ? "; writable volumes kept as " + std::to_string(so.replicas) +
                                        " copies, sealed ones coded RS(" +
                                        std::to_string(so.ec.k) + "," + std::to_string(so.ec.m) + ")"
                                  : std::string());
  return store;
}

Result<std::unique_ptr<StoreHttpServer>> StartStoreServer(Store* store, const std::string& listen,
                                                          const ServeOptions& o) {
  StoreHttpServerOptions http;
  if (!SplitHostPort(listen, &http.host, &http.port))
    return InvalidArgumentError("'" + listen + "' is not HOST:PORT");
  http.io_threads = o.io_threads;
  http.worker_threads = std::min(o.worker_threads, 16);
  auto server = std::make_unique<StoreHttpServer>(store, http);
  RETURN_IF_ERROR(server->Start());
  return server;
}

double MillisSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int RunStore(const ServeOptions& o) {
  auto started = std::chrono::steady_clock::now();
  sigset_t stop = BlockStopSignals();
  auto store = OpenStore(o);
  if (!store.ok()) {
    BALE_LOG(kError) << "cannot open the store: " << store.status();
    return 1;
  }
  auto server = StartStoreServer(store->get(), o.listen, o);
  if (!server.ok()) {
    BALE_LOG(kError) << "store API: " << server.status();
    return 1;
  }
  BALE_LOG(kInfo) << "bale store ready in " << static_cast<int>(MillisSince(started))
                  << " ms; store API on http://" << o.listen << "/v1/status";
  WaitForStopSignal(stop);
  (*server)->Stop();
  BALE_LOG(kInfo) << "stopped";
  return 0;
}

int RunServe(const ServeOptions& o) {
  auto started = std::chrono::steady_clock::now();
  s3::S3ServerOptions http;
  if (!SplitHostPort(o.listen, &http.host, &http.port)) {
    std::fprintf(stderr, "bale: --listen '%s' is not HOST:PORT\n", o.listen.c_str());
    return 2;
  }
  http.io_threads = o.io_threads;
  http.worker_threads = o.worker_threads;
  http.read_worker_threads = o.read_worker_threads;
  sigset_t stop = BlockStopSignals();

  if (Status st = FileSystem::Posix()->CreateDirs(o.data_dir); !st.ok()) {
    BALE_LOG(kError) << "data directory: " << st;
    return 1;
  }
  auto store = OpenStore(o);
  if (!store.ok()) {
    BALE_LOG(kError) << "cannot open the store: " << store.status();
    return 1;
  }
  auto directory = Directory::Open(store->get(), Clock::Real());
  auto kv = meta::OpenRocksKvStore(JoinPath(o.data_dir, "meta"));
  if (!directory.ok() || !kv.ok()) {
    BALE_LOG(kError) << "cannot open the metadata: "
                     << (kv.ok() ? directory.status() : kv.status());
    return 1;
  }
  auto metadata = meta::MetadataStore::Open(kv->get());
  if (!metadata.ok()) {
    BALE_LOG(kError) << "cannot open the metadata: " << metadata.status();
    return 1;
  }
  auto root = EnsureRootUser(metadata->get(), Clock::Real(), o.data_dir);
  if (!root.ok()) {
    BALE_LOG(kError) << "root user: " << root.status();
    return 1;
  }
  if (root->generated) {
    std::fprintf(stderr,
                 "\nGenerated root credentials (kept in %s/root-credentials):\n"
                 "  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n\n",
                 o.data_dir.c_str(), root->access_key.c_str(), root->secret_key.c_str());
  }

  s3::S3ServiceOptions so;
  so.region = o.region;
  so.domains = o.domains;
  so.orphan_grace = o.orphan_grace;
  CompactionWorkerOptions co;
  co.min_garbage_ratio = o.compact_garbage_ratio;
  co.min_garbage_bytes = o.compact_min_garbage;
  co.max_bytes_per_second = o.compact_rate;
  co.interval = o.compact_interval;
  CompactionWorker compactor(store->get(), co);
  ErasureWorkerOptions eo;
  eo.interval = o.ec_interval;
  eo.seal_idle = o.seal_idle;
  eo.encode_bytes_per_second = o.ec_rate;
  eo.scrub_interval = o.scrub_interval;
  eo.scrub_bytes_per_second = o.scrub_rate;
  ErasureWorker erasure(store->get(), eo);
  s3::S3Backends backends{metadata->get(), store->get(), directory->get(), Clock::Real(),
                          &compactor, &erasure};
  s3::OrphanSweeper sweeper(backends, {so.orphan_grace, o.orphan_interval});
  // With --orphan-grace 0 writes are not refused for their age, so no pass may
  // run, not even one asked for through the admin API.
  if (o.orphan_grace.count() > 0) backends.sweeper = &sweeper;
  s3::UploadReaper reaper(backends, {o.upload_expiry, std::min(o.upload_expiry / 4 + std::chrono::seconds(1),
                                                               std::chrono::seconds(3600))});
  s3::S3Service service(backends, so);
  http.runs_in_fiber = [&service](const s3::HttpRequestHead& h) { return service.RunsInFiber(h); };
  s3::S3Server server(http, [&service](const s3::HttpRequestHead& h, s3::RequestBody& b,
                                       s3::ResponseSink& s) { service.Handle(h, b, s); });
  if (Status st = server.Start(); !st.ok()) {
    BALE_LOG(kError) << "cannot listen on " << o.listen << ": " << st;
    return 1;
  }
  std::unique_ptr<StoreHttpServer> store_api;
  if (!o.store_listen.empty()) {
    auto started_api = StartStoreServer(store->get(), o.store_listen, o);
    if (!started_api.ok()) {
      BALE_LOG(kError) << "store API: " << started_api.status();
      return 1;
    }
    store_api = std::move(*started_api);
  }
  compactor.Start();
  if ((*store)->options().ec.k > 0) erasure.Start();
  if (o.upload_expiry.count() > 0) reaper.Start();
  if (o.orphan_grace.count() > 0) sweeper.Start();
  BALE_LOG(kInfo) << "bale serve ready in " << static_cast<int>(MillisSince(started))
                  << " ms: S3 on http://" << http.host << ":" << server.port() << " (region "
                  << o.region << "), data in " << o.data_dir;
  WaitForStopSignal(stop);
  server.Stop();
  if (store_api) store_api->Stop();
  reaper.Stop();
  sweeper.Stop();
  erasure.Stop();
  compactor.Stop();
  BALE_LOG(kInfo) << "stopped";
  return 0;
}

}  // namespace bale::tools
