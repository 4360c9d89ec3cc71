#include "auth/aws_chunked.h"

#include <algorithm>

#include "auth/encoding.h"
#include "auth/request.h"
#include "auth/s3_errors.h"
#include "auth/signing_key.h"
#include "common/text.h"

namespace bale::auth {
namespace {

constexpr std::string_view kChunkSignaturePrefix = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";
constexpr std::string_view kChecksumTrailerPrefix = "x-amz-checksum-";
constexpr std::string_view kChunkStringToSignPrefix = "AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kTrailerStringToSignPrefix = "AWS4-HMAC-SHA256-TRAILER";
// SHA-256 of the empty string: the "headers" hash of every chunk string to sign.
constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr size_t kMaxChunkSizeDigits = 16;  // a 64-bit size

Status Framing(std::string message) {
  return MalformedRequest(kInvalidRequest, "Malformed aws-chunked body: " + message);
}

Status MalformedTrailer(std::string detail) {
  return MalformedRequest(kMalformedTrailerError,
                          "The request contained trailing data that was not well-formed or did "
                          "not conform to our published schema: " +
                              detail);
}

Status Incomplete(std::string message) {
  return MalformedRequest(kIncompleteBody, std::move(message));
}

// With the byte counts S3 gives beside IncompleteBody.
Status Incomplete(std::string message, uint64_t expected, uint64_t provided) {
  return Incomplete(std::move(message))
      .WithDetail("NumberBytesExpected", std::to_string(expected))
      .WithDetail("NumberBytesProvided", std::to_string(provided));
}

std::optional<uint64_t> ParseHexSize(std::string_view text) {
  if (text.empty() || text.size() > kMaxChunkSizeDigits) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

bool SignsChunks(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer;
}

}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(const AuthContext& context)
    : mode_(context.payload),
      signed_chunks_(SignsChunks(context.payload)),
      signing_(context.chunk_signing),
      trailer_checksum_(context.trailer_checksum),
      previous_signature_(context.chunk_signing.seed_signature) {
  if (!IsAwsChunked(mode_)) {
    Fail(FailedPreconditionError("AwsChunkedDecoder needs a STREAMING-* payload mode"))
        .IgnoreError();
    return;
  }
  if (signed_chunks_) chunk_sha256_ = NewHasher(ChecksumAlgorithm::kSha256);
  if (trailer_checksum_) payload_checksum_ = NewHasher(*trailer_checksum_);
}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

Status AwsChunkedDecoder::Fail(Status status) {
  status_ = status;
  state_ = State::kFailed;
  return status;
}

Status AwsChunkedDecoder::Feed(std::string_view bytes, std::string* payload_out) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::kChunkHeader:
      case State::kTrailer: {
        Result<bool> whole_line = TakeLine(&bytes);
        if (!whole_line.ok()) return Fail(whole_line.status());
        if (!*whole_line) break;
        std::string line = std::move(line_);
        line_.clear();
        Status s = state_ == State::kChunkHeader ? OnChunkHeader(line) : OnTrailerLine(line);
        if (!s.ok()) return Fail(s);
        break;
      }
      case State::kChunkData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_remaining_, bytes.size()));
        std::string_view data = bytes.substr(0, n);
        payload_out->append(data);
        if (chunk_sha256_) chunk_sha256_->Update(data);
        if (payload_checksum_) payload_checksum_->Update(data);
        decoded_length_ += n;
        chunk_remaining_ -= n;
        bytes.remove_prefix(n);
        if (chunk_remaining_ == 0) {
          state_ = State::kChunkDataEnd;
          crlf_seen_ = 0;
        }
        break;
      }
      case State::kChunkDataEnd: {
        if (bytes.front() != (crlf_seen_ == 0 ? '\r' : '\n')) {
          return Fail(Framing("chunk data is not followed by CRLF"));
        }
        bytes.remove_prefix(1);
        if (++crlf_seen_ == 2) {
          Status s = OnChunkEnd();
          if (!s.ok()) return Fail(s);
        }
        break;
      }
      case State::kDone:
        return Fail(Framing("data after the end of the body"));
      case State::kFailed:
        return status_;
    }
  }
  return state_ == State::kFailed ? status_ : Status::Ok();
}

