// A loopback HTTP server for tests of the admin client: it answers each
// connection with the next canned response, in order, and records what it
// was sent. One request per connection, like the client.
//
// A request with no answer queued gets 500. Thread-safety: Expect() before the
// client runs; requests() after it is done (the serving thread owns the
// records until then: Stop() joins it).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/request.h"

namespace bale::admin::testing {

struct RecordedRequest {
  auth::SignedRequest head;
  std::string body;
};

class FakeHttpServer {
 public:
  FakeHttpServer();
  ~FakeHttpServer() { Stop(); }

  // Queues an answer: status line reason derived from `status`; a body is
  // sent as application/json.
  void Expect(int status, std::string body);

  // "http://127.0.0.1:PORT"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Stops serving and returns what came in.
  const std::vector<RecordedRequest>& requests() {
    Stop();
    return requests_;
  }

  void Stop();

 private:
  void Serve();
  void ServeOne(int connection);

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::deque<std::pair<int, std::string>> answers_;  // guarded by mu_
  std::vector<RecordedRequest> requests_;            // serving thread only until Stop
  std::thread thread_;
};

}  // namespace bale::admin::testing
