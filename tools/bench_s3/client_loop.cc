#include "tools/bench_s3/client_loop.h"

#include "tools/bench_s3/http_response_parser.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bale::bench_s3 {
namespace {

constexpr size_t kReadBufferBytes = 256 << 10;
constexpr int kMaxEvents = 256;
constexpr int kTickMs = 10;  // timeouts and reconnect delays are checked this often
constexpr int64_t kTickNs = int64_t{kTickMs} * 1'000'000;
// After a failed connect, a connection waits this long before trying again,
// so a dead endpoint is not hammered in a tight loop.
constexpr int64_t kReconnectDelayNs = 100'000'000;
constexpr size_t kKeptErrorBody = 4 << 10;  // enough for <Code>

}  // namespace

struct ClientLoop::Connection {
  enum class State { kIdle, kConnecting, kSending, kReceiving, kBackoff };

  uint32_t index = 0;
  uint32_t socket_generation = 0;  // tells events of an old socket from the current one's
  int fd = -1;
  State state = State::kIdle;
  bool want_write = false;
  PlannedOp op;
  int64_t start_ns = 0;
  int64_t retry_at_ns = 0;
  std::string path;
  std::string head;
  std::string_view body;
  size_t sent = 0;
  HttpResponseParser parser;

  size_t total() const { return head.size() + body.size(); }
};

ClientLoop::ClientLoop(const LoopConfig& config)
    : config_(config),
      signer_(config.credentials, config.endpoint->host_header),
      rng_(config.seed),
      stats_(std::make_unique<RunStats>()),
      read_buffer_(new char[kReadBufferBytes]) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < config_.connections; i++) {
    auto c = std::make_unique<Connection>();
    c->index = static_cast<uint32_t>(i);
    c->head.reserve(1024);
    connections_.push_back(std::move(c));
  }
}

ClientLoop::~ClientLoop() {
  for (auto& c : connections_) Close(*c);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void ClientLoop::Run(const Phase& phase) {
  phase_ = &phase;
  *stats_ = RunStats();
  exhausted_ = false;
  progress_ops_.store(0, std::memory_order_relaxed);
  progress_errors_.store(0, std::memory_order_relaxed);
  now_ns_ = config_.clock->MonotonicNanos();
  for (auto& c : connections_) StartNext(*c);
  int64_t next_check = now_ns_ + kTickNs;
  epoll_event events[kMaxEvents];
  while (busy_ > 0) {
    int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, kTickMs);
    now_ns_ = config_.clock->MonotonicNanos();
    for (int i = 0; i < n; i++) {
      const uint64_t tag = events[i].data.u64;
      Connection& c = *connections_[static_cast<uint32_t>(tag)];
      if (c.fd >= 0 && c.socket_generation == static_cast<uint32_t>(tag >> 32)) {
        Handle(c, events[i].events);
      }
    }
    if (now_ns_ >= next_check) {
      CheckTimers();
      next_check = now_ns_ + kTickNs;
    }
  }
  phase_ = nullptr;
}

bool ClientLoop::CanStart() const {
  if (exhausted_) return false;
  if (phase_->stop && phase_->stop->load(std::memory_order_relaxed)) return false;
  return phase_->deadline_ns == 0 || now_ns_ < phase_->deadline_ns;
}

void ClientLoop::SetIdle(Connection& c) {
  if (c.state != Connection::State::kIdle) busy_--;
  c.state = Connection::State::kIdle;
}

void ClientLoop::StartNext(Connection& c) {
  if (!CanStart() ||
      (phase_->budget && phase_->budget->fetch_sub(1, std::memory_order_relaxed) <= 0)) {
    SetIdle(c);
    return;
  }
  if (!phase_->source->Next(rng_, &c.op)) {
    exhausted_ = true;
    SetIdle(c);
    return;
  }
  if (c.state == Connection::State::kIdle) busy_++;
  c.start_ns = config_.clock->MonotonicNanos();
  BuildRequest(c);
  c.parser.Reset(c.op.op == Op::kHead, 0, kKeptErrorBody);
  if (c.fd < 0) {
    c.state = Connection::State::kConnecting;
    Connect(c);
  } else {
    Send(c);
  }
}

