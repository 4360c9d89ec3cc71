// MetadataStore: finding abandoned multipart uploads.
#include "meta/metadata_store.h"
#include "meta/row_keys.h"

namespace bale::meta {

Result<std::vector<UploadRecord>> MetadataStore::ListUploadsInitiatedBefore(std::string_view bucket,
                                                                            int64_t micros,
                                                                            size_t limit) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  std::vector<UploadRecord> out;
  if (limit == 0) return out;
  RETURN_IF_ERROR(ForEachRowWithPrefix(*kv_, rows::Upload(b.bucket_id, ""), [&](const KvPair& row) -> Status {
    ASSIGN_OR_RETURN(UploadRecord u, DecodeUpload(row.value));
    if (u.initiated_micros < micros && out.size() < limit) out.push_back(std::move(u));
    return Status::Ok();
  }));
  return out;
}

}  // namespace bale::meta
