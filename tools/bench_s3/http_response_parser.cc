#include "tools/bench_s3/http_response_parser.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/text.h"

namespace bale::bench_s3 {
namespace {

constexpr std::string_view kHeadEnd = "\r\n\r\n";
constexpr size_t kMaxLineBytes = 4096;  // a chunk-size or trailer line

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Whether the comma-separated `value` has the token `lower` (any case).
bool HasToken(std::string_view value, std::string_view lower) {
  for (std::string_view token : Split(value, ','))
    if (EqualsLower(TrimWhitespace(token), lower)) return true;
  return false;
}

}  // namespace

void HttpResponseParser::Reset(bool head_request, size_t keep_body_bytes,
                               size_t keep_error_body_bytes) {
  state_ = State::kHead;
  head_request_ = head_request;
  keep_body_bytes_ = keep_body_bytes;
  keep_error_body_bytes_ = keep_error_body_bytes;
  keep_limit_ = 0;
  status_ = 0;
  keep_alive_ = true;
  chunked_ = false;
  has_length_ = false;
  content_length_ = body_remaining_ = body_bytes_ = 0;
  head_.clear();
  line_.clear();
  body_.clear();
  error_ = {};
}

void HttpResponseParser::Fail(std::string_view why) {
  state_ = State::kFailed;
  error_ = why;
  keep_alive_ = false;
}

size_t HttpResponseParser::Feed(const char* data, size_t size) {
  size_t used = 0;
  while (used < size && state_ != State::kDone && state_ != State::kFailed) {
    if (state_ == State::kHead) {
      used += FeedHead(data + used, size - used);
    } else {
      used += FeedBody(data + used, size - used);
    }
  }
  return used;
}

void HttpResponseParser::FinishAtEof() {
  if (state_ == State::kBodyToEof) {
    state_ = State::kDone;
  } else if (state_ != State::kDone && state_ != State::kFailed) {
    Fail(state_ == State::kHead && head_.empty() ? "connection closed before an answer"
                                                 : "connection closed in the middle of an answer");
  }
}

size_t HttpResponseParser::FeedHead(const char* data, size_t size) {
  std::string_view in(data, size);
  if (head_.empty()) {  // the usual case: the whole head in one read, parsed in place
    size_t end = in.find(kHeadEnd);
    if (end != std::string_view::npos) {
      if (end + kHeadEnd.size() > kMaxHeadBytes) {
        Fail("answer head too long");
        return size;
      }
      ParseHead(in.substr(0, end + kHeadEnd.size()));
      return end + kHeadEnd.size();
    }
  }
  const size_t old = head_.size();
  head_.append(data, std::min(size, kMaxHeadBytes + kHeadEnd.size() - old));
  size_t end = head_.find(kHeadEnd, old >= 3 ? old - 3 : 0);
  if (end == std::string::npos) {
    if (head_.size() > kMaxHeadBytes) Fail("answer head too long");
    return size;
  }
  const size_t used = end + kHeadEnd.size() - old;
  head_.resize(end + kHeadEnd.size());
  ParseHead(head_);
  head_.clear();
  return used;
}

bool HttpResponseParser::ParseHead(std::string_view head) {
  // "HTTP/1.1 200 OK\r\n"
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
      (status_line[7] != '0' && status_line[7] != '1') || status_line[8] != ' ') {
    Fail("malformed status line");
    return false;
  }
  int status = 0;
  auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || end != status_line.data() + 12 || status < 100 ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    Fail("malformed status code");
    return false;
  }
  bool keep_alive = status_line[7] == '1';
  bool chunked = false, has_length = false;
  uint64_t length = 0;
  size_t pos = eol + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, next - pos);
    pos = next + 2;
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      Fail("malformed header line");
      return false;
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = TrimWhitespace(line.substr(colon + 1));
    if (EqualsLower(name, "content-length")) {
      auto [e, err] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (err != std::errc() || e != value.data() + value.size() || value.empty() ||
          (has_length && length != content_length_)) {
        Fail("malformed Content-Length");
        return false;
      }
      has_length = true;
      content_length_ = length;
    } else if (EqualsLower(name, "transfer-encoding")) {
      chunked = HasToken(value, "chunked");
      if (!chunked) {
        Fail("unsupported Transfer-Encoding");
        return false;
      }
    } else if (EqualsLower(name, "connection")) {
      if (HasToken(value, "close")) keep_alive = false;
      if (HasToken(value, "keep-alive")) keep_alive = true;
    }
  }
  if (status < 200) return true;  // 100 Continue and friends: the real answer follows
  status_ = status;
  keep_alive_ = keep_alive;
  chunked_ = chunked;
  has_length_ = has_length;
  StartBody();
  return true;
}

