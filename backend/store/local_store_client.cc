#include "backend/store/store.h"
#include "backend/store/store_client.h"

namespace bale {

Status LocalStoreClient::CreateVolume(VolumeId vid) { return store_->CreateVolume(vid); }
Status LocalStoreClient::Put(VolumeId vid, NeedleKey key, Cookie cookie, std::string_view data) {
  return store_->Put(vid, key, cookie, data);
}
Result<std::string> LocalStoreClient::Get(VolumeId vid, NeedleKey key, Cookie cookie) {
  return store_->Get(vid, key, cookie);
}
Result<NeedleMeta> LocalStoreClient::Head(VolumeId vid, NeedleKey key, Cookie cookie) {
  return store_->Head(vid, key, cookie);
}
Status LocalStoreClient::Delete(VolumeId vid, NeedleKey key, Cookie cookie) {
  return store_->Delete(vid, key, cookie);
}

Status LocalStoreClient::Release(VolumeId vid, NeedleKey key, Cookie cookie) {
  return store_->Release(vid, key, cookie);
}
Status LocalStoreClient::Seal(VolumeId vid) { return store_->Seal(vid); }
Status LocalStoreClient::Compact(VolumeId vid) { return store_->Compact(vid); }
Result<std::vector<VolumeStats>> LocalStoreClient::Status() { return store_->Stats(); }

}  // namespace bale
