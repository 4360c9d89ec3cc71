// BlockingClient: one keep-alive connection with blocking sockets, for the
// few requests around a benchmark (create the bucket, delete objects in
// batches, delete the bucket). The load itself goes through ClientLoop.
//
// Thread-safety: none; one per thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "tools/bench_s3/endpoint.h"
#include "tools/bench_s3/http_response_parser.h"
#include "tools/bench_s3/request_head.h"
#include "tools/bench_s3/request_signer.h"

namespace bale::bench_s3 {

struct Answer {
  int status = 0;
  std::string body;
  // The S3 error code of the body, or "HTTP <status>" when it has none.
  std::string ErrorCode() const;
};

class BlockingClient {
 public:
  BlockingClient(const Endpoint& endpoint, const auth::SigningCredentials& credentials,
                 Clock* clock, std::chrono::milliseconds timeout);
  ~BlockingClient();
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  // Sends one request and reads its answer (any status). UNAVAILABLE when the
  // endpoint cannot be reached or the exchange fails; a kept-alive connection
  // the server had closed is reopened once.
  Result<Answer> Send(const RequestHead& head, std::string_view body = {});

 private:
  Status Connect();
  Status Exchange(std::string_view body, Answer* answer);
  void Close();

  const Endpoint& endpoint_;
  Clock* clock_;
  std::chrono::milliseconds timeout_;
  RequestSigner signer_;
  HttpResponseParser parser_;
  std::string head_bytes_;
  int fd_ = -1;
};

}  // namespace bale::bench_s3
