// ClientLoop against NullServer in the same process: exact operation counts,
// bytes both ways, S3 error codes and network errors counted by cause.
#include "tools/bench_s3/client_loop.h"

#include <doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "tools/bench_s3/null_server.h"

namespace bale::bench_s3 {
namespace {

class RunningServer {
 public:
  explicit RunningServer(NullServerOptions o) : server_(std::move(o)) {
    REQUIRE(server_.Listen().ok());
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~RunningServer() {
    server_.Stop();
    thread_.join();
  }
  uint16_t port() const { return server_.port(); }
  uint64_t answered() const { return server_.answered(); }

 private:
  NullServer server_;
  std::thread thread_;
};

Endpoint LocalEndpoint(uint16_t port) {
  auto e = ParseEndpoint("http://127.0.0.1:" + std::to_string(port));
  REQUIRE(e.ok());
  REQUIRE(Resolve(&*e).ok());
  return *e;
}

// A loopback port nothing listens on (bound, then closed).
uint16_t DeadPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct Fixture {
  Endpoint endpoint;
  KeySpace keys{"bucket", "p", 100};
  std::string payload = std::string(10'000, 'x');
  SizeDistribution sizes = SizeDistribution::Fixed(10'000);

  LoopConfig Config(int connections) {
    LoopConfig c;
    c.endpoint = &endpoint;
    c.credentials = {"AK", "SK"};
    c.keys = &keys;
    c.payload = payload;
    c.connections = connections;
    return c;
  }

  // Runs exactly `ops` operations of `op` on random keys among `key_count`.
  void RunOps(ClientLoop& loop, Op op, int64_t ops, uint64_t key_count = 1000) {
    RandomOps source(WorkloadMix::Only(op), 100, true, sizes, key_count);
    std::atomic<int64_t> budget{ops};
    Phase phase;
    phase.source = &source;
    phase.budget = &budget;
    loop.Run(phase);
  }
};

TEST_CASE("an op budget is run exactly, over every connection, with the bytes counted") {
  NullServerOptions o;
  o.body_bytes = 4096;
  RunningServer server(o);
  Fixture f;
  f.endpoint = LocalEndpoint(server.port());
  ClientLoop loop(f.Config(8));
  f.RunOps(loop, Op::kGet, 1000);
  const OpStats& s = loop.stats().of(Op::kGet);
  CHECK(s.ops == 1000);
  CHECK(s.errors == 0);
  CHECK(s.bytes == 1000 * 4096);
  CHECK(s.latency.count() == 1000);
  CHECK(loop.progress_ops() == 1000);
  CHECK(server.answered() == 1000);
  CHECK(loop.stats().Total().ops == 1000);

  // The next phase reuses the connections and starts its statistics at zero.
  f.RunOps(loop, Op::kHead, 10);
  CHECK(loop.stats().of(Op::kHead).ops == 10);
  CHECK(loop.stats().of(Op::kHead).bytes == 0);  // HEAD answers have no body
  CHECK(loop.stats().of(Op::kGet).ops == 0);
  CHECK(server.answered() == 1010);
}

TEST_CASE("PUT bodies are sent whole: the server skips exactly their bytes") {
  RunningServer server(NullServerOptions{});
  Fixture f;
  f.endpoint = LocalEndpoint(server.port());
  ClientLoop loop(f.Config(3));
  SequentialOps puts(Op::kPut, 500, f.sizes);
  Phase phase;
  phase.source = &puts;
  loop.Run(phase);  // ends when the 500 keys do
  CHECK(loop.stats().of(Op::kPut).ops == 500);
  CHECK(loop.stats().of(Op::kPut).errors == 0);
  CHECK(loop.stats().of(Op::kPut).bytes == 500 * 10'000);
  CHECK(puts.exhausted());
  // A body byte taken for a request head would have produced an extra answer
  // or a closed connection.
  CHECK(server.answered() == 500);
}

TEST_CASE("error answers are counted by their S3 code") {
  NullServerOptions o;
  o.status = "503 Slow Down";
  o.body = "<Error><Code>SlowDown</Code><Message>Please reduce</Message></Error>";
  RunningServer server(o);
  Fixture f;
  f.endpoint = LocalEndpoint(server.port());
  ClientLoop loop(f.Config(2));
  f.RunOps(loop, Op::kGet, 50);
  CHECK(loop.stats().of(Op::kGet).ops == 50);
  CHECK(loop.stats().of(Op::kGet).errors == 50);
  CHECK(loop.stats().of(Op::kGet).bytes == 0);
  CHECK(loop.stats().s3_errors == std::map<std::string, uint64_t>{{"SlowDown", 50}});
  CHECK(loop.stats().network_errors.empty());
  CHECK(loop.progress_errors() == 50);
}

TEST_CASE("a refused connection is a network error with its cause, and the run still ends") {
  Fixture f;
  f.endpoint = LocalEndpoint(DeadPort());
  ClientLoop loop(f.Config(2));
  f.RunOps(loop, Op::kGet, 4);
  CHECK(loop.stats().of(Op::kGet).ops == 4);
  CHECK(loop.stats().of(Op::kGet).errors == 4);
  CHECK(loop.stats().network_errors ==
        std::map<std::string, uint64_t>{{std::strerror(ECONNREFUSED), 4}});
  CHECK(loop.stats().s3_errors.empty());
}

TEST_CASE("a duration phase stops at its deadline and counts nothing after it") {
  RunningServer server(NullServerOptions{});
  Fixture f;
  f.endpoint = LocalEndpoint(server.port());
  ClientLoop loop(f.Config(4));
  RandomOps gets(WorkloadMix::Only(Op::kGet), 100, true, f.sizes, 1000);
  Phase phase;
  phase.source = &gets;
  const int64_t start = Clock::Real()->MonotonicNanos();
  phase.deadline_ns = start + 200'000'000;  // 0.2 s
  loop.Run(phase);
  const int64_t end = Clock::Real()->MonotonicNanos();
  CHECK(end >= phase.deadline_ns);
  CHECK(end - phase.deadline_ns < 1'000'000'000);  // in-flight requests finish at once here
  CHECK(loop.stats().of(Op::kGet).ops > 0);
  CHECK(loop.stats().last_end_ns <= phase.deadline_ns);
  CHECK(loop.stats().of(Op::kGet).errors == 0);
}

TEST_CASE("LIST operations are counted as LISTs, with no object bytes") {
  // What a LIST asks for is checked against bale serve (integration/).
  RunningServer server(NullServerOptions{});
  Fixture f;
  f.endpoint = LocalEndpoint(server.port());
  ClientLoop loop(f.Config(1));
  f.RunOps(loop, Op::kList, 5, 10);
  CHECK(loop.stats().of(Op::kList).ops == 5);
  CHECK(loop.stats().of(Op::kList).bytes == 0);
}

}  // namespace
}  // namespace bale::bench_s3
