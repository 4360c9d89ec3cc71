// Where `bale admin` finds its key and region, in the aws-cli's order so one
// setup serves both tools:
//   key:    --access-key/--secret-key; --profile's section of the shared files;
//           AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; the shared files' profile
//           from $AWS_PROFILE, else "default"
//   region: --region; $AWS_REGION; $AWS_DEFAULT_REGION; the profile's region
//           in the config file; us-east-1
// Shared files: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, and
// $AWS_CONFIG_FILE or ~/.aws/config ("[default]", "[profile NAME]"), which
// may hold keys too.
//
// Thread-safety: pure functions of their arguments (and the files they read).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "auth/client_signer.h"
#include "common/status.h"

namespace bale::admin {

// Reads an environment variable: getenv in the binary, a map in tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnvironment();

struct CredentialFlags {
  std::optional<std::string> access_key;
  std::optional<std::string> secret_key;
  std::optional<std::string> profile;
  std::optional<std::string> region;
};

// The signing credentials for service "s3". INVALID_ARGUMENT (a usage error)
// when only one of the key flags is given, when an explicit --profile has no
// keys, or when no place holds credentials: the message names the places.
Result<auth::SigningCredentials> ResolveCredentials(const CredentialFlags& flags,
                                                    const EnvLookup& env);

std::string ResolveRegion(const CredentialFlags& flags, const EnvLookup& env);

}  // namespace bale::admin
