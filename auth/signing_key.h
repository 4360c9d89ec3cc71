// SigV4 signing keys: HMAC-SHA256 chained over date, region, service and
// "aws4_request", and a small cache of them (a key is valid for one day and
// deriving one costs four HMACs).
//
// Thread-safety: the free functions are pure; SigningKeyCache is safe for
// concurrent use (one mutex; the critical section is a map lookup).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bale::auth {

// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
// Lowercase hex HMAC-SHA256: the form of every SigV4 signature.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Compares two strings without leaking, through timing, where they differ.
// The length is not secret: strings of different lengths compare unequal at once.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
// "aws4_request"), date as "YYYYMMDD". Raw 32 bytes.
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

class SigningKeyCache {
 public:
  // Keeps at most `capacity` keys; when full it starts over (keys are per day,
  // so old ones are dead weight anyway).
  explicit SigningKeyCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // The signing key for (secret, date, region, service), derived on a miss.
  std::string Get(std::string_view secret, std::string_view date, std::string_view region,
                  std::string_view service);

  size_t size() const;

  // The cache Authenticate() uses.
  static SigningKeyCache& Shared();

  static constexpr size_t kDefaultCapacity = 4096;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> keys_;  // guarded by mu_
};

}  // namespace bale::auth