Result<bool> AwsChunkedDecoder::TakeLine(std::string_view* bytes) {
  size_t newline = bytes->find('\n');
  size_t take = newline == std::string_view::npos ? bytes->size() : newline + 1;
  if (line_.size() + take > kMaxLineBytes) {
    return state_ == State::kTrailer ? MalformedTrailer("trailer line too long")
                                     : Framing("chunk header too long");
  }
  line_.append(bytes->substr(0, take));
  bytes->remove_prefix(take);
  if (newline == std::string_view::npos) return false;
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
    return state_ == State::kTrailer ? MalformedTrailer("trailer line not ended by CRLF")
                                     : Framing("chunk header not ended by CRLF");
  }
  line_.resize(line_.size() - 2);
  return true;
}

Status AwsChunkedDecoder::OnChunkHeader(std::string_view line) {
  size_t semicolon = line.find(';');
  std::optional<uint64_t> size = ParseHexSize(TrimWhitespace(line.substr(0, semicolon)));
  if (!size) return Framing("invalid chunk size");
  if (signed_chunks_) {
    std::string_view extension = semicolon == std::string_view::npos
                                     ? std::string_view()
                                     : TrimWhitespace(line.substr(semicolon + 1));
    if (extension.substr(0, kChunkSignaturePrefix.size()) != kChunkSignaturePrefix) {
      return Framing("chunk header has no chunk-signature");
    }
    chunk_signature_ = std::string(extension.substr(kChunkSignaturePrefix.size()));
  }
  // Unsigned chunks may carry extensions; nothing in them is trusted.
  if (expected_length_ && *size > *expected_length_ - decoded_length_) {
    return Incomplete("The aws-chunked body holds more than x-amz-decoded-content-length (" +
                          std::to_string(*expected_length_) + ") bytes",
                      *expected_length_, decoded_length_ + *size);
  }
  if (*size == 0) {
    if (signed_chunks_) RETURN_IF_ERROR(VerifyChunkSignature(kEmptySha256Hex));
    state_ = State::kTrailer;
    return Status::Ok();
  }
  chunk_remaining_ = *size;
  state_ = State::kChunkData;
  return Status::Ok();
}

Status AwsChunkedDecoder::OnChunkEnd() {
  if (signed_chunks_) RETURN_IF_ERROR(VerifyChunkSignature(HexEncode(chunk_sha256_->Finish())));
  state_ = State::kChunkHeader;
  return Status::Ok();
}

Status AwsChunkedDecoder::VerifyChunkSignature(std::string_view chunk_sha256_hex) {
  std::string string_to_sign(kChunkStringToSignPrefix);
  string_to_sign.append("\n").append(signing_.timestamp);
  string_to_sign.append("\n").append(signing_.scope);
  string_to_sign.append("\n").append(previous_signature_);
  string_to_sign.append("\n").append(kEmptySha256Hex);
  string_to_sign.append("\n").append(chunk_sha256_hex);
  std::string expected = HmacSha256Hex(signing_.signing_key, string_to_sign);
  if (!ConstantTimeEquals(expected, chunk_signature_)) {
    return SignatureDoesNotMatch("The chunk signature we calculated does not match the one sent");
  }
  previous_signature_ = std::move(expected);
  return Status::Ok();
}

Status AwsChunkedDecoder::OnTrailerLine(std::string_view line) {
  if (line.empty()) {
    // Some encoders put an empty line between the 0 chunk and the trailers;
    // a second empty line, or one after a trailer field, ends the body.
    if (mode_ != PayloadMode::kStreamingSigned && !saw_trailer_line_ && !saw_blank_line_) {
      saw_blank_line_ = true;
      return Status::Ok();
    }
    return OnTrailerEnd();
  }
  if (mode_ == PayloadMode::kStreamingSigned) {
    return MalformedTrailer("STREAMING-AWS4-HMAC-SHA256-PAYLOAD has no trailer");
  }
  saw_trailer_line_ = true;
  trailer_bytes_ += line.size();
  if (trailer_bytes_ > kMaxTrailerBytes) return MalformedTrailer("trailer too large");
  if (trailer_signature_) return MalformedTrailer("a field follows x-amz-trailer-signature");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return MalformedTrailer("a trailer line has no ':'");
  std::string name = ToLowerAscii(TrimWhitespace(line.substr(0, colon)));
  std::string value(TrimWhitespace(line.substr(colon + 1)));
  if (name.empty()) return MalformedTrailer("a trailer field has no name");
  if (name == kTrailerSignatureName) {
    // An unsigned-trailer body has nothing to check a signature against.
    if (mode_ == PayloadMode::kStreamingSignedTrailer) trailer_signature_ = std::move(value);
    return Status::Ok();
  }
  if (name.rfind(kChecksumTrailerPrefix, 0) == 0 &&
      (!trailer_checksum_ || name != ChecksumHeaderName(*trailer_checksum_))) {
    return MalformedTrailer(name + " was not announced by x-amz-trailer");
  }
  for (const auto& field : trailers_.fields) {
    if (field.first == name) return MalformedTrailer("repeated trailer field " + name);
  }
  canonical_trailers_.append(name).append(":").append(value).append("\n");
  trailers_.fields.emplace_back(std::move(name), std::move(value));
  return Status::Ok();
}

