#include "gateway/payload_reader.h"

#include <charconv>
#include <cstring>

#include "auth/encoding.h"
#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

constexpr size_t kRawChunk = 256 << 10;
constexpr uint64_t kMaxObjectBytes = 5ull << 30;  // S3's single-PUT limit

std::optional<uint64_t> ParseLength(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

PayloadReader::PayloadReader(const auth::AuthContext& auth, RequestBody* body)
    : auth_(auth), body_(body), md5_(auth::NewMd5Hasher()) {}

PayloadReader::~PayloadReader() = default;

Result<std::unique_ptr<PayloadReader>> PayloadReader::Create(const HttpRequestHead& head,
                                                             const auth::AuthContext& auth,
                                                             RequestBody* body) {
  std::unique_ptr<PayloadReader> r(new PayloadReader(auth, body));
  if (auth::IsAwsChunked(auth.payload)) {
    std::string_view decoded = head.Header("x-amz-decoded-content-length");
    if (decoded.empty())
      return ErrorStatus("MissingContentLength",
                         "You must provide the Content-Length HTTP header "
                         "(x-amz-decoded-content-length for aws-chunked).");
    auto len = ParseLength(decoded);
    if (!len)
      return ErrorStatus("MissingContentLength",
                         "You must provide the Content-Length HTTP header "
                         "(x-amz-decoded-content-length is not a number).");
    r->length_ = *len;
    r->decoder_ = std::make_unique<auth::AwsChunkedDecoder>(auth);
    r->decoder_->ExpectDecodedLength(*len);
  } else {
    // S3 takes a body of unknown length only as aws-chunked; plain HTTP
    // chunking is a feature it names and refuses.
    if (head.chunked)
      return ErrorStatus("NotImplemented",
                         "A header you provided implies functionality that is not implemented")
          .WithDetail("Header", "Transfer-Encoding");
    if (!head.content_length)
      return ErrorStatus("MissingContentLength",
                         "You must provide the Content-Length HTTP header.");
    r->length_ = *head.content_length;
  }
  if (r->length_ > kMaxObjectBytes)
    return ErrorStatus("EntityTooLarge")
        .WithDetail("ProposedSize", std::to_string(r->length_))
        .WithDetail("MaxSizeAllowed", std::to_string(kMaxObjectBytes));
  if (auth.payload == auth::PayloadMode::kSha256)
    r->sha256_ = auth::NewHasher(auth::ChecksumAlgorithm::kSha256);

  if (std::string_view md5 = head.Header("content-md5"); !md5.empty()) {
    auto raw = auth::Base64Decode(md5);
    if (!raw || raw->size() != 16)
      return ErrorStatus("InvalidDigest").WithDetail("Content-MD5", std::string(md5));
    r->content_md5_ = *raw;
  }
  // At most one checksum: as a header, or announced as a trailer.
  for (const auto& [name, value] : head.headers) {
    auto alg = auth::ChecksumAlgorithmFromHeaderName(name);
    if (!alg) continue;
    if (r->checksum_alg_)
      return ErrorStatus("InvalidRequest",
                         "Expecting a single x-amz-checksum- header. Multiple "
                         "checksum Types are not allowed.");
    auto raw = auth::Base64Decode(value);
    if (!raw || raw->size() != auth::ChecksumDigestSize(*alg))
      return ErrorStatus(
          "InvalidRequest",
          "Value for " + std::string(auth::ChecksumHeaderName(*alg)) + " header is invalid.");
    r->checksum_alg_ = alg;
    r->checksum_expected_ = value;
  }
  if (auth.trailer_checksum) {
    if (r->checksum_alg_)
      return ErrorStatus("InvalidRequest",
                         "Expecting a single x-amz-checksum- header. Multiple "
                         "checksum Types are not allowed.");
    r->checksum_alg_ = auth.trailer_checksum;
  }
  if (std::string_view sdk = head.Header("x-amz-sdk-checksum-algorithm"); !sdk.empty()) {
    auto alg = auth::ChecksumAlgorithmFromName(sdk);
    if (!alg)
      return ErrorStatus("InvalidRequest",
                         "Checksum algorithm " + std::string(sdk) + " is not supported.");
    if (r->checksum_alg_ && *r->checksum_alg_ != *alg)
      return ErrorStatus("InvalidRequest",
                         "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    if (!r->checksum_alg_)
      return ErrorStatus("InvalidRequest",
                         "x-amz-sdk-checksum-algorithm specified, but no "
                         "corresponding x-amz-checksum-* or x-amz-trailer headers "
                         "were found.");
  }
  if (r->checksum_alg_) r->checksum_ = auth::NewHasher(*r->checksum_alg_);
  return r;
}

void PayloadReader::Hash(std::string_view data) {
  md5_->Update(data);
  if (sha256_) sha256_->Update(data);
  if (checksum_) checksum_->Update(data);
}

Status PayloadReader::IncompleteBody() const {
  return ErrorStatus("IncompleteBody",
                     "You did not provide the number of bytes specified by the Content-Length "
                     "HTTP header.")
      .WithDetail("NumberBytesExpected", std::to_string(length_))
      .WithDetail("NumberBytesProvided", std::to_string(read_));
}

Result<size_t> PayloadReader::Read(char* buf, size_t n) {
  size_t got;
  if (decoder_) {
    ASSIGN_OR_RETURN(got, ReadChunked(buf, n));
  } else {
    if (read_ >= length_) return size_t{0};
    ASSIGN_OR_RETURN(got, body_->Read(buf, std::min<uint64_t>(n, length_ - read_)));
    if (got == 0 && read_ < length_) return IncompleteBody();
  }
  read_ += got;
  if (!defer_hashing_) Hash(std::string_view(buf, got));
  return got;
}

Result<size_t> PayloadReader::ReadChunked(char* buf, size_t n) {
  while (decoded_pos_ == decoded_.size()) {
    decoded_.clear();
    decoded_pos_ = 0;
    if (raw_done_) return size_t{0};
    raw_.resize(kRawChunk);
    ASSIGN_OR_RETURN(size_t got, body_->Read(raw_.data(), raw_.size()));
    if (got == 0) {
      raw_done_ = true;
      ASSIGN_OR_RETURN(trailers_, decoder_->Finish());
      continue;
    }
    RETURN_IF_ERROR(decoder_->Feed(std::string_view(raw_.data(), got), &decoded_));
  }
  size_t take = std::min(n, decoded_.size() - decoded_pos_);
  std::memcpy(buf, decoded_.data() + decoded_pos_, take);
  decoded_pos_ += take;
  return take;
}

Result<std::string> PayloadReader::ReadAll() {
  std::string body(length_, '\0');
  for (size_t filled = 0; filled < body.size();) {
    ASSIGN_OR_RETURN(size_t n, Read(body.data() + filled, body.size() - filled));
    if (n == 0) return IncompleteBody();
    filled += n;
  }
  char probe;
  ASSIGN_OR_RETURN(size_t extra, Read(&probe, 1));  // reach trailers and digests
  if (extra != 0) return ErrorStatus("IncompleteBody");
  RETURN_IF_ERROR(Finish());
  return body;
}

Status PayloadReader::Finish() {
  if (read_ != length_) return IncompleteBody();
  std::string md5 = md5_->Finish();
  md5_hex_ = auth::HexEncode(md5);
  if (sha256_) RETURN_IF_ERROR(auth::CheckPayloadSha256(auth_, auth::HexEncode(sha256_->Finish())));
  if (!content_md5_.empty() && content_md5_ != md5)  // AWS: the expected as hex, ours as Base64
    return ErrorStatus("BadDigest", "The Content-MD5 you specified did not match what we received.")
        .WithDetail("ExpectedDigest", auth::HexEncode(content_md5_))
        .WithDetail("CalculatedDigest", auth::Base64Encode(md5));
  if (checksum_) {
    std::string expected = checksum_expected_;
    if (expected.empty() && trailers_ && trailers_->checksum_algorithm == checksum_alg_)
      expected = trailers_->checksum_base64;
    std::string actual = auth::Base64Encode(checksum_->Finish());
    std::string name(auth::ChecksumAlgorithmName(*checksum_alg_));
    if (expected.empty())
      return ErrorStatus("MalformedTrailerError",
                         "The request announced an x-amz-trailer checksum "
                         "but the trailer did not carry it.");
    if (expected != actual)
      return ErrorStatus("BadDigest", "The " + name +
                                          " you specified did not match the "
                                          "calculated checksum.");
    checksums_[name] = actual;
  }
  return Status::Ok();
}

}  // namespace bale::s3