void HttpResponseParser::StartBody() {
  keep_limit_ = status_ >= 300 ? keep_error_body_bytes_ : keep_body_bytes_;
  if (head_request_ || status_ == 204 || status_ == 304) {
    state_ = State::kDone;
  } else if (chunked_) {
    state_ = State::kChunkSize;
  } else if (has_length_) {
    body_remaining_ = content_length_;
    state_ = body_remaining_ == 0 ? State::kDone : State::kBody;
  } else {
    keep_alive_ = false;
    state_ = State::kBodyToEof;
  }
}

void HttpResponseParser::KeepBody(const char* data, size_t size) {
  body_bytes_ += size;
  if (body_.size() < keep_limit_) body_.append(data, std::min(size, keep_limit_ - body_.size()));
}

bool HttpResponseParser::TakeLine(const char* data, size_t size, size_t* used) {
  const void* nl = std::memchr(data, '\n', size);
  size_t take = nl ? static_cast<const char*>(nl) - data + 1 : size;
  line_.append(data, take);
  *used = take;
  if (line_.size() > kMaxLineBytes) {
    Fail("chunk line too long");
    return false;
  }
  return nl != nullptr;
}

size_t HttpResponseParser::FeedBody(const char* data, size_t size) {
  size_t used = 0;
  switch (state_) {
    case State::kBody:
    case State::kChunkData: {
      used = static_cast<size_t>(std::min<uint64_t>(size, body_remaining_));
      KeepBody(data, used);
      body_remaining_ -= used;
      if (body_remaining_ == 0)
        state_ = state_ == State::kBody ? State::kDone : State::kChunkDataEnd;
      return used;
    }
    case State::kBodyToEof:
      KeepBody(data, size);
      return size;
    case State::kChunkSize: {
      if (!TakeLine(data, size, &used)) return used;
      std::string_view line =
          TrimWhitespace(std::string_view(line_).substr(0, line_.find_first_of(";\r\n")));
      uint64_t chunk = 0;
      auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), chunk, 16);
      if (ec != std::errc() || end != line.data() + line.size() || line.empty()) {
        Fail("malformed chunk size");
        return used;
      }
      line_.clear();
      body_remaining_ = chunk;
      state_ = chunk == 0 ? State::kTrailer : State::kChunkData;
      return used;
    }
    case State::kChunkDataEnd:
    case State::kTrailer: {
      if (!TakeLine(data, size, &used)) return used;
      const bool empty = line_ == "\r\n" || line_ == "\n";
      if (state_ == State::kChunkDataEnd) {
        if (!empty)
          Fail("chunk data longer than its size");
        else
          state_ = State::kChunkSize;
      } else if (empty) {
        state_ = State::kDone;
      }
      line_.clear();
      return used;
    }
    case State::kHead:
    case State::kDone:
    case State::kFailed:
      break;
  }
  return used;
}

std::string_view S3ErrorCode(std::string_view body) {
  constexpr std::string_view kOpen = "<Code>", kClose = "</Code>";
  size_t start = body.find(kOpen);
  if (start == std::string_view::npos) return {};
  start += kOpen.size();
  size_t end = body.find(kClose, start);
  if (end == std::string_view::npos) return {};
  return TrimWhitespace(body.substr(start, end - start));
}

}  // namespace bale::bench_s3
