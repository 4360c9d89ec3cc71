// StoreHttpServer + HttpStoreClient against a real Store on a temp directory.
#include <arpa/inet.h>
#include <doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "backend/store/http/http_store_client.h"
#include "backend/store/http/store_http_server.h"
#include "backend/store/store.h"

namespace bale {
namespace {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/bale_store_http_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A Store on a temp directory, served on 127.0.0.1 at a free port.
struct ServedStore {
  explicit ServedStore(StoreHttpServerOptions options = {}) {
    StoreOptions store_options;
    store_options.drives = {dir.path()};
    auto opened = Store::Open(FileSystem::Posix(), Clock::Real(), store_options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    store = std::move(opened).value();
    server = std::make_unique<StoreHttpServer>(store.get(), options);
    Status started = server->Start();
    REQUIRE_MESSAGE(started.ok(), started.ToString());
  }

  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<StoreHttpServer> server;  // declared last: stops first
};

// Shows a failed Result's Status in the assertion message instead of throwing.
std::string Got(const Result<std::string>& r) {
  return r.ok() ? r.value() : "<error " + r.status().ToString() + ">";
}

// n bytes in which every byte value occurs (when n >= 256).
std::string AllByteValues(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 256) % 256);
  return s;
}

// A plain socket speaking HTTP/1.1 by hand, to see exactly what the server
// sends. Reads time out after 10 s so a broken server fails the test.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  }
  ~RawConnection() { close(fd_); }

  void Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      bytes.remove_prefix(n);
    }
  }

  struct Response {
    int status = 0;
    std::string head;  // status line and fields, as sent
    std::string body;
    // The value of field `name` (given in lower case), or "" when absent.
    std::string Field(std::string_view name) const {
      std::string lower = head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t at = lower.find("\r\n" + std::string(name) + ": ");
      if (at == std::string::npos) return "";
      at += name.size() + 4;
      return head.substr(at, head.find("\r\n", at) - at);
    }
  };

  // Reads one response. A HEAD response has Content-Length but no body.
  Response Read(bool head_request = false) {
    Response r;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;  // status 0: closed or timed out
    }
    r.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    r.status = std::atoi(r.head.c_str() + 9);  // "HTTP/1.1 404 ..."
    size_t length =
        head_request ? 0 : std::strtoull(r.Field("content-length").c_str(), nullptr, 10);
    while (buffer_.size() < length) {
      if (!Fill()) return Response{};
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True when the server closed the connection (and sent nothing more).
  bool ClosedByServer() { return buffer_.empty() && !Fill() && buffer_.empty(); }

 private:
  bool Fill() {
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, n);
    return true;
  }

  int fd_;
  std::string buffer_;
};

