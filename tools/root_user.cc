#include "tools/root_user.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "common/clock.h"
#include "common/file_system.h"
#include "common/random.h"
#include "meta/metadata_store.h"

namespace bale {
namespace {

constexpr char kRootUser[] = "root";

Result<RootCredentials> LoadOrCreate(const std::string& path) {
  RootCredentials c;
  if (std::ifstream in(path); in) {
    std::getline(in, c.access_key);
    std::getline(in, c.secret_key);
    if (c.access_key.empty() || c.secret_key.empty())
      return DataLossError(path + " is damaged: expected an access key and a secret key line");
    return c;
  }
  c.access_key = NewAccessKeyId();
  c.secret_key = NewSecretKey();
  c.generated = true;
  int fd = ::open((path + ".tmp").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path + ".tmp");
  std::string body = c.access_key + "\n" + c.secret_key + "\n";
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return InternalError("cannot write " + path);
  RETURN_IF_ERROR(FileSystem::Posix()->Rename(path + ".tmp", path));
  RETURN_IF_ERROR(FileSystem::Posix()->SyncDir(DirName(path)));
  return c;
}

}  // namespace

Result<RootCredentials> EnsureRootUser(meta::MetadataStore* meta, Clock* clock,
                                       const std::string& data_dir) {
  RootCredentials c;
  const char* ak = std::getenv("BALE_ROOT_ACCESS_KEY");
  const char* sk = std::getenv("BALE_ROOT_SECRET_KEY");
  if (ak && sk && *ak && *sk) {
    c.access_key = ak;
    c.secret_key = sk;
  } else if (ak || sk) {
    return InvalidArgumentError(
        "set both BALE_ROOT_ACCESS_KEY and BALE_ROOT_SECRET_KEY, or neither");
  } else {
    ASSIGN_OR_RETURN(c, LoadOrCreate(JoinPath(data_dir, "root-credentials")));
  }
  auto user = meta->GetUser(kRootUser);
  if (!user.ok()) {
    if (user.status().code() != Code::kNotFound) return user.status();
    meta::UserRecord u;
    u.user_id = kRootUser;
    u.display_name = kRootUser;
    u.admin = true;
    u.created_micros = clock->NowMicros();
    RETURN_IF_ERROR(meta->PutUser(u));
  }
  auto key = meta->GetAccessKey(c.access_key);
  if (!key.ok() || key->secret_key != c.secret_key || !key->active || key->user_id != kRootUser) {
    if (!key.ok() && key.status().code() != Code::kNotFound) return key.status();
    meta::AccessKeyRecord k;
    k.access_key_id = c.access_key;
    k.secret_key = c.secret_key;
    k.user_id = kRootUser;
    k.active = true;
    k.created_micros = clock->NowMicros();
    RETURN_IF_ERROR(meta->PutAccessKey(k));
  }
  return c;
}

}  // namespace bale
