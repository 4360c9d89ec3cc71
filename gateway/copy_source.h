// What CopyObject and UploadPartCopy share: the x-amz-copy-source header, the
// source's read check, the x-amz-copy-source-if-* conditions, the
// x-amz-copy-source-range header, and copying source bytes into new needles.
// Private to gateway/.
//
// Thread-safety: as the service, one request per call.
#pragma once

#include <string>
#include <vector>

#include "auth/checksum.h"
#include "gateway/s3_request.h"

namespace bale::s3 {

// A source overwritten while it is copied frees the needles being read: the
// copy starts over from the new record, a few times at most.
inline constexpr int kCopyAttempts = 3;

struct CopySource {
  std::string bucket;
  std::string key;
};

// x-amz-copy-source: "[/]bucket/key[?versionId=id]", URL-encoded.
Result<CopySource> ParseCopySource(std::string_view header);

// The source's bucket; NoSuchBucket naming it (not the destination's).
Result<meta::BucketRecord> ReadSourceBucket(const S3Request& r, const CopySource& source);

// The source record, if the caller may read it: as GetObject decides.
// NoSuchKey names the source key.
Result<meta::ObjectRecord> ReadSource(const S3Request& r, const meta::BucketRecord& bucket,
                                      const std::string& key);

// x-amz-copy-source-if-*, with AWS's precedence: a matching if-match wins
// over a failing if-unmodified-since, a non-matching if-none-match over a
// failing if-modified-since. Unparseable dates are ignored.
Status CheckSourceConditions(const HttpRequestHead& head, const meta::ObjectRecord& src);

struct SourceRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

// x-amz-copy-source-range "bytes=first-last" (inclusive) against a source of
// `size` bytes; absent: the whole source. InvalidArgument as AWS for any other
// form and for a range outside the source.
Result<SourceRange> ParseCopySourceRange(std::string_view header, uint64_t size);

// Copies `range` of the source into new needles, one per source needle it
// touches, feeding every hasher. On failure frees the needles it wrote.
Result<std::vector<meta::Chunk>> CopyChunks(const S3Backends& b, const meta::ObjectRecord& src,
                                            SourceRange range,
                                            const std::vector<auth::Hasher*>& hashers);

// After CopyChunks of `src` failed with `failure`: the error to answer, or OK
// when the source changed meanwhile and attempt `attempt` may start over.
Status CopyRetryVerdict(const S3Request& r, const std::string& source_bucket,
                        const CopySource& source, const meta::ObjectRecord& src,
                        const Status& failure, int attempt);

}  // namespace bale::s3
