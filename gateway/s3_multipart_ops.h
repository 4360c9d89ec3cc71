// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy,
// CompleteMultipartUpload, AbortMultipartUpload, ListParts and
// ListMultipartUploads. Like those of
// s3_request.h, each sends its success response itself and returns OK, or
// returns the Status (with an S3 reason) that the service turns into S3's
// error response. Private to gateway/.
//
// Parts are written as needles like PutObject's data and recorded in part
// rows; completing an upload writes an object record whose chunks are the
// listed parts' chunks in order (no data is copied), keeps the part sizes,
// and frees the needles of the parts left out. An upload created with
// x-amz-checksum-algorithm keeps each part's checksum of that algorithm
// (computed when the part did not carry it) and gives the object AWS's
// multipart checksum (multipart_checksum.h). Thread-safety: as the service, one request per call.
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
// PUT /bucket/key?partNumber=N&uploadId=ID with x-amz-copy-source (s3_part_copy.cc)
Status UploadPartCopy(S3Request& r, const meta::BucketRecord& bucket);
// GET /bucket?uploads (s3_upload_list.cc)
Status ListMultipartUploads(S3Request& r, const meta::BucketRecord& bucket);

// What the multipart operations share (s3_multipart_ops.cc).

// A query parameter that must be a decimal number in [min, max] (else
// InvalidArgument with `message`); `fallback` when absent.
Result<uint64_t> NumberParam(const S3Request& r, const char* name, uint64_t fallback, uint64_t min,
                             uint64_t max, const std::string& message);
// The upload named by ?uploadId, which must be for this request's key
// (NoSuchUpload).
Result<meta::UploadRecord> FindUpload(S3Request& r, const meta::BucketRecord& bucket);
// ?partNumber: 1..10000, else InvalidArgument.
Result<uint32_t> PartNumberParam(const S3Request& r);
// Records a part whose needles are written (freeing the needles of the part
// it replaces, or its own if it certainly was not recorded).
Status CommitPart(S3Request& r, const meta::BucketRecord& bucket,
                  const meta::UploadRecord& upload, const meta::PartRecord& part);

}  // namespace bale::s3
