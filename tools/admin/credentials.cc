#include "tools/admin/credentials.h"

#include <cstdlib>

#include "tools/admin/aws_files.h"

namespace bale::admin {
namespace {

constexpr char kDefaultProfile[] = "default";
constexpr char kDefaultRegion[] = "us-east-1";

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// $override, else ~/<relative>; empty when neither is known.
std::string SharedFilePath(const EnvLookup& env, const std::string& override_var,
                           const std::string& relative) {
  if (auto path = NonEmpty(env, override_var)) return *path;
  if (auto home = NonEmpty(env, "HOME")) return *home + "/" + relative;
  return "";
}

std::string CredentialsPath(const EnvLookup& env) {
  return SharedFilePath(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
}

std::string ConfigPath(const EnvLookup& env) {
  return SharedFilePath(env, "AWS_CONFIG_FILE", ".aws/config");
}

std::string ProfileName(const CredentialFlags& flags, const EnvLookup& env) {
  if (flags.profile) return *flags.profile;
  return NonEmpty(env, "AWS_PROFILE").value_or(kDefaultProfile);
}

// The config file names profiles "[profile NAME]", except "[default]".
std::string ConfigSection(const std::string& profile) {
  return profile == kDefaultProfile ? profile : "profile " + profile;
}

const std::map<std::string, std::string>* Section(const std::optional<IniSections>& file,
                                                  const std::string& name) {
  if (!file) return nullptr;
  auto it = file->find(name);
  return it == file->end() ? nullptr : &it->second;
}

std::optional<std::string> Key(const std::map<std::string, std::string>* section,
                               const std::string& key) {
  if (!section) return std::nullopt;
  auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The profile's keys from the credentials file, else from the config file.
std::optional<auth::SigningCredentials> FromSharedFiles(const std::string& profile,
                                                        const EnvLookup& env) {
  const std::string credentials_path = CredentialsPath(env), config_path = ConfigPath(env);
  std::optional<IniSections> credentials, config;
  if (!credentials_path.empty()) credentials = ReadIniFile(credentials_path);
  if (!config_path.empty()) config = ReadIniFile(config_path);
  for (const auto* section :
       {Section(credentials, profile), Section(config, ConfigSection(profile))}) {
    auto access = Key(section, "aws_access_key_id");
    auto secret = Key(section, "aws_secret_access_key");
    if (access && secret) return auth::SigningCredentials{*access, *secret};
  }
  return std::nullopt;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<auth::SigningCredentials> ResolveCredentials(const CredentialFlags& flags,
                                                    const EnvLookup& env) {
  std::optional<auth::SigningCredentials> found;
  if (flags.access_key.has_value() != flags.secret_key.has_value()) {
    return InvalidArgumentError("--access-key and --secret-key go together: give both");
  }
  if (flags.access_key) {
    found = auth::SigningCredentials{*flags.access_key, *flags.secret_key};
  } else if (flags.profile) {
    found = FromSharedFiles(*flags.profile, env);
    if (!found) {
      return InvalidArgumentError("profile '" + *flags.profile + "' has no aws_access_key_id and " +
                                  "aws_secret_access_key in " + CredentialsPath(env) + " or " +
                                  ConfigPath(env));
    }
  } else if (auto id = NonEmpty(env, "AWS_ACCESS_KEY_ID")) {
    if (auto secret = NonEmpty(env, "AWS_SECRET_ACCESS_KEY")) {
      found = auth::SigningCredentials{*id, *secret};
    }
  }
  if (!found) found = FromSharedFiles(ProfileName(flags, env), env);
  if (!found) {
    std::string path = CredentialsPath(env);
    return InvalidArgumentError(
        "no credentials found: pass --access-key and --secret-key, or set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or put aws_access_key_id and aws_secret_access_key in profile '" +
        ProfileName(flags, env) + "' of " + (path.empty() ? "~/.aws/credentials" : path) +
        " (AWS_SHARED_CREDENTIALS_FILE names another file)");
  }
  found->region = ResolveRegion(flags, env);
  return *found;
}

std::string ResolveRegion(const CredentialFlags& flags, const EnvLookup& env) {
  if (flags.region) return *flags.region;
  if (auto r = NonEmpty(env, "AWS_REGION")) return *r;
  if (auto r = NonEmpty(env, "AWS_DEFAULT_REGION")) return *r;
  const std::string path = ConfigPath(env);
  if (!path.empty()) {
    std::optional<IniSections> config = ReadIniFile(path);
    if (auto r = Key(Section(config, ConfigSection(ProfileName(flags, env))), "region")) return *r;
  }
  return kDefaultRegion;
}

}  // namespace bale::admin