std::string RequestText(std::string_view method, std::string_view target,
                        std::string_view body = "", std::string_view extra = "") {
  std::string s = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n";
  s += extra;
  if (!body.empty() || method == "PUT" || method == "POST") {
    s += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return s + "\r\n" + std::string(body);
}

// The behaviour every StoreClient must show, asserted exactly.
void CheckStoreClient(StoreClient& c, VolumeId vid) {
  REQUIRE(c.CreateVolume(vid).ok());
  CHECK(c.CreateVolume(vid).code() == Code::kAlreadyExists);

  const std::string big = AllByteValues(1 << 20);
  CHECK(std::set<char>(big.begin(), big.end()).size() == 256);
  REQUIRE(c.Put(vid, 1, 11, "hello").ok());
  REQUIRE(c.Put(vid, 2, 22, "").ok());
  REQUIRE(c.Put(vid, 3, 33, big).ok());
  CHECK(Got(c.Get(vid, 1, 11)) == "hello");
  CHECK(Got(c.Get(vid, 2, 22)) == "");
  CHECK(Got(c.Get(vid, 3, 33)) == big);

  Result<NeedleMeta> head = c.Head(vid, 3, 33);
  REQUIRE(head.ok());
  CHECK(head->key == 3);
  CHECK(head->cookie == 33);
  CHECK(head->size == big.size());
  CHECK(head->append_time_micros > 0);
  CHECK(c.Head(vid, 2, 22).value().size == 0);

  CHECK(c.Get(vid, 1, 12).status().code() == Code::kNotFound);  // wrong cookie
  CHECK(c.Head(vid, 1, 12).status().code() == Code::kNotFound);
  CHECK(c.Delete(vid, 1, 12).code() == Code::kNotFound);
  CHECK(c.Get(vid, 99, 11).status().code() == Code::kNotFound);        // no such key
  CHECK(c.Get(vid + 1000, 1, 11).status().code() == Code::kNotFound);  // no such volume
  CHECK(c.Put(vid + 1000, 1, 11, "x").code() == Code::kNotFound);
  CHECK(c.Seal(vid + 1000).code() == Code::kNotFound);

  REQUIRE(c.Delete(vid, 1, 11).ok());
  CHECK(c.Get(vid, 1, 11).status().code() == Code::kNotFound);
  CHECK(c.Head(vid, 1, 11).status().code() == Code::kNotFound);

  REQUIRE(c.Compact(vid).ok());
  CHECK(Got(c.Get(vid, 2, 22)) == "");
  CHECK(Got(c.Get(vid, 3, 33)) == big);

  REQUIRE(c.Seal(vid).ok());
  CHECK(c.Put(vid, 4, 44, "late").code() == Code::kFailedPrecondition);
  CHECK(Got(c.Get(vid, 3, 33)) == big);

  Result<std::vector<VolumeStats>> status = c.Status();
  REQUIRE(status.ok());
  const VolumeStats* mine = nullptr;
  for (const VolumeStats& v : *status) {
    if (v.id == vid) mine = &v;
  }
  REQUIRE(mine != nullptr);
  CHECK(mine->ok);
  CHECK(mine->needles == 2);
  CHECK(mine->sealed);
  CHECK(mine->read_only);
  CHECK(mine->revision == 1);
}

TEST_CASE("LocalStoreClient and HttpStoreClient behave the same") {
  ServedStore s;
  LocalStoreClient local(s.store.get());
  HttpStoreClient remote("127.0.0.1", s.server->port());
  SUBCASE("local") { CheckStoreClient(local, 1); }
  SUBCASE("http") { CheckStoreClient(remote, 1); }
}

TEST_CASE("errors over HTTP are the Store's errors, message included") {
  ServedStore s;
  LocalStoreClient local(s.store.get());
  HttpStoreClient remote("127.0.0.1", s.server->port());
  REQUIRE(local.CreateVolume(5).ok());
  REQUIRE(local.Put(5, 1, 1, "x").ok());
  REQUIRE(local.Put(5, 2, 2, "y").ok());
  REQUIRE(local.Delete(5, 2, 2).ok());
  REQUIRE(local.CreateVolume(6).ok());
  REQUIRE(local.Seal(6).ok());
  auto same = [](const Status& a, const Status& b) {
    CHECK_FALSE(a.ok());
    CHECK(a.ToString() == b.ToString());
  };
  same(local.CreateVolume(5), remote.CreateVolume(5));
  same(local.Get(5, 1, 9).status(), remote.Get(5, 1, 9).status());
  same(local.Head(5, 1, 9).status(), remote.Head(5, 1, 9).status());  // HEAD has no body
  same(local.Get(5, 2, 2).status(), remote.Get(5, 2, 2).status());
  same(local.Delete(5, 7, 7), remote.Delete(5, 7, 7));
  same(local.Get(77, 1, 1).status(), remote.Get(77, 1, 1).status());
  same(local.Put(6, 1, 1, "x"), remote.Put(6, 1, 1, "x"));

  // And Status() carries every field unchanged.
  std::vector<VolumeStats> a = local.Status().value(), b = remote.Status().value();
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == 2);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].drive == b[i].drive);
    CHECK(a[i].ok == b[i].ok);
    CHECK(a[i].error == b[i].error);
    CHECK(a[i].read_only == b[i].read_only);
    CHECK(a[i].sealed == b[i].sealed);
    CHECK(a[i].revision == b[i].revision);
    CHECK(a[i].needles == b[i].needles);
    CHECK(a[i].file_bytes == b[i].file_bytes);
    CHECK(a[i].live_bytes == b[i].live_bytes);
    CHECK(a[i].size_limit == b[i].size_limit);
    CHECK(a[i].garbage_ratio == b[i].garbage_ratio);
    CHECK(a[i].index_bytes == b[i].index_bytes);
    CHECK(a[i].compacting == b[i].compacting);
    CHECK(a[i].compaction_progress == b[i].compaction_progress);
  }
}

