// HttpStoreClient: a StoreClient that calls a StoreHttpServer over HTTP/1.1.
//
// Errors come back with the code the store returned (read from the JSON error
// body, else from the X-Bale-Error-Code field, else from the HTTP status), so
// callers cannot tell it from a LocalStoreClient by its Status values. Failures
// of the transport itself: UNAVAILABLE (cannot connect, connection broken),
// DEADLINE_EXCEEDED (no answer within the timeout), INTERNAL (an answer that
// is not the store API's).
//
// Connections are kept alive and reused from a small pool. A request that
// fails on a reused connection before any byte of the answer arrived (the
// server closed it while idle) is sent once more on a new connection.
//
// Thread-safety: thread-safe; calls run in parallel, one connection each.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/store/store_client.h"

namespace bale {

struct HttpStoreClientOptions {
  // The longest a request may take from connect to the end of the answer.
  std::chrono::milliseconds timeout{30'000};
  // Compaction rewrites a whole volume, so it gets longer.
  std::chrono::milliseconds compact_timeout{3'600'000};
  // Idle connections kept for reuse; more are opened when calls overlap.
  size_t max_idle_connections = 16;
};

class HttpStoreClient : public StoreClient {
 public:
  HttpStoreClient(std::string host, uint16_t port, HttpStoreClientOptions options = {});
  ~HttpStoreClient() override;

  ::bale::Status CreateVolume(VolumeId vid) override;
  ::bale::Status Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) override;
  Result<std::string> Get(VolumeId vid, NeedleKey key, Cookie cookie) override;
  Result<NeedleMeta> Head(VolumeId vid, NeedleKey key, Cookie cookie) override;
  ::bale::Status Delete(VolumeId vid, NeedleKey key, Cookie cookie) override;
  ::bale::Status Seal(VolumeId vid) override;
  ::bale::Status Compact(VolumeId vid) override;
  Result<std::vector<VolumeStats>> Status() override;

 private:
  class Connection;
  struct Call;
  struct Answer;

  // Sends `call` and returns the server's answer (of any HTTP status), or a
  // transport error.
  Result<Answer> RoundTrip(const Call& call);
  // Sends `call` and turns an answer that is not a 2xx into its Status.
  Result<Answer> Send(const Call& call);
  std::unique_ptr<Connection> TakeIdle();
  void ReturnIdle(std::unique_ptr<Connection> conn);

  const std::string host_;
  const uint16_t port_;
  const HttpStoreClientOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // (mu_)
};

}  // namespace bale
