// The root user of an embedded Bale: its key pair comes from
// BALE_ROOT_ACCESS_KEY / BALE_ROOT_SECRET_KEY, or is generated on the first
// start and kept in <data>/root-credentials (mode 0600).
#pragma once

#include <string>

#include "common/status.h"

namespace bale {
class Clock;
namespace meta {
class MetadataStore;
}

struct RootCredentials {
  std::string access_key;
  std::string secret_key;
  bool generated = false;  // created by this start
};

// Makes sure the root user and its key exist in `meta`; returns the keys.
Result<RootCredentials> EnsureRootUser(meta::MetadataStore* meta, Clock* clock,
                                       const std::string& data_dir);

}  // namespace bale
