#include "gateway/chunk_read.h"

#include "backend/store/store.h"

namespace bale::s3 {

Result<std::string> ReadChunk(const S3Backends& b, const meta::Chunk& c) {
  auto data = b.store->Get(c.volume_id, c.needle_key, c.cookie);
  if (!data.ok()) {
    if (data.status().code() != Code::kNotFound || b.store->HasVolume(c.volume_id)) return data;
    return UnavailableError("the data of this object cannot be read: " +
                            std::string(data.status().message()));
  }
  if (data->size() != c.size)
    return DataLossError("needle " + std::to_string(c.needle_key) + " of volume " +
                         std::to_string(c.volume_id) + " holds " + std::to_string(data->size()) +
                         " bytes, the object record says " + std::to_string(c.size));
  return data;
}

}  // namespace bale::s3
