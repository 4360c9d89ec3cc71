// HttpResponseParser: an incremental HTTP/1.1 response parser for a
// keep-alive client. Feed it bytes as they arrive; it reads the status line
// and the headers it needs (Content-Length, Transfer-Encoding: chunked,
// Connection), skips 1xx interim answers, and counts the body without keeping
// it, unless asked to keep it (error bodies, listings): up to a limit, the
// rest is still counted. HEAD answers and 204/304 have no body; an answer with
// neither length nor chunking ends when the connection does (FinishAtEof).
//
// Thread-safety: none; one per connection. Reset() reuses its buffers, so a
// long-lived parser does not allocate per response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bale::bench_s3 {

class HttpResponseParser {
 public:
  // Longest head (status line and headers) accepted.
  static constexpr size_t kMaxHeadBytes = 64 << 10;

  // Starts on a new response. `head_request`: the request was HEAD, so no
  // body follows whatever the headers say. Up to `keep_body_bytes` of the body
  // are kept in body(); `keep_error_body_bytes` instead when the status is
  // 300 or more.
  void Reset(bool head_request, size_t keep_body_bytes = 0,
             size_t keep_error_body_bytes = 64 << 10);

  // Consumes bytes of the response; returns how many it used. It uses fewer
  // than `size` only when the response completed (or failed) before the end:
  // the rest belongs to whatever follows.
  size_t Feed(const char* data, size_t size);
  // The peer closed the connection: completes a body read until EOF, or fails.
  void FinishAtEof();

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  // Why it failed: "malformed status line", ...
  std::string_view error() const { return error_; }

  int status() const { return status_; }
  // Body bytes received (decoded from chunks).
  uint64_t body_bytes() const { return body_bytes_; }
  const std::string& body() const { return body_; }
  // False after "Connection: close", an HTTP/1.0 answer, or a body read to EOF.
  bool keep_alive() const { return keep_alive_; }

 private:
  enum class State {
    kHead,
    kBody,  // body_remaining_ bytes left
    kBodyToEof,
    kChunkSize,     // reading "hex[;ext]\r\n" into line_
    kChunkData,     // body_remaining_ bytes of chunk left
    kChunkDataEnd,  // the CRLF after a chunk's data, into line_
    kTrailer,       // trailer lines after the last chunk, into line_
    kDone,
    kFailed,
  };

  size_t FeedHead(const char* data, size_t size);
  // Parses a complete head (ending in CRLF CRLF); false and failed on error.
  bool ParseHead(std::string_view head);
  void StartBody();
  size_t FeedBody(const char* data, size_t size);
  // Appends to line_ up to and including '\n'; true when a line is complete.
  bool TakeLine(const char* data, size_t size, size_t* used);
  void KeepBody(const char* data, size_t size);
  void Fail(std::string_view why);

  State state_ = State::kHead;
  bool head_request_ = false;
  size_t keep_body_bytes_ = 0;
  size_t keep_error_body_bytes_ = 0;
  size_t keep_limit_ = 0;  // for this response, once the status is known
  int status_ = 0;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool has_length_ = false;
  uint64_t content_length_ = 0;
  uint64_t body_remaining_ = 0;
  uint64_t body_bytes_ = 0;
  std::string head_;  // a head split across reads
  std::string line_;  // a chunk-size or trailer line split across reads
  std::string body_;
  std::string_view error_;
};

// The <Code> of an S3 error body ("NoSuchKey"); empty when there is none.
std::string_view S3ErrorCode(std::string_view body);

}  // namespace bale::bench_s3