TEST_CASE("16 threads share one HttpStoreClient") {
  ServedStore s;
  HttpStoreClient client("127.0.0.1", s.server->port());
  REQUIRE(client.CreateVolume(1).ok());
  constexpr int kThreads = 16, kOps = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOps; ++i) {
        NeedleKey key = static_cast<NeedleKey>(t) * 1000 + i;
        std::string data = std::to_string(key) + AllByteValues((t * 977 + i * 131) % 20000);
        if (!client.Put(1, key, static_cast<Cookie>(key * 7), data).ok()) ++failures;
        Result<std::string> got = client.Get(1, key, static_cast<Cookie>(key * 7));
        if (!got.ok() || *got != data) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(failures.load() == 0);
  CHECK(client.Status().value()[0].needles == kThreads * kOps);
}

TEST_CASE("raw HTTP: one kept-alive connection carries a needle's whole life") {
  ServedStore s;
  RawConnection c(s.server->port());
  c.Send(RequestText("PUT", "/v1/volumes/5"));
  CHECK(c.Read().status == 201);
  c.Send(RequestText("PUT", "/v1/volumes/5/needles/1?cookie=2", "hello"));
  RawConnection::Response put = c.Read();
  CHECK(put.status == 201);
  CHECK(put.Field("content-type") == "application/json");
  CHECK(put.body == R"({"size":5})");
  c.Send(RequestText("GET", "/v1/volumes/5/needles/1?cookie=2"));
  RawConnection::Response get = c.Read();
  CHECK(get.status == 200);
  CHECK(get.Field("content-type") == "application/octet-stream");
  CHECK(get.body == "hello");
  c.Send(RequestText("HEAD", "/v1/volumes/5/needles/1?cookie=2"));
  RawConnection::Response head = c.Read(/*head_request=*/true);
  CHECK(head.status == 200);
  CHECK(head.Field("content-length") == "5");
  CHECK(std::stoll(head.Field("x-bale-append-time")) > 0);
  // Two requests in one write (pipelined): HEAD sent no body, so this parses.
  c.Send(RequestText("DELETE", "/v1/volumes/5/needles/1?cookie=2") +
         RequestText("GET", "/v1/volumes/5/needles/1?cookie=2"));
  RawConnection::Response del = c.Read();
  CHECK(del.status == 204);
  CHECK(del.Field("content-length") == "");
  RawConnection::Response gone = c.Read();
  CHECK(gone.status == 404);
  CHECK(gone.Field("x-bale-error-code") == "NOT_FOUND");
  CHECK(gone.body.find(R"("code":"NOT_FOUND")") != std::string::npos);
  c.Send(RequestText("GET", "/v1/status"));
  RawConnection::Response status = c.Read();
  CHECK(status.status == 200);
  CHECK(status.body.starts_with(R"({"volumes":[{"id":5,"drive":")"));
}

TEST_CASE("raw HTTP: bad numbers are 400, unknown paths 404, wrong methods 405") {
  ServedStore s;
  RawConnection c(s.server->port());
  c.Send(RequestText("GET", "/v1/volumes/abc/needles/1?cookie=1"));
  RawConnection::Response bad = c.Read();
  CHECK(bad.status == 400);
  CHECK(bad.Field("content-type") == "application/json");
  CHECK(bad.body.find(R"("code":"INVALID_ARGUMENT")") != std::string::npos);
  c.Send(RequestText("GET", "/v1/nothing/here"));
  CHECK(c.Read().status == 404);
  c.Send(RequestText("POST", "/v1/status"));
  RawConnection::Response wrong = c.Read();
  CHECK(wrong.status == 405);
  CHECK(wrong.Field("allow") == "GET");
  c.Send("this is not HTTP\r\n\r\n");
  CHECK(c.Read().status == 400);
  CHECK(c.ClosedByServer());
}

TEST_CASE("raw HTTP: a body over the limit is 413 and the connection closes") {
  StoreHttpServerOptions options;
  options.max_body_bytes = 1024;
  ServedStore s(options);
  REQUIRE(s.store->CreateVolume(1).ok());
  {
    RawConnection c(s.server->port());
    c.Send(RequestText("PUT", "/v1/volumes/1/needles/1?cookie=1", std::string(1025, 'x')));
    RawConnection::Response r = c.Read();
    CHECK(r.status == 413);
    CHECK(r.body.find(R"("code":"INVALID_ARGUMENT")") != std::string::npos);
    CHECK(c.ClosedByServer());
  }
  {
    RawConnection c(s.server->port());  // exactly at the limit is fine
    c.Send(RequestText("PUT", "/v1/volumes/1/needles/1?cookie=1", std::string(1024, 'x')));
    CHECK(c.Read().status == 201);
  }
  HttpStoreClient client("127.0.0.1", s.server->port());
  CHECK(client.Put(1, 2, 2, std::string(4 << 20, 'y')).code() == Code::kInvalidArgument);
  CHECK(client.Put(1, 2, 2, "small").ok());  // a fresh connection after the refusal
}

TEST_CASE("raw HTTP: Expect: 100-continue gets its interim answer") {
  ServedStore s;
  REQUIRE(s.store->CreateVolume(1).ok());
  RawConnection c(s.server->port());
  c.Send(
      "PUT /v1/volumes/1/needles/1?cookie=1 HTTP/1.1\r\nHost: t\r\n"
      "Content-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  CHECK(c.Read().status == 100);
  c.Send("abc");
  CHECK(c.Read().status == 201);
  CHECK(s.store->Get(1, 1, 1).value() == "abc");
}

TEST_CASE("idle connections time out, and the client reconnects once") {
  StoreHttpServerOptions options;
  options.idle_timeout = 200ms;
  ServedStore s(options);
  RawConnection raw(s.server->port());
  std::this_thread::sleep_for(600ms);
  CHECK(raw.ClosedByServer());

  HttpStoreClient client("127.0.0.1", s.server->port());
  REQUIRE(client.CreateVolume(1).ok());
  std::this_thread::sleep_for(600ms);  // the pooled connection is closed by now
  CHECK(client.Put(1, 1, 1, "after idle").ok());
  CHECK(Got(client.Get(1, 1, 1)) == "after idle");
}

TEST_CASE("Stop() lets a request in flight finish, then refuses connections") {
  ServedStore s;
  REQUIRE(s.store->CreateVolume(1).ok());
  HttpStoreClient client("127.0.0.1", s.server->port());
  REQUIRE(client.Put(1, 1, 1, "kept").ok());  // leaves an idle pooled connection
  RawConnection idle(s.server->port());
  RawConnection busy(s.server->port());
  busy.Send(
      "PUT /v1/volumes/1/needles/2?cookie=2 HTTP/1.1\r\nHost: t\r\n"
      "Content-Length: 10\r\n\r\nhello");
  std::this_thread::sleep_for(300ms);  // the server is now reading the body

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    s.server->Stop();
    stopped = true;
  });
  CHECK(idle.ClosedByServer());  // idle connections go at once
  CHECK_FALSE(stopped.load());   // ...but the busy one holds Stop() back
  busy.Send("world");
  RawConnection::Response r = busy.Read();
  CHECK(r.status == 201);
  CHECK(r.Field("connection") == "close");
  stopper.join();
  CHECK(s.store->Get(1, 2, 2).value() == "helloworld");
  CHECK(client.Get(1, 1, 1).status().code() == Code::kUnavailable);
}

