#include "auth/testing/map_secret_store.h"

namespace bale::auth {

void MapSecretStore::Add(std::string_view access_key, std::string_view secret) {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_[std::string(access_key)] = std::string(secret);
}

Result<std::string> MapSecretStore::SecretKey(std::string_view access_key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = secrets_.find(access_key_id);
  if (it == secrets_.end()) return UnknownAccessKeyError();
  return it->second;
}

}  // namespace bale::auth