void ClientLoop::BuildRequest(Connection& c) {
  RequestHead h;
  const KeySpace& keys = *config_.keys;
  c.body = {};
  switch (c.op.op) {
    case Op::kPut:
      h.method = "PUT";
      h.content_length = c.op.size;
      c.body = config_.payload.substr(0, c.op.size);
      break;
    case Op::kGet:
      h.method = "GET";
      break;
    case Op::kHead:
      h.method = "HEAD";
      break;
    case Op::kDelete:
      h.method = "DELETE";
      break;
    case Op::kList:
      h.method = "GET";
      query_.assign("list-type=2&max-keys=").append(std::to_string(config_.list_max_keys));
      query_.append("&prefix=").append(keys.prefix()).append("%2F");
      if (c.op.key != PlannedOp::kFromStart) {
        query_.append("&start-after=").append(keys.prefix()).append("%2F");
        KeySpace::AppendIndex(c.op.key, &query_);
      }
      h.path = keys.bucket_path();
      h.query = query_;
      break;
  }
  if (c.op.op != Op::kList) {
    keys.WritePath(c.op.key, &c.path);
    h.path = c.path;
  }
  const int64_t unix_seconds = config_.clock->NowMicros() / 1'000'000;
  WriteRequestHead(signer_, h, unix_seconds, &c.head);
  c.sent = 0;
}

void ClientLoop::Connect(Connection& c) {
  c.fd =
      ::socket(config_.endpoint->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    FailNetwork(c, std::strerror(errno), /*connecting=*/true);
    return;
  }
  int one = 1;
  ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c.socket_generation++;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u64 = c.index | (static_cast<uint64_t>(c.socket_generation) << 32);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev);
  c.want_write = true;
  int rc = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&config_.endpoint->address),
                     config_.endpoint->address_length);
  if (rc == 0) {
    WantWrite(c, false);
    Send(c);
  } else if (errno != EINPROGRESS) {
    FailNetwork(c, std::strerror(errno), /*connecting=*/true);
  }
}

void ClientLoop::FinishConnect(Connection& c) {
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    FailNetwork(c, std::strerror(err), /*connecting=*/true);
    return;
  }
  WantWrite(c, false);
  Send(c);
}

