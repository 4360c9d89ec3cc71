#include "gateway/multipart_checksum.h"

#include <doctest.h>

#include "auth/encoding.h"

namespace bale::s3 {
namespace {

using auth::ChecksumAlgorithm;

TEST_CASE("CRC combine equals the CRC of the concatenation, for every CRC width") {
  const std::string a = "The quick brown fox ", b = "jumps over the lazy dog, 1234567890 times";
  for (auto alg : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                   ChecksumAlgorithm::kCrc64Nvme}) {
    CHECK(CombineCrc(alg, auth::ComputeChecksum(alg, a), auth::ComputeChecksum(alg, b), b.size()) ==
          auth::ComputeChecksum(alg, a + b));
    std::string big(100'000, 'x');
    CHECK(CombineCrc(alg, auth::ComputeChecksum(alg, a), auth::ComputeChecksum(alg, big),
                     big.size()) == auth::ComputeChecksum(alg, a + big));
  }
}

TEST_CASE("composite checksums are the digest of the raw part digests, then -N") {
  const std::string p1 = "part one", p2 = "part two!";
  for (auto alg : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kSha1,
                   ChecksumAlgorithm::kSha256}) {
    std::string d1 = auth::ComputeChecksum(alg, p1), d2 = auth::ComputeChecksum(alg, p2);
    auto got = MultipartChecksum(
        alg, {{auth::Base64Encode(d1), p1.size()}, {auth::Base64Encode(d2), p2.size()}});
    REQUIRE(got.ok());
    CHECK(*got == auth::Base64Encode(auth::ComputeChecksum(alg, d1 + d2)) + "-2");
    CHECK(ChecksumTypeName(alg) == "COMPOSITE");
  }
  // AWS's documented example shape: CRC32 of one part "hello" -> CRC32(crc("hello")) + "-1".
  auto one = MultipartChecksum(ChecksumAlgorithm::kCrc32,
                               {{auth::Base64Encode(auth::ComputeChecksum(
                                     ChecksumAlgorithm::kCrc32, "hello")),
                                 5}});
  CHECK(one.value().ends_with("-1"));
  CHECK(MultipartChecksum(ChecksumAlgorithm::kCrc32, {{"not base64!", 1}}).status().code() ==
        Code::kInternal);
}

TEST_CASE("CRC64NVME is a full-object checksum: the CRC of the whole object") {
  const std::string p1(7000, 'a'), p2 = "tail";
  auto alg = ChecksumAlgorithm::kCrc64Nvme;
  auto got = MultipartChecksum(
      alg, {{auth::Base64Encode(auth::ComputeChecksum(alg, p1)), p1.size()},
            {auth::Base64Encode(auth::ComputeChecksum(alg, p2)), p2.size()}});
  CHECK(got.value() == auth::Base64Encode(auth::ComputeChecksum(alg, p1 + p2)));
  CHECK(ChecksumTypeName(alg) == "FULL_OBJECT");
}

}  // namespace
}  // namespace bale::s3
