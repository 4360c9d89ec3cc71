// AwsChunkedDecoder: turns an aws-chunked request body back into the object
// bytes while verifying it, for the three streaming payload modes:
//
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          <hex>;chunk-signature=<sig>\r\n<data>\r\n
//                                               ... 0;chunk-signature=<sig>\r\n\r\n
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  same chunks, then after the 0 chunk:
//                                               name:value\r\n ...
//                                               x-amz-trailer-signature:<sig>\r\n\r\n
//   STREAMING-UNSIGNED-PAYLOAD-TRAILER          <hex>\r\n<data>\r\n ... 0\r\n
//                                               name:value\r\n ... \r\n
//
// Each chunk signature chains on the previous one (the first on the request's
// seed signature); the trailer signature chains on the 0 chunk's. When
// x-amz-trailer announced a checksum, the decoder computes it over the decoded
// bytes and compares it with the trailer.
//
// Bytes are handed out as they arrive, before their chunk's signature has been
// checked: the caller must not make the object visible until Finish() is OK.
// Memory is bounded: one chunk header or trailer line (kMaxLineBytes) and the
// trailer section (kMaxTrailerBytes) are the only things buffered.
//
// Errors (Status::reason()): bad framing -> InvalidRequest; body ends early or
// differs from the expected decoded length -> IncompleteBody; bad chunk or
// trailer signature -> SignatureDoesNotMatch; malformed or unexpected trailer
// -> MalformedTrailerError; invalid checksum value -> InvalidRequest; checksum
// mismatch -> BadDigest. After an error every call returns the same error.
//
// Thread-safety: one decoder per request, used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/checksum.h"
#include "auth/sigv4.h"
#include "common/status.h"

namespace bale::auth {

struct Trailers {
  // Trailer fields other than x-amz-trailer-signature, in order: lowercase
  // names, values with surrounding whitespace removed.
  std::vector<std::pair<std::string, std::string>> fields;
  // Payload bytes decoded (compare with x-amz-decoded-content-length).
  uint64_t decoded_length = 0;
  // The checksum x-amz-trailer announced, verified against the payload: its
  // algorithm and value as sent (base64).
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::string checksum_base64;
};

class AwsChunkedDecoder {
 public:
  static constexpr size_t kMaxLineBytes = 8 << 10;
  static constexpr size_t kMaxTrailerBytes = 16 << 10;

  // `context.payload` must be one of the streaming modes; the decoder copies
  // what it needs.
  explicit AwsChunkedDecoder(const AuthContext& context);
  ~AwsChunkedDecoder();
  AwsChunkedDecoder(const AwsChunkedDecoder&) = delete;
  AwsChunkedDecoder& operator=(const AwsChunkedDecoder&) = delete;

  // Optional: the x-amz-decoded-content-length the client declared. A body
  // that decodes to more (detected as soon as a chunk header says so) or fewer
  // bytes fails with IncompleteBody.
  void ExpectDecodedLength(uint64_t length) { expected_length_ = length; }

  // Consumes the next body bytes, split anywhere, and appends the decoded
  // payload among them to *payload_out.
  Status Feed(std::string_view bytes, std::string* payload_out);

  // Call at the end of the body. Checks that the body was complete and
  // verifies the trailer; returns it.
  Result<Trailers> Finish();

  uint64_t decoded_length() const { return decoded_length_; }

 private:
  enum class State {
    kChunkHeader,   // reading "<hex>[;chunk-signature=<sig>]\r\n"
    kChunkData,     // passing `chunk_remaining_` data bytes through
    kChunkDataEnd,  // expecting the "\r\n" after the data
    kTrailer,       // after the 0 chunk: trailer lines up to an empty line
    kDone,          // the body is complete and verified
    kFailed,
  };

  // Moves bytes up to and including '\n' into line_. Returns true once a whole
  // line (without its CRLF) is in line_.
  Result<bool> TakeLine(std::string_view* bytes);
  Status OnChunkHeader(std::string_view line);
  Status OnChunkEnd();
  Status OnTrailerLine(std::string_view line);
  Status OnTrailerEnd();
  Status VerifyChunkSignature(std::string_view chunk_sha256_hex);
  Status VerifyTrailerChecksum();
  Status Fail(Status status);

  const PayloadMode mode_;
  const bool signed_chunks_;
  const ChunkSigningContext signing_;
  const std::optional<ChecksumAlgorithm> trailer_checksum_;
  std::optional<uint64_t> expected_length_;

  State state_ = State::kChunkHeader;
  Status status_;
  std::string line_;
  std::string previous_signature_;
  std::string chunk_signature_;  // as sent, for the chunk being read
  uint64_t chunk_remaining_ = 0;
  size_t crlf_seen_ = 0;  // bytes of the "\r\n" after chunk data seen so far
  uint64_t decoded_length_ = 0;
  std::unique_ptr<Hasher> chunk_sha256_;
  std::unique_ptr<Hasher> payload_checksum_;

  // Trailer section.
  bool saw_trailer_line_ = false;
  bool saw_blank_line_ = false;
  size_t trailer_bytes_ = 0;
  std::string canonical_trailers_;  // "name:value\n" per field, for the signature
  std::optional<std::string> trailer_signature_;
  Trailers trailers_;
};

}  // namespace bale::auth
