// What the S3 operations share: the request being served and the backends.
// Private to gateway/.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/checksum.h"
#include "auth/sigv4.h"
#include "backend/directory/directory.h"
#include "backend/store/store.h"
#include "gateway/http_exchange.h"
#include "gateway/quota.h"
#include "gateway/router.h"
#include "gateway/s3_service.h"
#include "meta/metadata_store.h"

namespace bale::s3 {

class PayloadReader;

struct S3Request {
  const HttpRequestHead& head;
  RequestBody& body;
  ResponseSink& sink;
  const S3Backends& backends;
  const S3ServiceOptions& options;
  Route route;
  std::string request_id;
  auth::AuthContext auth;
  std::string user_id;  // empty: anonymous
  QuotaGuard* quotas = nullptr;  // reservations for buckets with quotas (quota.h)

  // Response headers every answer carries (request id, ...), plus `extra`.
  std::vector<std::pair<std::string, std::string>> Headers(
      std::vector<std::pair<std::string, std::string>> extra = {}) const;
  // Sends an XML document with status `status`.
  Status SendXml(int status, const std::string& xml) const;
  // Sends a bodiless answer (204, or 200 with headers only).
  Status SendEmpty(int status, std::vector<std::pair<std::string, std::string>> headers = {}) const;
  // S3's <Error> document for the failure `st`, with AWS's extra elements
  // (the status's details; without any, the request's BucketName or Key),
  // Resource and RequestId; *http_status (if set) gets its status.
  std::string ErrorDocument(const Status& st, int* http_status = nullptr) const;
};

// Operations: each sends its success response itself and returns OK, or
// returns the Status (with an S3 reason) that the service turns into S3's
// error response.
Status ListBuckets(S3Request& r);
Status CreateBucket(S3Request& r);
Status HeadBucket(S3Request& r, const meta::BucketRecord& bucket);
Status DeleteBucket(S3Request& r, const meta::BucketRecord& bucket);
Status GetBucketLocation(S3Request& r, const meta::BucketRecord& bucket);
Status ListObjects(S3Request& r, const meta::BucketRecord& bucket, bool v2);
Status PutObject(S3Request& r, const meta::BucketRecord& bucket);
Status GetObject(S3Request& r, const meta::BucketRecord& bucket, bool head);
Status DeleteObject(S3Request& r, const meta::BucketRecord& bucket);

// Reads the whole payload into needles of at most options.chunk_size bytes,
// then checks its digests (PayloadReader::Finish), feeding `also` (if set)
// every byte. On failure the needles written are freed. (s3_object_ops.cc)
Result<std::vector<meta::Chunk>> WritePayloadNeedles(S3Request& r, PayloadReader& payload,
                                                     auth::Hasher* also = nullptr);

// Checks the request's signature (or that it is anonymous: nullopt) and
// fills r.auth and r.user_id. AccessDenied for a disabled user.
Result<std::optional<meta::UserRecord>> AuthenticateCaller(S3Request& r);

// Quota reservation for writing `size` bytes at `key` of `bucket`; empty
// when the bucket has no quota (or the request has no guard).
Result<QuotaGuard::Reservation> ReserveObjectRoom(S3Request& r, const meta::BucketRecord& bucket,
                                                  std::string_view key, uint64_t size);

// Frees the needles of an object that is no longer referenced.
void ReleaseChunks(const S3Backends& b, const std::vector<meta::Chunk>& chunks);

}  // namespace bale::s3
