#include "tools/bench_s3/null_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bale::bench_s3 {

struct NullServer::Client {
  int fd = -1;
  std::string in;     // bytes of a head not yet complete
  uint64_t skip = 0;  // request body bytes still to skip
  std::string out;    // answer bytes not yet written
  bool want_write = false;
};

namespace {

constexpr int kMaxEvents = 256;
constexpr int kStopCheckMs = 100;
constexpr size_t kReadBytes = 64 << 10;
constexpr size_t kMaxHeadBytes = 64 << 10;

// The Content-Length of a request head (0 when absent); false if malformed.
bool ContentLength(std::string_view head, uint64_t* length) {
  *length = 0;
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view line = head.substr(pos + 2, next - pos - 2);
    pos = next;
    constexpr std::string_view kName = "content-length:";
    if (line.size() <= kName.size()) continue;
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; i++) {
      match = (line[i] | 0x20) == kName[i];  // ASCII lower-casing is enough for this name
    }
    if (!match) continue;
    std::string_view v = line.substr(kName.size());
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *length);
    return ec == std::errc() && end == v.data() + v.size();
  }
  return true;
}

}  // namespace

Status NullServer::Listen() {
  std::string_view listen = options_.listen;
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return InvalidArgumentError("--listen: expected HOST:PORT");
  std::string host(listen.substr(0, colon));
  unsigned port = 0;
  std::string_view p = listen.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (ec != std::errc() || end != p.data() + p.size() || port > 65535 ||
      inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgumentError("--listen '" + options_.listen + "': expected IPv4:PORT");
  }
  const std::string body =
      options_.body.empty() ? std::string(options_.body_bytes, 'b') : options_.body;
  const std::string head = "HTTP/1.1 " + options_.status +
                           "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  head_bytes_ = head.size();
  response_ = head + body;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  for (int i = 0; i < std::max(options_.threads, 1); i++) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 1024) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "listen on " + options_.listen);
    }
    if (addr.sin_port == 0) {  // the others join the port the first one got
      socklen_t len = sizeof addr;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    }
    listen_fds_.push_back(fd);
  }
  port_ = ntohs(addr.sin_port);
  return Status::Ok();
}

void NullServer::Run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < listen_fds_.size(); i++)
    threads.emplace_back([this, i] { Serve(listen_fds_[i]); });
  Serve(listen_fds_[0]);
  for (auto& t : threads) t.join();
  for (int fd : listen_fds_) ::close(fd);
}

void NullServer::Serve(int listen_fd) {
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
  std::unordered_map<int, std::unique_ptr<Client>> clients;
  std::unique_ptr<char[]> buffer(new char[kReadBytes]);
  epoll_event events[kMaxEvents];
  auto close_client = [&](int fd) {
    ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    clients.erase(fd);
  };
  auto flush = [&](Client& c) {  // false: the client is gone
    while (!c.out.empty()) {
      ssize_t w = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EAGAIN) break;
      if (w <= 0) return false;
      c.out.erase(0, static_cast<size_t>(w));
    }
    bool want = !c.out.empty();
    if (want != c.want_write) {
      c.want_write = want;
      epoll_event e{};
      e.events = want ? EPOLLIN | EPOLLOUT : EPOLLIN;
      e.data.fd = c.fd;
      ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &e);
    }
    return true;
  };
  while (!stop_.load(std::memory_order_relaxed)) {
    int n = ::epoll_wait(ep, events, kMaxEvents, kStopCheckMs);
    for (int i = 0; i < n; i++) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd) {
        int cfd;
        while ((cfd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          int one = 1;
          ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto c = std::make_unique<Client>();
          c->fd = cfd;
          epoll_event e{};
          e.events = EPOLLIN;
          e.data.fd = cfd;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &e);
          clients.emplace(cfd, std::move(c));
        }
        continue;
      }
      auto it = clients.find(fd);
      if (it == clients.end()) continue;
      Client& c = *it->second;
      bool alive = true;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t r = ::recv(fd, buffer.get(), kReadBytes, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
          alive = false;
        } else if (r > 0) {
          alive = Consume(c, std::string_view(buffer.get(), static_cast<size_t>(r)));
        }
      }
      if (alive) alive = flush(c);
      if (!alive) close_client(fd);
    }
  }
  for (auto& [fd, c] : clients) ::close(fd);
  ::close(ep);
}

bool NullServer::Consume(Client& c, std::string_view data) {
  while (!data.empty()) {
    if (c.skip > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(c.skip, data.size()));
      c.skip -= n;
      data.remove_prefix(n);
      continue;
    }
    if (c.in.empty()) {  // the usual case: a whole head in this read
      const size_t end = data.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        c.in.assign(data);
        return c.in.size() <= kMaxHeadBytes;
      }
      if (!Answer(c, data.substr(0, end + 4))) return false;
      data.remove_prefix(end + 4);
      continue;
    }
    const size_t old = c.in.size();
    c.in.append(data);
    const size_t end = c.in.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
    if (end == std::string::npos) return c.in.size() <= kMaxHeadBytes;
    data.remove_prefix(end + 4 - old);
    c.in.resize(end + 4);
    if (!Answer(c, c.in)) return false;
    c.in.clear();
  }
  return true;
}

bool NullServer::Answer(Client& c, std::string_view head) {
  uint64_t length = 0;
  if (!ContentLength(head, &length)) return false;
  c.skip = length;
  const bool is_head = head.substr(0, 5) == "HEAD ";
  c.out.append(response_, 0, is_head ? head_bytes_ : response_.size());
  answered_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace bale::bench_s3
