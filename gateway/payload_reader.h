// PayloadReader: the object bytes of a PUT body, whatever its framing: plain
// (Content-Length) or aws-chunked (signed chunks, signed or unsigned trailers).
// MD5 (the ETag), SHA-256 and any requested x-amz-checksum are computed as
// the bytes pass; Finish() checks them against x-amz-content-sha256,
// Content-MD5 and the checksum header or trailer.
//
// Thread-safety: one request, one thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/aws_chunked.h"
#include "auth/checksum.h"
#include "auth/sigv4.h"
#include "common/status.h"
#include "gateway/http_exchange.h"

namespace bale::s3 {

class PayloadReader {
 public:
  // Validates the headers that describe the payload (lengths, Content-MD5,
  // checksum headers and trailers) with S3's error reasons.
  static Result<std::unique_ptr<PayloadReader>> Create(const HttpRequestHead& head,
                                                       const auth::AuthContext& auth,
                                                       RequestBody* body);
  // Whether the request announces a body at all (Content-Length, chunking or
  // an aws-chunked payload); one that announces none has none (curl -X PUT).
  static bool Announced(const HttpRequestHead& head, const auth::AuthContext& auth) {
    return head.content_length || head.chunked || auth::IsAwsChunked(auth.payload);
  }
  ~PayloadReader();

  // The object's length as the request declares it.
  uint64_t length() const { return length_; }
  // Reads up to `n` object bytes; 0 at the end.
  Result<size_t> Read(char* buf, size_t n);
  // From now on Read() hands bytes out unhashed, and the caller passes each
  // of them, in order, to Hash() (from one thread at a time, any thread)
  // before Finish(): so a large body is hashed on another core while the
  // next bytes arrive.
  void DeferHashing() { defer_hashing_ = true; }
  void Hash(std::string_view data);
  // After Read() returned 0: checks every digest (BadDigest,
  // XAmzContentSHA256Mismatch, IncompleteBody).
  Status Finish();
  // Reads the whole body, then Finish(): for small documents, whose callers
  // have checked length() against their own limit.
  Result<std::string> ReadAll();

  const std::string& md5_hex() const { return md5_hex_; }
  // Algorithm name ("CRC32") -> base64 value, for the checksum sent, if any.
  const std::map<std::string, std::string>& checksums() const { return checksums_; }

 private:
  PayloadReader(const auth::AuthContext& auth, RequestBody* body);
  Result<size_t> ReadChunked(char* buf, size_t n);
  // The body ended short of its declared length (with the counts S3 gives).
  Status IncompleteBody() const;

  const auth::AuthContext& auth_;
  RequestBody* body_;
  uint64_t length_ = 0;
  uint64_t read_ = 0;
  bool defer_hashing_ = false;
  std::unique_ptr<auth::AwsChunkedDecoder> decoder_;
  std::string raw_;      // aws-chunked bytes read but not decoded
  std::string decoded_;  // decoded bytes not yet handed out
  size_t decoded_pos_ = 0;
  bool raw_done_ = false;
  std::optional<auth::Trailers> trailers_;
  std::unique_ptr<auth::Hasher> md5_;
  std::unique_ptr<auth::Hasher> sha256_;
  std::optional<auth::ChecksumAlgorithm> checksum_alg_;
  std::string checksum_expected_;  // base64, from a header (empty: from the trailer)
  std::unique_ptr<auth::Hasher> checksum_;
  std::string content_md5_;  // raw 16 bytes, if sent
  std::string md5_hex_;
  std::map<std::string, std::string> checksums_;
};

}  // namespace bale::s3
