#include "tools/admin/testing/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "common/text.h"

namespace bale::admin::testing {
namespace {

constexpr int kAcceptPollMillis = 50;

std::string Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    default:
      return "Status";
  }
}

// Reads until the blank line after the headers, then the Content-Length body.
bool ReadRequest(int fd, RecordedRequest* out) {
  std::string data;
  char buf[4096];
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return false;
    data.append(buf, n);
  }
  std::istringstream head(data.substr(0, head_end));
  std::string line, version;
  std::getline(head, line);
  std::istringstream(line) >> out->head.method >> out->head.target >> version;
  size_t length = 0;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::string value(TrimWhitespace(line.substr(colon + 1)));
    if (auth::EqualsIgnoreCase(name, "content-length"))
      length = std::strtoul(value.c_str(), nullptr, 10);
    out->head.headers.emplace_back(name, value);
  }
  out->body = data.substr(head_end + 4);
  while (out->body.size() < length) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return false;
    out->body.append(buf, n);
  }
  return true;
}

}  // namespace

FakeHttpServer::FakeHttpServer() {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(listener_, 8) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

void FakeHttpServer::Expect(int status, std::string body) {
  std::lock_guard lock(mu_);
  answers_.emplace_back(status, std::move(body));
}

void FakeHttpServer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) close(listener_);
  listener_ = -1;
}

void FakeHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (poll(&p, 1, kAcceptPollMillis) <= 0) continue;
    int connection = accept(listener_, nullptr, nullptr);
    if (connection < 0) continue;
    ServeOne(connection);
    close(connection);
  }
}

void FakeHttpServer::ServeOne(int connection) {
  RecordedRequest request;
  if (!ReadRequest(connection, &request)) return;
  requests_.push_back(request);
  std::pair<int, std::string> answer{500, "unexpected request"};
  {
    std::lock_guard lock(mu_);
    if (!answers_.empty()) {
      answer = answers_.front();
      answers_.pop_front();
    }
  }
  std::string response = "HTTP/1.1 " + std::to_string(answer.first) + " " + Reason(answer.first) +
                         "\r\nContent-Length: " + std::to_string(answer.second.size()) +
                         "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" +
                         answer.second;
  if (write(connection, response.data(), response.size()) < 0) return;
}

}  // namespace bale::admin::testing
