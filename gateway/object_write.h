// What the operations that write an object record share (PutObject,
// CopyObject, CompleteMultipartUpload): the record fields a request's headers
// set, S3's entity-tag list matching and conditional writes, and the rule for
// freeing new needles after a failed commit.
// Private to gateway/.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "gateway/http_exchange.h"
#include "meta/metadata_store.h"
#include "meta/records.h"

namespace bale::s3 {

// Headers of an object write (PutObject, CopyObject, CreateMultipartUpload,
// UploadPart) asking for what Bale does not do, answered as S3 would rather
// than ignored: a client told its data is encrypted or archived when it is
// not would be misled.
//  - SSE-C (x-amz-server-side-encryption-customer-*, and the copy source's):
//    InvalidRequest, as S3 answers such a request over plain HTTP;
//  - x-amz-server-side-encryption: AES256, aws:kms, aws:kms:dsse are
//    NotImplemented, any other value InvalidArgument;
//  - x-amz-storage-class: STANDARD is what every object is; S3's other
//    classes are NotImplemented, unknown names InvalidStorageClass;
//  - x-amz-website-redirect-location: NotImplemented;
//  - x-amz-object-lock-*: InvalidRequest (no bucket has Object Lock).
Status CheckWriteFeatureHeaders(const HttpRequestHead& head);

// Sets the content headers (Content-Type, -Encoding without aws-chunked,
// -Disposition, -Language, Cache-Control, Expires) and the x-amz-meta-* user
// metadata (names lowercased) of `object` from `head`. MetadataTooLarge over
// S3's 2 KB.
Status ReadContentHeaders(const HttpRequestHead& head, meta::ObjectRecord* object);

// An entity tag without its quotes: "\"abc\"" -> "abc" (as given if unquoted).
std::string_view UnquoteEtag(std::string_view etag);

// True if a comma-separated If-Match / If-None-Match list names `etag`
// (unquoted hex), or is "*". Weak tags compare as strong ones.
bool EtagListMatches(std::string_view list, std::string_view etag);

// S3's conditional write, on PutObject, CopyObject (the destination) and
// CompleteMultipartUpload: If-None-Match: * fails with PreconditionFailed if
// the key exists; If-Match: etags fails with NoSuchKey if it does not and
// PreconditionFailed unless its ETag is listed. Checked once before the work,
// to spare a doomed upload or copy, and again atomically with the commit.
// Deletes take the If-Match half (DeleteObject's header, DeleteObjects'
// per-key <ETag>).
class WriteCondition {
 public:
  // NotImplemented for an If-None-Match other than "*", as S3.
  static Result<WriteCondition> FromHeaders(const HttpRequestHead& head);
  // If-Match `etags` alone (empty: no condition).
  static WriteCondition IfMatch(std::string etags);

  bool empty() const { return if_none_match_.empty() && if_match_.empty(); }
  // The verdict on `current`, the key's record now (nullopt: none).
  Status Check(const std::optional<meta::ObjectRecord>& current) const;
  // Check() against the committed record of `key`; Ok when empty().
  Status CheckNow(meta::MetadataStore& meta, std::string_view bucket, std::string_view key) const;
  // For the commit (MetadataStore::PutObject, CompleteUpload): nullptr when
  // empty(), else Check(). Refers to *this, which must outlive it.
  meta::MetadataStore::ObjectCondition AtCommit() const;

 private:
  std::string if_none_match_, if_match_;
};

// Whether a failed metadata write certainly wrote nothing, so the needles
// written for it may be freed. Otherwise (an fsync that failed, say) the
// record may still appear after a restart, so its needles must stay: garbage
// at worst, never a name pointing at nothing.
bool CertainlyNotWritten(const Status& st);

}  // namespace bale::s3