Status AwsChunkedDecoder::OnTrailerEnd() {
  if (mode_ == PayloadMode::kStreamingSignedTrailer) {
    if (!trailer_signature_) {
      if (!trailers_.fields.empty()) {
        return SignatureDoesNotMatch("The trailer has no x-amz-trailer-signature");
      }
    } else {
      std::string string_to_sign(kTrailerStringToSignPrefix);
      string_to_sign.append("\n").append(signing_.timestamp);
      string_to_sign.append("\n").append(signing_.scope);
      string_to_sign.append("\n").append(previous_signature_);
      string_to_sign.append("\n").append(Sha256Hex(canonical_trailers_));
      if (!ConstantTimeEquals(HmacSha256Hex(signing_.signing_key, string_to_sign),
                              *trailer_signature_)) {
        return SignatureDoesNotMatch(
            "The trailer signature we calculated does not match the one sent");
      }
    }
  }
  RETURN_IF_ERROR(VerifyTrailerChecksum());
  if (expected_length_ && decoded_length_ != *expected_length_) {
    return Incomplete("The aws-chunked body decoded to " + std::to_string(decoded_length_) +
                          " bytes; x-amz-decoded-content-length is " +
                          std::to_string(*expected_length_),
                      *expected_length_, decoded_length_);
  }
  trailers_.decoded_length = decoded_length_;
  state_ = State::kDone;
  return Status::Ok();
}

Status AwsChunkedDecoder::VerifyTrailerChecksum() {
  if (!trailer_checksum_) return Status::Ok();
  const std::string_view header = ChecksumHeaderName(*trailer_checksum_);
  auto field = std::find_if(trailers_.fields.begin(), trailers_.fields.end(),
                            [&](const auto& f) { return f.first == header; });
  if (field == trailers_.fields.end()) {
    return MalformedTrailer("x-amz-trailer announced " + std::string(header) + ", none was sent");
  }
  std::optional<std::string> sent = Base64Decode(field->second);
  if (!sent || sent->size() != ChecksumDigestSize(*trailer_checksum_)) {
    return MalformedRequest(kInvalidRequest,
                            "Value for " + std::string(header) + " trailing header is invalid.");
  }
  if (*sent != payload_checksum_->Finish()) {
    return MalformedRequest(kBadDigest,
                            "The " + std::string(ChecksumAlgorithmName(*trailer_checksum_)) +
                                " you specified did not match the calculated checksum.");
  }
  trailers_.checksum_algorithm = trailer_checksum_;
  trailers_.checksum_base64 = field->second;
  return Status::Ok();
}

Result<Trailers> AwsChunkedDecoder::Finish() {
  if (state_ == State::kTrailer) {
    // Accept a body whose last line lacks its CRLF, or that ends without the
    // final empty line: what is there is still verified.
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    std::string last = std::move(line_);
    line_.clear();
    if (!last.empty()) {
      Status s = OnTrailerLine(last);
      if (!s.ok()) return Fail(s);
    }
    if (state_ == State::kTrailer) {
      Status s = OnTrailerEnd();
      if (!s.ok()) return Fail(s);
    }
  }
  if (state_ == State::kFailed) return status_;
  if (state_ != State::kDone) return Fail(Incomplete("The request body terminated unexpectedly"));
  return trailers_;
}

}  // namespace bale::auth
