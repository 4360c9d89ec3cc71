// Reading one chunk of an object (a needle its record names) from the store,
// for GET and for the copies (CopyObject, UploadPartCopy).
//
// Thread-safety: as the store.
#pragma once

#include <string>

#include "common/status.h"
#include "gateway/s3_service.h"
#include "meta/records.h"

namespace bale::s3 {

// The chunk's bytes, exactly c.size of them; DATA_LOSS for a needle of
// another size. A volume the store does not know at all (every copy or shard
// of it gone) is UNAVAILABLE (503), not the client's NoSuchKey. A needle
// missing from a volume stays NOT_FOUND: the object may have been overwritten
// since its record was read (the copies retry on it).
Result<std::string> ReadChunk(const S3Backends& b, const meta::Chunk& c);

}  // namespace bale::s3
