#include "tools/bench_s3/request_head.h"

#include <charconv>

namespace bale::bench_s3 {

void WriteRequestHead(RequestSigner& signer, const RequestHead& head, int64_t unix_seconds,
                      std::string* out) {
  out->clear();
  out->append(head.method).push_back(' ');
  out->append(head.path);
  if (!head.query.empty()) out->append("?").append(head.query);
  out->append(" HTTP/1.1\r\n");
  signer.AppendSignedHeaders(head.method, head.path, head.query, head.payload_hash, unix_seconds,
                             out);
  if (head.content_length) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *head.content_length);
    out->append("Content-Length: ").append(digits, end).append("\r\n");
  }
  out->append(head.extra_lines);
  out->append("\r\n");
}

KeySpace::KeySpace(std::string bucket, std::string prefix, uint64_t count)
    : bucket_(std::move(bucket)), prefix_(std::move(prefix)), count_(count) {
  bucket_path_ = "/" + bucket_;
  path_prefix_ = bucket_path_ + "/" + prefix_ + "/";
}

void KeySpace::AppendIndex(uint64_t index, std::string* out) {
  char digits[kIndexDigits];
  for (int i = kIndexDigits - 1; i >= 0; i--) {
    digits[i] = static_cast<char>('0' + index % 10);
    index /= 10;
  }
  out->append(digits, kIndexDigits);
}

std::string KeySpace::Key(uint64_t index) const {
  std::string key = prefix_ + "/";
  AppendIndex(index, &key);
  return key;
}

void KeySpace::WritePath(uint64_t index, std::string* out) const {
  out->assign(path_prefix_);
  AppendIndex(index, out);
}

}  // namespace bale::bench_s3
