// The plain types an S3 request handler sees: the request head, a blocking
// reader of the request body and a blocking sink for the response. No Beast
// here: handlers run on the worker pool and are tested without sockets
// (gateway/testing/ has in-memory implementations).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace bale::s3 {

struct HttpRequestHead {
  std::string method;  // "GET"
  std::string target;  // request-target as received: "/b/k%20x?acl"
  unsigned version = 11;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::optional<uint64_t> content_length;                    // absent when chunked
  bool chunked = false;                                      // Transfer-Encoding: chunked

  // First value of a header, case-insensitive; empty if absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

// The request body, read on demand. The first Read() answers
// "Expect: 100-continue", so a handler that refuses a request before reading
// its body never makes the client send it.
class RequestBody {
 public:
  virtual ~RequestBody() = default;
  // Reads up to `n` bytes; 0 at the end of the body. Transfer-Encoding:
  // chunked framing is already removed. UNAVAILABLE if the client went away
  // or timed out.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

struct HttpResponseHead {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  // For a streamed body: its length if known (else chunked encoding).
  std::optional<uint64_t> content_length;
};

// How a response that may take long is kept alive, the way S3 keeps a long
// CompleteMultipartUpload alive: if the handler has not answered `delay`
// after ResponseSink::StartKeepAlive(), the server sends `head` (its body
// streamed, chunked), then `preamble` and `filler`, then `filler` again every
// `interval`, until the handler calls StopKeepAlive(). What the handler then
// writes follows in the same body, so the whole body must still parse:
// `preamble` is what must come first (an XML declaration: whitespace before
// one is not well-formed XML), `filler` what the client's parser skips.
struct KeepAlive {
  HttpResponseHead head;
  std::string preamble;
  std::string filler = " ";
  std::chrono::milliseconds delay{1000};
  std::chrono::milliseconds interval{1000};
};

// Where a handler sends its one response: whole with Send(), or streamed with
// Begin(), Write()..., End(). For HEAD requests, 204 and 304 no body is sent
// whatever the handler passes (Content-Length is kept).
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The whole response. Content-Length is head.content_length if set (a HEAD
  // answer), else the body's size. The server may write it after the handler
  // returns, so Send() itself never waits on the network.
  virtual Status Send(const HttpResponseHead& head, std::string body) = 0;
  virtual Status Begin(const HttpResponseHead& head) = 0;
  virtual Status Write(std::string_view chunk) = 0;
  // As Write(), but the sink keeps the bytes and may return before they are
  // sent, once the previous such write is out: the caller prepares its next
  // chunk while this one goes out. At most one is in flight; every other call
  // on the sink waits for it first.
  virtual Status WriteOwned(std::string chunk) { return Write(chunk); }
  virtual Status End() = 0;
  // True once a response has been started.
  virtual bool started() const = 0;

  // Starts keeping the response alive (see KeepAlive) while the handler
  // works on. Until StopKeepAlive() the handler must not touch the sink. A
  // sink may not support it (the default): then nothing is sent early.
  virtual void StartKeepAlive(KeepAlive keep_alive) { (void)keep_alive; }
  // Stops the keep-alive. True if its head went out: the response has started
  // and the handler finishes it with Write() and End(). False if nothing was
  // sent: the handler answers as usual. Idempotent.
  virtual bool StopKeepAlive() { return false; }
};

}  // namespace bale::s3
