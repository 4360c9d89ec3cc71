// Random strings for secrets and identifiers, from std::random_device
// (the kernel's CSPRNG on Linux).
#pragma once

#include <random>
#include <string>
#include <string_view>

namespace bale {

inline std::string RandomString(size_t n, std::string_view alphabet) {
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; i++) out.push_back(alphabet[pick(rd)]);
  return out;
}

// An access key id ("BALE" + 16 base32 letters) and a 40-character secret.
inline std::string NewAccessKeyId() {
  return "BALE" + RandomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
}
inline std::string NewSecretKey() {
  return RandomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

}  // namespace bale
