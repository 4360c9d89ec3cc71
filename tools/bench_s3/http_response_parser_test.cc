#include "tools/bench_s3/http_response_parser.h"

#include <doctest.h>

#include <string>

namespace bale::bench_s3 {
namespace {

// Feeds `text` in pieces of `step` bytes; returns the bytes consumed.
size_t FeedInPieces(HttpResponseParser& p, std::string_view text, size_t step) {
  size_t used = 0;
  while (used < text.size() && !p.done() && !p.failed()) {
    size_t n = std::min(step, text.size() - used);
    size_t took = p.Feed(text.data() + used, n);
    used += took;
    if (took < n) break;
  }
  return used;
}

const std::string kOk4 =
    "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nETag: \"x\"\r\nx-amz-request-id: 1\r\n\r\nabcd";

TEST_CASE("a response with Content-Length, whole or split at every byte") {
  for (size_t step : {kOk4.size(), size_t{1}, size_t{3}, size_t{7}}) {
    HttpResponseParser p;
    p.Reset(false);
    CHECK(FeedInPieces(p, kOk4, step) == kOk4.size());
    REQUIRE(p.done());
    CHECK(p.status() == 200);
    CHECK(p.body_bytes() == 4);
    CHECK(p.body().empty());  // bodies of successes are counted, not kept
    CHECK(p.keep_alive());
  }
}

TEST_CASE("bytes after the end of a response are not consumed") {
  std::string two = kOk4 + "HTTP/1.1 204 No Content\r\n\r\n";
  HttpResponseParser p;
  p.Reset(false);
  CHECK(p.Feed(two.data(), two.size()) == kOk4.size());
  CHECK(p.done());
  p.Reset(false);
  CHECK(p.Feed(two.data() + kOk4.size(), two.size() - kOk4.size()) == two.size() - kOk4.size());
  CHECK(p.done());
  CHECK(p.status() == 204);
}

TEST_CASE("the answer to HEAD has no body whatever its Content-Length says") {
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n";
  HttpResponseParser p;
  p.Reset(/*head_request=*/true);
  CHECK(p.Feed(head.data(), head.size()) == head.size());
  CHECK(p.done());
  CHECK(p.body_bytes() == 0);
}

TEST_CASE("an S3 error body is kept and its code found") {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The "
      "specified key does not exist.</Message></Error>";
  std::string text = "HTTP/1.1 404 Not Found\r\nContent-Type: application/xml\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body;
  HttpResponseParser p;
  p.Reset(false);
  CHECK(FeedInPieces(p, text, 5) == text.size());
  REQUIRE(p.done());
  CHECK(p.status() == 404);
  CHECK(p.body() == body);
  CHECK(S3ErrorCode(p.body()) == "NoSuchKey");
  CHECK(S3ErrorCode("<Error><Message>x</Message></Error>").empty());
  CHECK(S3ErrorCode("<Code>Slow").empty());
}

TEST_CASE("kept bodies stop at their limit but are counted whole") {
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
  HttpResponseParser p;
  p.Reset(false, /*keep_body_bytes=*/4);
  CHECK(p.Feed(text.data(), text.size()) == text.size());
  CHECK(p.done());
  CHECK(p.body() == "0123");
  CHECK(p.body_bytes() == 10);
}

TEST_CASE("chunked bodies are decoded, with extensions and trailers, in any split") {
  std::string text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nx-trailer: 1\r\n\r\n";
  for (size_t step : {text.size(), size_t{1}, size_t{2}, size_t{6}}) {
    HttpResponseParser p;
    p.Reset(false, 1 << 10);
    CHECK(FeedInPieces(p, text, step) == text.size());
    REQUIRE(p.done());
    CHECK(p.body() == "hello, world");
    CHECK(p.body_bytes() == 12);
  }
}

TEST_CASE("100 Continue is skipped and the final answer read") {
  std::string text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  HttpResponseParser p;
  p.Reset(false, 16);
  CHECK(FeedInPieces(p, text, 4) == text.size());
  REQUIRE(p.done());
  CHECK(p.status() == 200);
  CHECK(p.body() == "ok");
}

TEST_CASE("Connection: close and HTTP/1.0 end keep-alive; a body without length ends at EOF") {
  HttpResponseParser p;
  std::string close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  p.Reset(false);
  p.Feed(close.data(), close.size());
  CHECK(p.done());
  CHECK_FALSE(p.keep_alive());

  std::string old = "HTTP/1.0 200 OK\r\n\r\nuntil the end";
  p.Reset(false, 100);
  CHECK(p.Feed(old.data(), old.size()) == old.size());
  CHECK_FALSE(p.done());
  p.FinishAtEof();
  CHECK(p.done());
  CHECK(p.body() == "until the end");
  CHECK_FALSE(p.keep_alive());
}

TEST_CASE("EOF in the middle of an answer is a failure, not an answer") {
  HttpResponseParser p;
  p.Reset(false);
  p.FinishAtEof();
  CHECK(p.failed());
  CHECK(p.error() == "connection closed before an answer");
  std::string part = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
  p.Reset(false);
  p.Feed(part.data(), part.size());
  p.FinishAtEof();
  CHECK(p.failed());
  CHECK(p.error() == "connection closed in the middle of an answer");
}

TEST_CASE("malformed answers fail with the reason") {
  struct Case {
    std::string text, error;
  } cases[] = {
      {"HTTP/2 200 OK\r\n\r\n", "malformed status line"},
      {"ICY 200 OK\r\n\r\n", "malformed status line"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed status code"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "malformed header line"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       "malformed Content-Length"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
       "chunk data longer than its size"},
  };
  for (const Case& c : cases) {
    HttpResponseParser p;
    p.Reset(false);
    p.Feed(c.text.data(), c.text.size());
    CHECK_MESSAGE(p.failed(), c.text);
    CHECK(p.error() == c.error);
  }
  HttpResponseParser p;
  p.Reset(false);
  std::string endless = "HTTP/1.1 200 OK\r\n" + std::string(HttpResponseParser::kMaxHeadBytes, 'x');
  p.Feed(endless.data(), endless.size());
  CHECK(p.failed());
  CHECK(p.error() == "answer head too long");
}

TEST_CASE("one parser reused for many responses does not carry state over") {
  HttpResponseParser p;
  std::string err = "HTTP/1.1 503 Slow Down\r\nContent-Length: 5\r\n\r\nslow!";
  p.Reset(false);
  p.Feed(err.data(), err.size());
  CHECK(p.body() == "slow!");
  p.Reset(false);
  p.Feed(kOk4.data(), kOk4.size());
  CHECK(p.done());
  CHECK(p.status() == 200);
  CHECK(p.body().empty());
}

}  // namespace
}  // namespace bale::bench_s3