void ClientLoop::WantWrite(Connection& c, bool want) {
  if (c.want_write == want) return;
  c.want_write = want;
  epoll_event ev{};
  ev.events = want ? EPOLLIN | EPOLLOUT : EPOLLIN;
  ev.data.u64 = c.index | (static_cast<uint64_t>(c.socket_generation) << 32);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void ClientLoop::Send(Connection& c) {
  c.state = Connection::State::kSending;
  while (c.sent < c.total()) {
    iovec iov[2];
    int n = 0;
    if (c.sent < c.head.size()) {
      iov[n++] = {c.head.data() + c.sent, c.head.size() - c.sent};
      if (!c.body.empty()) iov[n++] = {const_cast<char*>(c.body.data()), c.body.size()};
    } else {
      const size_t at = c.sent - c.head.size();
      iov[n++] = {const_cast<char*>(c.body.data()) + at, c.body.size() - at};
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    ssize_t w = ::sendmsg(c.fd, &msg, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        WantWrite(c, true);
        return;
      }
      FailNetwork(c, std::strerror(errno));
      return;
    }
    c.sent += static_cast<size_t>(w);
  }
  WantWrite(c, false);
  c.state = Connection::State::kReceiving;
}

void ClientLoop::Receive(Connection& c) {
  char* buffer = read_buffer_.get();
  while (true) {
    ssize_t r = ::recv(c.fd, buffer, kReadBufferBytes, 0);
    if (r > 0) {
      size_t used = c.parser.Feed(buffer, static_cast<size_t>(r));
      if (c.parser.failed()) return FailNetwork(c, c.parser.error());
      if (c.parser.done()) {
        if (used < static_cast<size_t>(r)) return FailNetwork(c, "bytes after the answer");
        return Finish(c);
      }
      if (static_cast<size_t>(r) < kReadBufferBytes) return;  // drained for now
      continue;
    }
    if (r == 0) {
      c.parser.FinishAtEof();
      if (c.parser.done()) return Finish(c);
      return FailNetwork(c, c.parser.error());
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return;
    return FailNetwork(c, std::strerror(errno));
  }
}

void ClientLoop::Handle(Connection& c, uint32_t events) {
  using State = Connection::State;
  switch (c.state) {
    case State::kConnecting:
      FinishConnect(c);
      return;
    case State::kSending: {
      // An answer may come before the whole body went (an early error).
      const uint32_t generation = c.socket_generation;
      if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        Receive(c);
        if (c.state != State::kSending || c.socket_generation != generation) return;
      }
      if (events & EPOLLOUT) Send(c);
      return;
    }
    case State::kReceiving:
      Receive(c);
      return;
    case State::kIdle:
    case State::kBackoff:
      Close(c);  // the server closed a connection between requests
      return;
  }
}

void ClientLoop::Finish(Connection& c) {
  const int status = c.parser.status();
  const bool ok = status >= 200 && status < 300;
  uint64_t bytes = 0;
  if (ok && c.op.op == Op::kPut) bytes = c.op.size;
  if (ok && c.op.op == Op::kGet) bytes = c.parser.body_bytes();
  std::string http_code;
  std::string_view code;
  if (!ok) {
    code = S3ErrorCode(c.parser.body());
    if (code.empty()) {
      http_code = "HTTP " + std::to_string(status);
      code = http_code;
    }
  }
  const bool reusable = c.parser.keep_alive() && c.sent == c.total();
  Record(c, ok, bytes, code, {});
  if (!reusable) Close(c);
  StartNext(c);
}

void ClientLoop::FailNetwork(Connection& c, std::string_view cause, bool connecting) {
  Record(c, false, 0, {}, cause);
  Close(c);
  if (connecting) {  // the endpoint is not there: wait before the next attempt
    c.state = Connection::State::kBackoff;
    c.retry_at_ns = now_ns_ + kReconnectDelayNs;
    return;
  }
  StartNext(c);
}

void ClientLoop::Record(Connection& c, bool ok, uint64_t bytes, std::string_view s3_code,
                        std::string_view network_cause) {
  const int64_t end_ns = config_.clock->MonotonicNanos();
  phase_->source->Done(c.op, ok);
  progress_ops_.store(progress_ops_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (!ok) {
    progress_errors_.store(progress_errors_.load(std::memory_order_relaxed) + 1,
                           std::memory_order_relaxed);
  }
  // Operations finishing after the deadline are outside the measured window.
  if (phase_->deadline_ns != 0 && end_ns > phase_->deadline_ns) return;
  OpStats& s = stats_->of(c.op.op);
  s.ops++;
  if (ok) {
    s.bytes += bytes;
  } else {
    s.errors++;
    if (!s3_code.empty()) stats_->s3_errors[std::string(s3_code)]++;
    if (!network_cause.empty()) stats_->network_errors[std::string(network_cause)]++;
  }
  s.latency.Record(static_cast<uint64_t>(end_ns - c.start_ns) / 1000);
  if (stats_->first_start_ns == 0 || c.start_ns < stats_->first_start_ns) {
    stats_->first_start_ns = c.start_ns;
  }
  stats_->last_end_ns = std::max(stats_->last_end_ns, end_ns);
}

void ClientLoop::Close(Connection& c) {
  if (c.fd < 0) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  c.fd = -1;
  c.want_write = false;
}

void ClientLoop::CheckTimers() {
  using State = Connection::State;
  const int64_t timeout_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(config_.request_timeout).count();
  for (auto& owned : connections_) {
    Connection& c = *owned;
    switch (c.state) {
      case State::kConnecting:
      case State::kSending:
      case State::kReceiving:
        if (now_ns_ - c.start_ns > timeout_ns) FailNetwork(c, "timed out");
        break;
      case State::kBackoff:
        if (now_ns_ >= c.retry_at_ns) StartNext(c);
        break;
      case State::kIdle:
        break;
    }
  }
}

}  // namespace bale::bench_s3
