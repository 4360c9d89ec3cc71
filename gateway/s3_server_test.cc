#include "gateway/s3_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <doctest.h>

#include "common/crc32c.h"
#include "common/fiber.h"

namespace bale::s3 {
namespace {

// A blocking client socket speaking raw HTTP, for exact control of framing.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~RawClient() { close(fd_); }
  void Send(std::string_view s) {
    while (!s.empty()) {
      ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may have closed: tests check what was read
      s.remove_prefix(static_cast<size_t>(n));
    }
  }
  // Reads until `needle` appears (and `extra` more bytes), EOF, or 5 s pass.
  std::string ReadUntil(std::string_view needle, size_t extra = 0) {
    for (;;) {
      auto at = got_.find(needle);
      if (at != std::string::npos && got_.size() >= at + needle.size() + extra) break;
      if (!ReadMore()) break;
    }
    return got_;
  }
  std::string ReadToEof() {
    while (ReadMore()) {
    }
    return got_;
  }
  void Clear() { got_.clear(); }

 private:
  bool ReadMore() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    got_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string got_;
};

// Test handler: "/echo" streams the body back with its CRC in a header
// ("/echo-owned" alternates WriteOwned and Write; "/owned-then-throw" throws
// with a WriteOwned in flight); "/refuse" answers 403 without reading;
// "/silent" answers nothing; "/count" reads and reports the byte count or the
// read error.
struct Handler {
  std::mutex mu;
  std::string last_error;
  void operator()(const HttpRequestHead& req, RequestBody& body, ResponseSink& sink) {
    if (req.target == "/refuse") {
      sink.Send({403, {{"Content-Type", "application/xml"}}, {}}, "<Error>no</Error>")
          .IgnoreError();
      return;
    }
    if (req.target == "/silent") return;
    if (req.target == "/slow-reads") {  // 1 MiB a Read, 5 ms apart: the body piles up
      std::string all(size_t{1} << 20, '\0');
      size_t got = 0, reads = 0;
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto n = body.Read(all.data() + got, all.size() - got);
        REQUIRE(n.ok());
        if (*n == 0) break;
        got += *n;
        reads++;
      }
      all.resize(got);
      sink.Send({200, {}, {}}, std::to_string(crc32c::Value(all)) + " " + std::to_string(reads))
          .IgnoreError();
      return;
    }
    std::string all;
    char buf[7000];  // odd size on purpose
    for (;;) {
      auto n = body.Read(buf, sizeof buf);
      if (!n.ok()) {
        std::lock_guard lk(mu);
        last_error = std::string(n.status().reason()) + ": " + std::string(n.status().message());
        if (req.target == "/count")  // says so, if the client still listens
          sink.Send({400, {}, {}}, last_error).IgnoreError();
        return;
      }
      if (*n == 0) break;
      all.append(buf, *n);
    }
    if (req.target == "/count") {
      sink.Send({200, {}, {}}, std::to_string(all.size())).IgnoreError();
      return;
    }
    HttpResponseHead head{200, {{"x-crc", std::to_string(crc32c::Value(all))}}, all.size()};
    REQUIRE(sink.Begin(head).ok());
    for (size_t i = 0, n = 0; i < all.size(); i += 10000, n++) {
      std::string_view piece = std::string_view(all).substr(i, 10000);
      if (req.target == "/owned-then-throw") {
        REQUIRE(sink.WriteOwned(std::string(piece)).ok());
        throw std::runtime_error("failed mid-stream");
      }
      if (req.target == "/echo-owned" && n % 3 != 2)
        REQUIRE(sink.WriteOwned(std::string(piece)).ok());
      else
        REQUIRE(sink.Write(piece).ok());
    }
    REQUIRE(sink.End().ok());
  }
};

struct Fixture {
  Handler handler;
  S3Server server{S3ServerOptions{}, [this](const HttpRequestHead& r, RequestBody& b,
                                            ResponseSink& s) { handler(r, b, s); }};
  Fixture() { REQUIRE(server.Start().ok()); }
};

