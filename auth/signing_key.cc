#include "auth/signing_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "auth/encoding.h"

namespace bale::auth {
namespace {

constexpr std::string_view kKeyPrefix = "AWS4";
constexpr std::string_view kTerminator = "aws4_request";

// Length-prefixed so that no two distinct tuples share a cache key.
void AppendField(std::string* out, std::string_view field) {
  *out += std::to_string(field.size());
  out->push_back(':');
  out->append(field);
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() fails only on allocation failure; a wrong MAC would be worse than
  // stopping.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &size) == nullptr) {
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(mac), size);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  return HexEncode(HmacSha256(key, data));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string initial(kKeyPrefix);
  initial.append(secret);
  std::string key = HmacSha256(initial, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, kTerminator);
}

std::string SigningKeyCache::Get(std::string_view secret, std::string_view date,
                                 std::string_view region, std::string_view service) {
  std::string cache_key;
  AppendField(&cache_key, secret);
  AppendField(&cache_key, date);
  AppendField(&cache_key, region);
  AppendField(&cache_key, service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(cache_key);
    if (it != keys_.end()) return it->second;
  }
  std::string key = DeriveSigningKey(secret, date, region, service);
  std::lock_guard<std::mutex> lock(mu_);
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.emplace(std::move(cache_key), key);
  return key;
}

size_t SigningKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

SigningKeyCache& SigningKeyCache::Shared() {
  static SigningKeyCache* cache = new SigningKeyCache();
  return *cache;
}

}  // namespace bale::auth
