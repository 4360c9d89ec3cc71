// Object operations beyond put/get/delete: CopyObject, DeleteObjects and the
// object tagging trio. Like those of s3_request.h, each sends its success
// response itself and returns OK, or returns the Status (with an S3 reason)
// that the service turns into S3's error response. Private to gateway/.
#pragma once

#include <string>

#include "gateway/s3_request.h"

namespace bale::s3 {

// PUT /bucket/key with x-amz-copy-source: `bucket` is the destination.
Status CopyObject(S3Request& r, const meta::BucketRecord& bucket);
// POST /bucket?delete
Status DeleteObjects(S3Request& r, const meta::BucketRecord& bucket);
// GET, PUT and DELETE /bucket/key?tagging
Status GetObjectTagging(S3Request& r, const meta::BucketRecord& bucket);
Status PutObjectTagging(S3Request& r, const meta::BucketRecord& bucket);
Status DeleteObjectTagging(S3Request& r, const meta::BucketRecord& bucket);

// Reads a small request body (an XML document) whole, through PayloadReader,
// so that x-amz-content-sha256, Content-MD5 and any x-amz-checksum-* header or
// trailer are verified. Over `limit` bytes: MalformedXML. With
// `checksum_required` (DeleteObjects), a request with neither Content-MD5 nor
// a flexible checksum fails as AWS fails it: InvalidRequest.
Result<std::string> ReadRequestDocument(S3Request& r, size_t limit, bool checksum_required);

}  // namespace bale::s3
