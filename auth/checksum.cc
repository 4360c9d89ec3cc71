#include "auth/checksum.h"

#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>

#include "auth/crc.h"
#include "auth/encoding.h"
#include "auth/request.h"
#include "common/crc32c.h"

namespace bale::auth {
namespace {

struct AlgorithmInfo {
  ChecksumAlgorithm algorithm;
  std::string_view name;
  std::string_view header_name;
  size_t digest_size;
};

constexpr AlgorithmInfo kAlgorithms[] = {
    {ChecksumAlgorithm::kCrc32, "CRC32", "x-amz-checksum-crc32", 4},
    {ChecksumAlgorithm::kCrc32c, "CRC32C", "x-amz-checksum-crc32c", 4},
    {ChecksumAlgorithm::kCrc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", 8},
    {ChecksumAlgorithm::kSha1, "SHA1", "x-amz-checksum-sha1", 20},
    {ChecksumAlgorithm::kSha256, "SHA256", "x-amz-checksum-sha256", 32},
};

const AlgorithmInfo& Info(ChecksumAlgorithm algorithm) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.algorithm == algorithm) return info;
  }
  std::abort();  // unreachable: every enumerator has a row
}

template <typename Word>
std::string BigEndianBytes(Word v) {
  std::string out(sizeof(Word), '\0');
  for (size_t i = 0; i < sizeof(Word); i++) {
    out[sizeof(Word) - 1 - i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

// A CRC whose Extend function follows the crc32c::Extend convention.
template <typename Word, Word (*kExtend)(Word, const void*, size_t)>
class CrcHasher : public Hasher {
 public:
  void Update(std::string_view data) override { crc_ = kExtend(crc_, data.data(), data.size()); }
  std::string Finish() override {
    std::string out = BigEndianBytes(crc_);
    crc_ = 0;
    return out;
  }

 private:
  Word crc_ = 0;
};

// A digest from OpenSSL's EVP interface (MD5, SHA-1, SHA-256).
class EvpHasher : public Hasher {
 public:
  explicit EvpHasher(const EVP_MD* md) : md_(md), ctx_(EVP_MD_CTX_new()) { Reset(); }
  ~EvpHasher() override { EVP_MD_CTX_free(ctx_); }
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;

  void Update(std::string_view data) override {
    if (!EVP_DigestUpdate(ctx_, data.data(), data.size())) std::abort();
  }
  std::string Finish() override {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!EVP_DigestFinal_ex(ctx_, digest, &size)) std::abort();
    Reset();
    return std::string(reinterpret_cast<char*>(digest), size);
  }

 private:
  // OpenSSL fails these only on allocation failure or a missing default
  // provider; neither is recoverable here, and a wrong digest would be worse.
  void Reset() {
    if (ctx_ == nullptr || !EVP_DigestInit_ex(ctx_, md_, nullptr)) std::abort();
  }

  const EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n) {
  return crc32c::Extend(crc, data, n);
}

std::string OneShot(std::unique_ptr<Hasher> hasher, std::string_view data) {
  hasher->Update(data);
  return hasher->Finish();
}

}  // namespace

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeaderName(std::string_view header_name) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (EqualsIgnoreCase(header_name, info.header_name)) return info.algorithm;
  }
  return std::nullopt;
}

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromName(std::string_view name) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (EqualsIgnoreCase(name, info.name)) return info.algorithm;
  }
  return std::nullopt;
}

std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  return Info(algorithm).header_name;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) { return Info(algorithm).name; }

size_t ChecksumDigestSize(ChecksumAlgorithm algorithm) { return Info(algorithm).digest_size; }

std::unique_ptr<Hasher> NewHasher(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return std::make_unique<CrcHasher<uint32_t, &Crc32Extend>>();
    case ChecksumAlgorithm::kCrc32c:
      return std::make_unique<CrcHasher<uint32_t, &Crc32cExtend>>();
    case ChecksumAlgorithm::kCrc64Nvme:
      return std::make_unique<CrcHasher<uint64_t, &Crc64NvmeExtend>>();
    case ChecksumAlgorithm::kSha1:
      return std::make_unique<EvpHasher>(EVP_sha1());
    case ChecksumAlgorithm::kSha256:
      return std::make_unique<EvpHasher>(EVP_sha256());
  }
  std::abort();  // unreachable
}

std::unique_ptr<Hasher> NewMd5Hasher() { return std::make_unique<EvpHasher>(EVP_md5()); }

std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data) {
  return OneShot(NewHasher(algorithm), data);
}

std::string Md5(std::string_view data) { return OneShot(NewMd5Hasher(), data); }

std::string Sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr)) std::abort();
  return std::string(reinterpret_cast<char*>(digest), size);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

}  // namespace bale::auth
