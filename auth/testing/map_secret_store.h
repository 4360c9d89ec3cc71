// MapSecretStore: a SecretStore over an in-memory map, for tests and
// single-user setups.
//
// Thread-safety: Add() and SecretKey() may be called concurrently.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/sigv4.h"

namespace bale::auth {

class MapSecretStore : public SecretStore {
 public:
  MapSecretStore() = default;
  MapSecretStore(std::string access_key, std::string secret) { Add(access_key, secret); }

  void Add(std::string_view access_key, std::string_view secret);
  Result<std::string> SecretKey(std::string_view access_key_id) override;

 private:
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> secrets_;  // guarded by mu_
};

}  // namespace bale::auth
