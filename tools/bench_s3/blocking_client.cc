#include "tools/bench_s3/blocking_client.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bale::bench_s3 {
namespace {

constexpr size_t kMaxAnswerBody = 64 << 20;  // a listing page of 1000 long keys is far less
constexpr size_t kReadBuffer = 64 << 10;

}  // namespace

std::string Answer::ErrorCode() const {
  std::string_view code = S3ErrorCode(body);
  return code.empty() ? "HTTP " + std::to_string(status) : std::string(code);
}

BlockingClient::BlockingClient(const Endpoint& endpoint,
                               const auth::SigningCredentials& credentials, Clock* clock,
                               std::chrono::milliseconds timeout)
    : endpoint_(endpoint),
      clock_(clock),
      timeout_(timeout),
      signer_(credentials, endpoint.host_header) {}

BlockingClient::~BlockingClient() { Close(); }

void BlockingClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status BlockingClient::Connect() {
  fd_ = ::socket(endpoint_.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return ErrnoToStatus(errno, "socket");
  timeval tv{static_cast<time_t>(timeout_.count() / 1000),
             static_cast<suseconds_t>(timeout_.count() % 1000 * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&endpoint_.address),
                endpoint_.address_length) != 0) {
    int err = errno;
    Close();
    return UnavailableError("cannot connect to " + endpoint_.url + ": " + std::strerror(err));
  }
  return Status::Ok();
}

Result<Answer> BlockingClient::Send(const RequestHead& head, std::string_view body) {
  const bool reused = fd_ >= 0;
  if (!reused) RETURN_IF_ERROR(Connect());
  int64_t now = clock_->NowMicros() / 1'000'000;
  WriteRequestHead(signer_, head, now, &head_bytes_);
  Answer answer;
  Status st = Exchange(body, &answer);
  if (!st.ok() && reused) {  // the server may have closed an idle connection
    Close();
    RETURN_IF_ERROR(Connect());
    st = Exchange(body, &answer);
  }
  if (!st.ok()) {
    Close();
    return st;
  }
  if (!parser_.keep_alive()) Close();
  return answer;
}

Status BlockingClient::Exchange(std::string_view body, Answer* answer) {
  size_t sent = 0;
  const size_t total = head_bytes_.size() + body.size();
  while (sent < total) {
    iovec iov[2];
    int n = 0;
    if (sent < head_bytes_.size()) {
      iov[n++] = {head_bytes_.data() + sent, head_bytes_.size() - sent};
      if (!body.empty()) iov[n++] = {const_cast<char*>(body.data()), body.size()};
    } else {
      size_t at = sent - head_bytes_.size();
      iov[n++] = {const_cast<char*>(body.data()) + at, body.size() - at};
    }
    ssize_t w = ::writev(fd_, iov, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      return UnavailableError(std::string("send to ") + endpoint_.url + ": " +
                              std::strerror(errno));
    sent += static_cast<size_t>(w);
  }
  const bool head_request = head_bytes_.compare(0, 5, "HEAD ") == 0;
  parser_.Reset(head_request, kMaxAnswerBody, kMaxAnswerBody);
  char buffer[kReadBuffer];
  while (!parser_.done() && !parser_.failed()) {
    ssize_t r = ::recv(fd_, buffer, sizeof buffer, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      return UnavailableError("no answer from " + endpoint_.url + ": " +
                              (errno == EAGAIN ? std::string("timed out") : std::strerror(errno)));
    }
    if (r == 0) {
      parser_.FinishAtEof();
      break;
    }
    size_t used = parser_.Feed(buffer, static_cast<size_t>(r));
    if (parser_.done() && used != static_cast<size_t>(r)) {
      return UnavailableError("answer from " + endpoint_.url + " has bytes after its end");
    }
  }
  if (parser_.failed()) {
    return UnavailableError("bad answer from " + endpoint_.url + ": " +
                            std::string(parser_.error()));
  }
  answer->status = parser_.status();
  answer->body = parser_.body();
  return Status::Ok();
}

}  // namespace bale::bench_s3