std::string Body(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = static_cast<char>(i * 131 + 7);
  return s;
}

// PUTs bodies of several sizes to `target` on one kept-alive connection and
// checks each comes back whole, with its Content-Length and CRC.
void CheckEchoes(uint16_t port, const std::string& target, std::initializer_list<size_t> sizes) {
  RawClient c(port);
  for (size_t size : sizes) {
    CAPTURE(size);
    std::string body = Body(size);
    c.Send("PUT " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) +
           "\r\n\r\n");
    c.Send(body);
    std::string r = c.ReadUntil("\r\n\r\n", size);
    REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(r.find("x-crc: " + std::to_string(crc32c::Value(body)) + "\r\n") != std::string::npos);
    CHECK(r.find("Content-Length: " + std::to_string(size) + "\r\n") != std::string::npos);
    CHECK(r.substr(r.find("\r\n\r\n") + 4) == body);
    c.Clear();
  }
}

TEST_CASE("a body streams in and back out byte-exact, on a kept-alive connection") {
  Fixture f;
  CheckEchoes(f.server.port(), "/echo", {0, 1, 100000, 3 << 20});
}

TEST_CASE("a Read takes all of the body that has arrived, not one 16 KiB buffer of it") {
  Fixture f;
  RawClient c(f.server.port());
  std::string body = Body(1 << 20);
  c.Send("PUT /slow-reads HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n");
  c.Send(body);
  std::string r = c.ReadUntil("\r\n\r\n");
  REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
  auto length_at = r.find("Content-Length: ");
  REQUIRE(length_at != std::string::npos);
  r = c.ReadUntil("\r\n\r\n", std::stoul(r.substr(length_at + 16)));
  std::string tail = r.substr(r.find("\r\n\r\n") + 4);
  CHECK(tail.substr(0, tail.find(' ')) == std::to_string(crc32c::Value(body)));
  // Each read used to stop at the connection buffer's 16 KiB: 64 reads at least.
  CHECK(std::stoul(tail.substr(tail.find(' ') + 1)) <= 32);
}

TEST_CASE("WriteOwned returns before its bytes are out, and they still arrive whole and in order") {
  Fixture f;  // 10000-byte pieces: two WriteOwned, one Write, and again
  CheckEchoes(f.server.port(), "/echo-owned", {0, 10000, 25001, 3 << 20});
}

TEST_CASE("a handler that throws with a WriteOwned in flight: that piece goes out, then the close") {
  Fixture f;
  {
    RawClient c(f.server.port());
    std::string body = Body(50000);
    c.Send("PUT /owned-then-throw HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n");
    c.Send(body);
    std::string r = c.ReadToEof();
    REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(r.substr(r.find("\r\n\r\n") + 4) == body.substr(0, 10000));  // then EOF
  }
  RawClient c(f.server.port());  // and the server goes on serving
  c.Send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::string r = c.ReadUntil("\r\n\r\n", 3);
  CHECK(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.ends_with("\r\n\r\nabc"));
}

TEST_CASE("Transfer-Encoding: chunked request bodies arrive without their framing") {
  Fixture f;
  RawClient c(f.server.port());
  c.Send(
      "PUT /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n");
  std::string r = c.ReadUntil("\r\n\r\n", 2);
  REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.substr(r.find("\r\n\r\n") + 4) == "31");
}

