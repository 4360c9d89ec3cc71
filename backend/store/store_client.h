// StoreClient: how everything above the store (gateway, repair, tools) talks
// to a store, without knowing whether it is in this process or across HTTP.
// Implementations: LocalStoreClient (this file) and HttpStoreClient
// (http_store_client.h). Errors carry the store's Status code either way.
//
// Thread-safety: implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backend/store/types.h"
#include "common/status.h"

namespace bale {

class Store;

class StoreClient {
 public:
  virtual ~StoreClient() = default;
  virtual ::bale::Status CreateVolume(VolumeId vid) = 0;
  virtual ::bale::Status Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) = 0;
  virtual Result<std::string> Get(VolumeId vid, NeedleKey key, Cookie cookie) = 0;
  virtual Result<NeedleMeta> Head(VolumeId vid, NeedleKey key, Cookie cookie) = 0;
  virtual ::bale::Status Delete(VolumeId vid, NeedleKey key, Cookie cookie) = 0;
  // Frees a needle nothing refers to any more, without waiting for it to be
  // durable (Volume::Release). A remote store deletes it durably.
  virtual ::bale::Status Release(VolumeId vid, NeedleKey key, Cookie cookie) {
    return Delete(vid, key, cookie);
  }
  virtual ::bale::Status Seal(VolumeId vid) = 0;
  virtual ::bale::Status Compact(VolumeId vid) = 0;
  virtual Result<std::vector<VolumeStats>> Status() = 0;
};

// Calls a Store in this process. The Store must outlive the client.
class LocalStoreClient : public StoreClient {
 public:
  explicit LocalStoreClient(Store* store) : store_(store) {}
  ::bale::Status CreateVolume(VolumeId vid) override;
  ::bale::Status Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) override;
  Result<std::string> Get(VolumeId vid, NeedleKey key, Cookie cookie) override;
  Result<NeedleMeta> Head(VolumeId vid, NeedleKey key, Cookie cookie) override;
  ::bale::Status Delete(VolumeId vid, NeedleKey key, Cookie cookie) override;
  ::bale::Status Release(VolumeId vid, NeedleKey key, Cookie cookie) override;
  ::bale::Status Seal(VolumeId vid) override;
  ::bale::Status Compact(VolumeId vid) override;
  Result<std::vector<VolumeStats>> Status() override;

 private:
  Store* store_;
};

}  // namespace bale