TEST_CASE("Stop() gives up on a request that outlives drain_timeout") {
  StoreHttpServerOptions options;
  options.drain_timeout = 200ms;
  ServedStore s(options);
  RawConnection stuck(s.server->port());
  stuck.Send(
      "PUT /v1/volumes/1/needles/2?cookie=2 HTTP/1.1\r\nHost: t\r\n"
      "Content-Length: 10\r\n\r\nhalf");  // the rest never comes
  std::this_thread::sleep_for(300ms);
  auto start = std::chrono::steady_clock::now();
  s.server->Stop();
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(stuck.ClosedByServer());
}

TEST_CASE("transport failures: port in use, refused, no answer") {
  ServedStore s;
  StoreHttpServerOptions same_port;
  same_port.port = s.server->port();
  StoreHttpServer second(s.store.get(), same_port);
  CHECK(second.Start().code() == Code::kUnavailable);

  uint16_t port = s.server->port();
  s.server->Stop();
  CHECK(HttpStoreClient("127.0.0.1", port).Get(1, 1, 1).status().code() == Code::kUnavailable);

  // A listener that never answers.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
  REQUIRE(listen(fd, 4) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  HttpStoreClientOptions quick;
  quick.timeout = 300ms;
  HttpStoreClient silent("127.0.0.1", ntohs(addr.sin_port), quick);
  CHECK(silent.Get(1, 1, 1).status().code() == Code::kDeadlineExceeded);
  close(fd);
}

}  // namespace
}  // namespace bale