TEST_CASE("Expect: 100-continue is answered only when the handler reads the body") {
  Fixture f;
  {
    RawClient c(f.server.port());
    c.Send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    std::string r = c.ReadUntil("\r\n\r\n");
    CHECK(r == "HTTP/1.1 100 Continue\r\n\r\n");
    c.Send("12345");
    r = c.ReadUntil("\r\n\r\n5");
    CHECK(r.substr(r.find("\r\n\r\n") + 4).starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(r.ends_with("\r\n\r\n5"));
  }
  {
    RawClient c(f.server.port());  // refused before the body: no 100, the answer, then close
    c.Send(
        "PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: "
        "100-continue\r\n\r\n");
    std::string r = c.ReadToEof();
    REQUIRE(r.starts_with("HTTP/1.1 403 Forbidden\r\n"));
    CHECK(r.find("100 Continue") == std::string::npos);
    CHECK(r.find("Connection: close\r\n") != std::string::npos);
    CHECK(r.ends_with("<Error>no</Error>"));
  }
}

// Regression: botocore sent PUT with Content-Length: 0 and Expect:
// 100-continue, got an error, reused the connection, and its next PUT's body
// never came (60 s stall). A final answer without a 100 now closes.
TEST_CASE("a final answer to Expect: 100-continue without a 100 closes the connection") {
  Fixture f;
  RawClient c(f.server.port());
  c.Send("PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n");
  std::string r = c.ReadToEof();
  REQUIRE(r.starts_with("HTTP/1.1 403 Forbidden\r\n"));
  CHECK(r.find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("HEAD gets headers and Content-Length but no body") {
  Fixture f;
  RawClient c(f.server.port());
  c.Send("HEAD /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  std::string r = c.ReadUntil("\r\n\r\n");
  REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.ends_with("\r\n\r\n"));
  c.Send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");  // same connection
  r = c.ReadUntil("\r\n\r\n3");
  CHECK(r.ends_with("\r\n\r\n3"));
}

TEST_CASE("refusals with S3 XML: oversized header, malformed request, silent handler") {
  Fixture f;
  {
    RawClient c(f.server.port());
    c.Send("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    std::string r = c.ReadToEof();
    REQUIRE(r.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(r.find("<Code>RequestHeaderSectionTooLarge</Code><Message>Your request header section "
                 "exceeds the maximum allowed size.</Message><MaxSizeAllowed>16384"
                 "</MaxSizeAllowed>") != std::string::npos);
    CHECK(r.find("x-amz-request-id: ") != std::string::npos);
  }
  {
    RawClient c(f.server.port());
    c.Send("GET /x HTTP/9\r\n\r\n");
    std::string r = c.ReadToEof();
    REQUIRE(r.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(r.find("<Code>InvalidRequest</Code>") != std::string::npos);
  }
  {
    RawClient c(f.server.port());
    c.Send("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.ReadUntil("</Error>");
    REQUIRE(r.starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
    CHECK(r.find("<Code>InternalError</Code>") != std::string::npos);
  }
}

TEST_CASE("a client that sends less than it declared makes the read fail with IncompleteBody") {
  Fixture f;
  {
    RawClient c(f.server.port());
    c.Send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly this");
  }  // the client closes with 991 bytes missing
  for (int i = 0; i < 200; i++) {
    {
      std::lock_guard lk(f.handler.mu);
      if (!f.handler.last_error.empty()) break;
    }
    usleep(10000);
  }
  std::lock_guard lk(f.handler.mu);
  CHECK(f.handler.last_error ==
        "IncompleteBody: The request body ended before its declared length.");
}

TEST_CASE("a body that stops coming is answered RequestTimeout, not dropped without a word") {
  Handler handler;
  S3ServerOptions options;
  options.body_timeout = std::chrono::milliseconds(300);
  S3Server server(options, [&](const HttpRequestHead& r, RequestBody& b, ResponseSink& s) {
    handler(r, b, s);
  });
  REQUIRE(server.Start().ok());
  // 1000 bytes are read before the handler runs; 1 MiB is read by it.
  for (size_t declared : {size_t{1000}, size_t{1} << 20}) {
    CAPTURE(declared);
    RawClient c(server.port());
    c.Send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(declared) +
           "\r\n\r\n" + Body(500));
    auto start = std::chrono::steady_clock::now();
    std::string r = c.ReadToEof();  // the client stays connected, silent
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(r.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(r.find("Connection: close\r\n") != std::string::npos);
    CHECK(r.ends_with(
        "\r\n\r\nRequestTimeout: Your socket connection to the server was not read from or "
        "written to within the timeout period."));
    CHECK(waited >= std::chrono::milliseconds(250));
    CHECK(waited < std::chrono::seconds(3));
  }
}

TEST_CASE("every response carries Server and a current Date") {
  Fixture f;
  RawClient c(f.server.port());
  c.Send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::string r = c.ReadUntil("\r\n\r\n", 1);
  REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.find("Server: Bale\r\n") != std::string::npos);
  auto at = r.find("Date: ");
  REQUIRE(at != std::string::npos);
  std::string date = r.substr(at + 6, r.find("\r\n", at) - at - 6);
  std::tm tm{};
  const char* end = strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  REQUIRE(end != nullptr);
  CHECK(*end == '\0');
  CHECK(std::abs(static_cast<long>(timegm(&tm) - std::time(nullptr))) <= 2);
}

TEST_CASE("Stop() lets a request in flight finish") {
  Handler h;
  std::atomic<bool> entered{false};
  S3Server server(S3ServerOptions{},
                  [&](const HttpRequestHead& r, RequestBody& b, ResponseSink& s) {
                    entered = true;
                    usleep(300000);
                    h(r, b, s);
                  });
  REQUIRE(server.Start().ok());
  RawClient c(server.port());
  c.Send("PUT /count HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
  while (!entered) usleep(1000);
  server.Stop();
  std::string r = c.ReadToEof();
  CHECK(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.find("Connection: close\r\n") != std::string::npos);
  CHECK(r.ends_with("\r\n\r\n2"));
}

TEST_CASE("Stop() past its drain timeout still waits for a fiber that waits on the disk") {
  // The fiber waits on an Event that another thread sets 1.5 s in, as a
  // volume group's leader does after a slow fdatasync. The drain gives up at
  // 200 ms; the io threads must still be there to resume the fiber.
  S3ServerOptions options;
  options.drain_timeout = std::chrono::milliseconds(200);
  options.runs_in_fiber = [](const HttpRequestHead&) { return true; };
  fiber::Event disk;
  std::atomic<bool> entered{false}, answered{false};
  S3Server server(options, [&](const HttpRequestHead&, RequestBody&, ResponseSink& s) {
    REQUIRE(fiber::InFiber());
    entered = true;
    disk.Wait();
    answered = s.Send({200, {}, {}}, "late").ok();
  });
  REQUIRE(server.Start().ok());
  RawClient c(server.port());
  c.Send("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
  while (!entered) usleep(1000);
  std::thread slow_disk([&] {
    usleep(1500000);
    disk.Set();
  });
  auto start = std::chrono::steady_clock::now();
  server.Stop();
  auto took = std::chrono::steady_clock::now() - start;
  slow_disk.join();
  CHECK(answered);
  CHECK(took >= std::chrono::milliseconds(1400));
}

// Keep-alive test handler: "/slow/N" keeps its answer alive (a 50 ms delay,
// then filler every 20 ms) while it works N ms, then finishes "<Done/>" in
// whichever way StopKeepAlive() says; "/throw/N" throws after N ms instead.
struct SlowHandler {
  static constexpr char kPreamble[] = "<?xml version=\"1.0\"?>\n";
  std::atomic<int> finished{0};  // handlers past their work
  std::atomic<int> streamed{0};  // StopKeepAlive() answered true
  void operator()(const HttpRequestHead& req, RequestBody&, ResponseSink& sink) {
    bool throws = req.target.starts_with("/throw/");
    int ms = std::stoi(req.target.substr(req.target.rfind('/') + 1));
    sink.StartKeepAlive(KeepAlive{{200, {{"Content-Type", "application/xml"}}, {}},
                                  kPreamble,
                                  " ",
                                  std::chrono::milliseconds(50),
                                  std::chrono::milliseconds(20)});
    usleep(static_cast<useconds_t>(ms) * 1000);
    finished++;
    if (throws) throw std::runtime_error("failed while kept alive");
    if (sink.StopKeepAlive()) {
      streamed++;
      REQUIRE(sink.started());
      REQUIRE(sink.Write("<Done/>").ok());
      REQUIRE(sink.End().ok());
    } else {
      REQUIRE(sink.Send({200, {{"Content-Type", "application/xml"}}, {}},
                        std::string(kPreamble) + "<Done/>")
                  .ok());
    }
  }
};

// The body of a chunked response (`raw` holds exactly one, headers first);
// nullopt if the chunks do not end with the last chunk.
std::optional<std::string> Dechunk(const std::string& raw) {
  size_t at = raw.find("\r\n\r\n");
  if (at == std::string::npos) return std::nullopt;
  at += 4;
  std::string body;
  for (;;) {
    size_t eol = raw.find("\r\n", at);
    if (eol == std::string::npos) return std::nullopt;
    size_t size = std::stoul(raw.substr(at, eol - at), nullptr, 16);
    if (size == 0) return raw.compare(eol, 4, "\r\n\r\n") == 0 ? std::optional(body) : std::nullopt;
    if (raw.size() < eol + 2 + size + 2) return std::nullopt;
    body += raw.substr(eol + 2, size);
    at = eol + 2 + size + 2;
  }
}

TEST_CASE("a slow answer kept alive: 200 at the delay, preamble, filler, then the rest") {
  SlowHandler h;
  S3Server server(S3ServerOptions{},
                  [&](const HttpRequestHead& r, RequestBody& b, ResponseSink& s) { h(r, b, s); });
  REQUIRE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /slow/400 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  std::string r = c.ReadUntil("\r\n\r\n");
  CHECK(h.finished == 0);  // the head came while the handler was still at work
  REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(r.find("Content-Length") == std::string::npos);
  r = c.ReadUntil("\r\n0\r\n\r\n");
  CHECK(h.streamed == 1);
  auto body = Dechunk(r);
  REQUIRE(body.has_value());
  std::string preamble = SlowHandler::kPreamble;
  REQUIRE(body->starts_with(preamble));
  REQUIRE(body->ends_with("<Done/>"));
  std::string filler = body->substr(preamble.size(), body->size() - preamble.size() - 7);
  CHECK(filler == std::string(filler.size(), ' '));
  CHECK(filler.size() >= 3);  // 350 ms of 20 ms intervals; >= 3 even on a loaded machine
  CHECK(filler.size() <= 18);

  c.Clear();  // the connection stays open for the next request
  c.Send("POST /slow/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  r = c.ReadUntil("<Done/>");
  CHECK(r.starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("an answer ready before the keep-alive delay is sent as if there were none") {
  SlowHandler h;
  S3Server server(S3ServerOptions{},
                  [&](const HttpRequestHead& r, RequestBody& b, ResponseSink& s) { h(r, b, s); });
  REQUIRE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /slow/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  std::string r = c.ReadUntil("<Done/>");
  REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
  std::string body = std::string(SlowHandler::kPreamble) + "<Done/>";
  CHECK(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  CHECK(r.find("chunked") == std::string::npos);
  CHECK(r.substr(r.find("\r\n\r\n") + 4) == body);
  CHECK(h.streamed == 0);
}

TEST_CASE(
    "a handler that throws while kept alive: the body is cut short and the connection closed") {
  SlowHandler h;
  S3Server server(S3ServerOptions{},
                  [&](const HttpRequestHead& r, RequestBody& b, ResponseSink& s) { h(r, b, s); });
  REQUIRE(server.Start().ok());
  {
    RawClient c(server.port());
    c.Send("POST /throw/200 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    std::string r = c.ReadToEof();
    REQUIRE(r.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(r.find(SlowHandler::kPreamble) != std::string::npos);
    CHECK_FALSE(Dechunk(r).has_value());  // no last chunk: the client knows it is cut
  }
  {
    RawClient c(server.port());  // thrown before the delay: an ordinary 500
    c.Send("POST /throw/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    std::string r = c.ReadUntil("</Error>");
    REQUIRE(r.starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
    CHECK(r.find("<Code>InternalError</Code>") != std::string::npos);
  }
}

}  // namespace
}  // namespace bale::s3
