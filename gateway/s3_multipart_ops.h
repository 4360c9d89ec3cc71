// Multipart uploads: CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload and ListParts. Like those of
// s3_request.h, each sends its success response itself and returns OK, or
// returns the Status (with an S3 reason) that the service turns into S3's
// error response. Private to gateway/.
//
// Parts are written as needles like PutObject's data and recorded in part
// rows; completing an upload writes an object record whose chunks are the
// listed parts' chunks in order (no data is copied) and frees the needles of
// the parts left out. Thread-safety: as the service, one request per call.
#pragma once

#include "gateway/s3_request.h"

namespace bale::s3 {

// S3's minimum size of every part but the last, checked at completion.
inline constexpr uint64_t kMinPartSize = 5ull << 20;

// POST /bucket/key?uploads
Status CreateMultipartUpload(S3Request& r, const meta::BucketRecord& bucket);
// PUT /bucket/key?partNumber=N&uploadId=ID
Status UploadPart(S3Request& r, const meta::BucketRecord& bucket);
// POST /bucket/key?uploadId=ID
Status CompleteMultipartUpload(S3Request& r, const meta::BucketRecord& bucket);
// DELETE /bucket/key?uploadId=ID
Status AbortMultipartUpload(S3Request& r, const meta::BucketRecord& bucket);
// GET /bucket/key?uploadId=ID
Status ListParts(S3Request& r, const meta::BucketRecord& bucket);

}  // namespace bale::s3
