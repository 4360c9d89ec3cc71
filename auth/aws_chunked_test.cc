#include "auth/aws_chunked.h"

#include <random>

#include <doctest.h>

#include "auth/encoding.h"
#include "auth/testing/map_secret_store.h"
#include "auth/testing/request_signer.h"

namespace bale::auth {
namespace {

constexpr int64_t kExampleTime = 1369353600;  // 20130524T000000Z
constexpr int64_t kMicros = 1'000'000;

// docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
SignedRequest AwsChunkedExampleRequest() {
  return SignedRequest{
      "PUT",
      "/examplebucket/chunkObject.txt",
      {{"Host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class,"
        "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
       {"Content-Encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"Content-Length", "66824"}}};
}

std::string AwsChunkedExampleBody() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
         "\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature="
         "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
         "\r\n\r\n";
}

// docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
SignedRequest AwsTrailerExampleRequest() {
  return SignedRequest{
      "PUT",
      "/examplebucket/chunkObject.txt",
      {{"Host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,"
        "Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
       {"Content-Encoding", "aws-chunked"},
       {"x-amz-trailer", "x-amz-checksum-crc32c"},
       {"x-amz-decoded-content-length", "66560"},
       {"Transfer-Encoding", "chunked"}}};
}

std::string AwsTrailerExampleChunks() {
  return "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
         "\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature="
         "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
         "\r\n";
}

constexpr std::string_view kAwsTrailerExampleTrailer =
    "x-amz-checksum-crc32c:sOO8/Q==\r\n"
    "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n";

AuthContext Authenticated(const SignedRequest& request) {
  ManualClock clock(kExampleTime * kMicros);
  MapSecretStore secrets("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  auto result = Authenticate(request, secrets, clock);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return *result;
}

struct Decoded {
  Status status;  // the first failure, from Feed or Finish
  std::string payload;
  Trailers trailers;
};

// Feeds `body` cut at `cuts` (positions, ascending), then finishes.
Decoded Decode(const AuthContext& context, std::string_view body, std::vector<size_t> cuts = {},
               std::optional<uint64_t> expected_length = std::nullopt) {
  AwsChunkedDecoder decoder(context);
  if (expected_length) decoder.ExpectDecodedLength(*expected_length);
  Decoded out;
  cuts.push_back(body.size());
  size_t pos = 0;
  for (size_t cut : cuts) {
    out.status = decoder.Feed(body.substr(pos, cut - pos), &out.payload);
    if (!out.status.ok()) return out;
    pos = cut;
  }
  auto trailers = decoder.Finish();
  if (!trailers.ok()) {
    out.status = trailers.status();
  } else {
    out.trailers = *trailers;
  }
  return out;
}

std::vector<size_t> EveryByte(size_t n) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < n; i++) cuts.push_back(i);
  return cuts;
}

std::vector<size_t> RandomCuts(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<size_t> cuts;
  for (size_t pos = 0;;) {
    pos += 1 + rng() % 300;
    if (pos >= n) return cuts;
    cuts.push_back(pos);
  }
}

TEST_CASE("AWS example: 64 KiB + 1 KiB signed chunks decode and verify") {
  AuthContext context = Authenticated(AwsChunkedExampleRequest());
  REQUIRE(context.payload == PayloadMode::kStreamingSigned);
  CHECK(context.chunk_signing.seed_signature ==
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
  const std::string body = AwsChunkedExampleBody();
  REQUIRE(body.size() == 66824);  // the example's Content-Length

  SUBCASE("whole") {
    Decoded d = Decode(context, body, {}, 66560);
    REQUIRE_MESSAGE(d.status.ok(), d.status.ToString());
    CHECK(d.payload == std::string(66560, 'a'));
    CHECK(d.trailers.decoded_length == 66560);
    CHECK(d.trailers.fields.empty());
  }
  SUBCASE("one byte at a time") {
    Decoded d = Decode(context, body, EveryByte(body.size()));
    REQUIRE_MESSAGE(d.status.ok(), d.status.ToString());
    CHECK(d.payload == std::string(66560, 'a'));
  }
  SUBCASE("random splits") {
    for (uint32_t seed = 1; seed <= 20; seed++) {
      Decoded d = Decode(context, body, RandomCuts(body.size(), seed));
      REQUIRE_MESSAGE(d.status.ok(), d.status.ToString());
      CHECK(d.payload.size() == 66560);
    }
  }
  SUBCASE("the final CRLF may be missing") {
    Decoded d = Decode(context, std::string_view(body).substr(0, body.size() - 2));
    CHECK_MESSAGE(d.status.ok(), d.status.ToString());
  }
}

TEST_CASE("AWS example: signed chunks with a signed CRC32C trailer") {
  AuthContext context = Authenticated(AwsTrailerExampleRequest());
  REQUIRE(context.payload == PayloadMode::kStreamingSignedTrailer);
  REQUIRE(context.trailer_checksum == ChecksumAlgorithm::kCrc32c);
  const std::string chunks = AwsTrailerExampleChunks();
  // As AWS SDKs send it, with the empty line some encoders put before the
  // trailer, and without the final empty line.
  for (std::string body : {chunks + std::string(kAwsTrailerExampleTrailer) + "\r\n",
                           chunks + "\r\n" + std::string(kAwsTrailerExampleTrailer) + "\r\n",
                           chunks + std::string(kAwsTrailerExampleTrailer)}) {
    Decoded d = Decode(context, body, RandomCuts(body.size(), 5), 66560);
    REQUIRE_MESSAGE(d.status.ok(), d.status.ToString());
    CHECK(d.payload == std::string(66560, 'a'));
    CHECK(d.trailers.fields ==
          std::vector<std::pair<std::string, std::string>>{{"x-amz-checksum-crc32c", "sOO8/Q=="}});
    CHECK(d.trailers.checksum_algorithm == ChecksumAlgorithm::kCrc32c);
    CHECK(d.trailers.checksum_base64 == "sOO8/Q==");
  }
  std::string body = chunks + std::string(kAwsTrailerExampleTrailer) + "\r\n";
  Decoded bytewise = Decode(context, body, EveryByte(body.size()));
  CHECK_MESSAGE(bytewise.status.ok(), bytewise.status.ToString());
}

TEST_CASE("tampered chunks: SignatureDoesNotMatch") {
  AuthContext context = Authenticated(AwsChunkedExampleRequest());
  const std::string body = AwsChunkedExampleBody();
  std::string flipped = body;
  flipped[5000] = 'b';  // inside the first chunk's data
  Decoded d = Decode(context, flipped);
  CHECK(d.status.reason() == "SignatureDoesNotMatch");
  CHECK(d.payload.size() == 65536);  // handed out before the check: callers wait for Finish()

  std::string bad_signature = body;
  bad_signature[30] = bad_signature[30] == '0' ? '1' : '0';
  CHECK(Decode(context, bad_signature).status.reason() == "SignatureDoesNotMatch");

  // The chain: a valid chunk out of place fails.
  const std::string last_chunk =
      "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
  CHECK(Decode(context, last_chunk).status.reason() == "SignatureDoesNotMatch");

  AuthContext trailer_context = Authenticated(AwsTrailerExampleRequest());
  std::string trailer = std::string(kAwsTrailerExampleTrailer);
  trailer[22] = 'X';  // the checksum value, no longer matching the trailer signature
  CHECK(Decode(trailer_context, AwsTrailerExampleChunks() + trailer + "\r\n").status.reason() ==
        "SignatureDoesNotMatch");
  // The checksum line without its signature.
  CHECK(
      Decode(trailer_context, AwsTrailerExampleChunks() + "x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n")
          .status.reason() == "SignatureDoesNotMatch");
}

TEST_CASE("a truncated body: IncompleteBody") {
  AuthContext context = Authenticated(AwsChunkedExampleRequest());
  const std::string body = AwsChunkedExampleBody();
  const size_t final_chunk = body.size() - 86;  // where "0;chunk-signature=..." starts
  for (size_t length : {size_t{0}, size_t{1}, size_t{20}, size_t{88}, size_t{5000}, size_t{65624},
                        size_t{65625}, size_t{65626}, final_chunk, final_chunk + 40}) {
    CAPTURE(length);
    Decoded d = Decode(context, std::string_view(body).substr(0, length));
    CHECK(d.status.reason() == "IncompleteBody");
    CHECK(d.status.message() == "The request body terminated unexpectedly");
  }
}

TEST_CASE("x-amz-decoded-content-length that the body does not match: IncompleteBody") {
  AuthContext context = Authenticated(AwsChunkedExampleRequest());
  const std::string body = AwsChunkedExampleBody();
  Decoded more = Decode(context, body, {}, 66559);
  CHECK(more.status.reason() == "IncompleteBody");
  CHECK(more.payload.size() == 65536);  // refused at the second chunk header
  const Status::Details more_counts{{"NumberBytesExpected", "66559"},
                                    {"NumberBytesProvided", "66560"}};
  CHECK(more.status.details() == more_counts);
  Decoded fewer = Decode(context, body, {}, 66561);
  CHECK(fewer.status.reason() == "IncompleteBody");
  CHECK(fewer.payload.size() == 66560);
  const Status::Details fewer_counts{{"NumberBytesExpected", "66561"},
                                     {"NumberBytesProvided", "66560"}};
  CHECK(fewer.status.details() == fewer_counts);
}

TEST_CASE("bad framing: InvalidRequest") {
  AuthContext context = Authenticated(AwsChunkedExampleRequest());
  const std::string body = AwsChunkedExampleBody();
  std::string bad_size = body;
  bad_size.replace(0, 5, "1000g");
  CHECK(Decode(context, bad_size).status.reason() == "InvalidRequest");
  std::string no_crlf = body;
  no_crlf[88 + 65536] = 'x';  // the CR after the first chunk's data
  CHECK(Decode(context, no_crlf).status.reason() == "InvalidRequest");
  std::string bare_lf = body;
  bare_lf.erase(86, 1);  // the CR ending the first chunk header
  CHECK(Decode(context, bare_lf).status.reason() == "InvalidRequest");
  CHECK(Decode(context, body + "x").status.reason() == "InvalidRequest");
  CHECK(Decode(context, "5\r\nhello\r\n").status.reason() == "InvalidRequest");  // no signature
  CHECK(Decode(context, "10000000000000000;chunk-signature=x\r\n").status.reason() ==
        "InvalidRequest");  // 17 hex digits
  // Trailer lines where the mode has none.
  CHECK(Decode(context, body.substr(0, body.size() - 2) + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n")
            .status.reason() == "MalformedTrailerError");
}

TEST_CASE("memory stays bounded: an endless header line is refused") {
  AuthContext context = Authenticated(AwsChunkedExampleRequest());
  AwsChunkedDecoder decoder(context);
  std::string out;
  std::string junk(1024, '1');
  Status status;
  size_t fed = 0;
  while (status.ok() && fed < (1 << 20)) {
    status = decoder.Feed(junk, &out);
    fed += junk.size();
  }
  CHECK(status.reason() == "InvalidRequest");
  CHECK(fed <= AwsChunkedDecoder::kMaxLineBytes + junk.size());
  // The failure sticks.
  CHECK(decoder.Feed("0\r\n", &out).reason() == "InvalidRequest");
  CHECK(decoder.Finish().status().reason() == "InvalidRequest");
}

AuthContext UnsignedTrailerContext(std::optional<ChecksumAlgorithm> checksum) {
  AuthContext context;
  context.anonymous = true;
  context.payload = PayloadMode::kStreamingUnsignedTrailer;
  context.trailer_checksum = checksum;
  return context;
}

TEST_CASE("unsigned chunks with a CRC32 trailer (the boto3 example body)") {
  const std::string body = "5\r\ntoto\n\r\n0\r\nx-amz-checksum-crc32:+H0IvQ==\r\n\r\n";
  AuthContext context = UnsignedTrailerContext(ChecksumAlgorithm::kCrc32);
  Decoded d = Decode(context, body, EveryByte(body.size()), 5);
  REQUIRE_MESSAGE(d.status.ok(), d.status.ToString());
  CHECK(d.payload == "toto\n");
  CHECK(d.trailers.checksum_base64 == "+H0IvQ==");

  Status wrong = Decode(context, "5\r\ntoto!\r\n0\r\nx-amz-checksum-crc32:+H0IvQ==\r\n\r\n").status;
  CHECK(wrong.reason() == "BadDigest");
  CHECK(wrong.message() == "The CRC32 you specified did not match the calculated checksum.");
  Status invalid = Decode(context, "5\r\ntoto\n\r\n0\r\nx-amz-checksum-crc32:+H0I\r\n\r\n").status;
  CHECK(invalid.reason() == "InvalidRequest");
  CHECK(invalid.message() == "Value for x-amz-checksum-crc32 trailing header is invalid.");
  CHECK(Decode(context, "5\r\ntoto\n\r\n0\r\n\r\n").status.reason() == "MalformedTrailerError");
  CHECK(Decode(context, "5\r\ntoto\n\r\n0\r\nx-amz-checksum-sha1:AAAA\r\n\r\n").status.reason() ==
        "MalformedTrailerError");
  CHECK(Decode(context, "5\r\ntoto\n\r\n0\r\nno colon here\r\n\r\n").status.reason() ==
        "MalformedTrailerError");
  // Whitespace around ':' is allowed; the value is trimmed.
  CHECK(Decode(context, "5\r\ntoto\n\r\n0\r\nx-amz-checksum-crc32 : +H0IvQ==\r\n\r\n").status.ok());
  // Without x-amz-trailer there is nothing to verify, and no checksum may appear.
  AuthContext no_trailer = UnsignedTrailerContext(std::nullopt);
  CHECK(Decode(no_trailer, "5\r\ntoto\n\r\n0\r\n\r\n").status.ok());
  CHECK(Decode(no_trailer, body).status.reason() == "MalformedTrailerError");
}

TEST_CASE("signed chunks with a signed CRC64NVME trailer, any split") {
  testing::ClientCredentials creds;
  SignedRequest request{"PUT",
                        "/bucket/object",
                        {{"Host", "s3.example.com"},
                         {"Content-Encoding", "aws-chunked"},
                         {"x-amz-decoded-content-length", "200000"},
                         {"x-amz-trailer", "x-amz-checksum-crc64nvme"}}};
  std::string seed = testing::SignWithHeader(&request, creds, kExampleTime,
                                             "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
  AuthContext context = Authenticated(request);
  REQUIRE(context.trailer_checksum == ChecksumAlgorithm::kCrc64Nvme);
  CHECK(context.chunk_signing.seed_signature == seed);

  std::string payload(200000, '\0');
  std::mt19937 rng(3);
  for (char& c : payload) c = static_cast<char>(rng());
  const std::string crc = Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc64Nvme, payload));
  std::vector<std::pair<std::string, std::string>> trailer = {{"x-amz-checksum-crc64nvme", crc}};
  const std::string body =
      testing::EncodeAwsChunked(payload, 65536, &context.chunk_signing, &trailer);
  for (uint32_t seed_value = 1; seed_value <= 10; seed_value++) {
    Decoded d = Decode(context, body, RandomCuts(body.size(), seed_value), payload.size());
    REQUIRE_MESSAGE(d.status.ok(), d.status.ToString());
    CHECK(d.payload == payload);
    CHECK(d.trailers.checksum_algorithm == ChecksumAlgorithm::kCrc64Nvme);
    CHECK(d.trailers.checksum_base64 == crc);
  }

  // A signed but wrong checksum: the client hashed other bytes.
  std::vector<std::pair<std::string, std::string>> wrong = {
      {"x-amz-checksum-crc64nvme",
       Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc64Nvme, "other"))}};
  Status bad =
      Decode(context, testing::EncodeAwsChunked(payload, 65536, &context.chunk_signing, &wrong))
          .status;
  CHECK(bad.reason() == "BadDigest");
  CHECK(bad.message() == "The CRC64NVME you specified did not match the calculated checksum.");
  // Chunk sizes need not be 8 KiB multiples; a 1-byte chunk size works too.
  Decoded tiny = Decode(context, testing::EncodeAwsChunked(payload.substr(0, 300), 1,
                                                           &context.chunk_signing, nullptr));
  CHECK(tiny.status.reason() == "MalformedTrailerError");  // the announced checksum is missing
}

TEST_CASE("an oversized trailer: MalformedTrailerError") {
  AuthContext context = UnsignedTrailerContext(std::nullopt);
  std::string body = "0\r\n";
  for (int i = 0; i < 40; i++) {
    body += "x-amz-meta-field" + std::to_string(i) + ":" + std::string(500, 'v') + "\r\n";
  }
  CHECK(Decode(context, body + "\r\n").status.reason() == "MalformedTrailerError");
  CHECK(
      Decode(context, "0\r\nx-amz-meta-a:" + std::string(9000, 'v') + "\r\n\r\n").status.reason() ==
      "MalformedTrailerError");
}

TEST_CASE("a decoder for a non-streaming payload refuses to run") {
  AuthContext context;
  context.payload = PayloadMode::kSha256;
  AwsChunkedDecoder decoder(context);
  std::string out;
  CHECK(decoder.Feed("0\r\n\r\n", &out).code() == Code::kFailedPrecondition);
  CHECK(decoder.Finish().status().code() == Code::kFailedPrecondition);
}

}  // namespace
}  // namespace bale::auth
