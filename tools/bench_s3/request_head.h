// The bytes of a signed S3 request head, and KeySpace: the object keys a run
// uses. Both write into the caller's buffer, so a warm connection builds its
// next request without allocating.
//
// Thread-safety: KeySpace is immutable; WriteRequestHead uses the caller's
// signer (one per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/bench_s3/request_signer.h"

namespace bale::bench_s3 {

struct RequestHead {
  std::string_view method;
  std::string_view path;   // URI-encoded: "/bucket/key"
  std::string_view query;  // canonical form, without '?': "list-type=2&max-keys=10"
  std::optional<uint64_t> content_length;
  std::string_view extra_lines;  // unsigned header lines, each ending in CRLF
  std::string_view payload_hash = kUnsignedPayload;
};

// Clears *out and writes "METHOD path[?query] HTTP/1.1", the signed headers,
// Content-Length when set, the extra lines and the blank line.
void WriteRequestHead(RequestSigner& signer, const RequestHead& head, int64_t unix_seconds,
                      std::string* out);

// Keys "<prefix>/<index, 10 digits>" for index in [0, count), in bucket.
// Bucket and prefix use only characters that need no URI encoding.
class KeySpace {
 public:
  static constexpr int kIndexDigits = 10;

  KeySpace(std::string bucket, std::string prefix, uint64_t count);

  const std::string& bucket() const { return bucket_; }
  const std::string& prefix() const { return prefix_; }
  uint64_t count() const { return count_; }
  // "/bucket"
  const std::string& bucket_path() const { return bucket_path_; }

  // "prefix/0000000042"
  std::string Key(uint64_t index) const;
  // Clears *out and writes "/bucket/prefix/0000000042".
  void WritePath(uint64_t index, std::string* out) const;
  // Appends the 10 digits of index.
  static void AppendIndex(uint64_t index, std::string* out);

 private:
  std::string bucket_, prefix_, bucket_path_, path_prefix_;
  uint64_t count_;
};

}  // namespace bale::bench_s3
