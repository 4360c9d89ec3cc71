// What the operations that write an object record share (PutObject,
// CopyObject): the record fields a request's headers set, S3's entity-tag list
// matching, and the rule for freeing new needles after a failed commit.
// Private to gateway/.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/status.h"
#include "gateway/http_exchange.h"
#include "meta/records.h"

namespace bale::s3 {

// x-amz-acl of an object write: private (also bucket-owner-full-control, as
// the owner is always the bucket owner) or public-read; others NotImplemented.
Result<meta::CannedAcl> ObjectAclFromHeaders(const HttpRequestHead& head);

// Sets the content headers (Content-Type, -Encoding without aws-chunked,
// -Disposition, -Language, Cache-Control, Expires) and the x-amz-meta-* user
// metadata (names lowercased) of `object` from `head`. MetadataTooLarge over
// S3's 2 KB.
Status ReadContentHeaders(const HttpRequestHead& head, meta::ObjectRecord* object);

// True if a comma-separated If-Match / If-None-Match list names `etag`
// (unquoted hex), or is "*". Weak tags compare as strong ones.
bool EtagListMatches(std::string_view list, std::string_view etag);

// Whether a failed metadata write certainly wrote nothing, so the needles
// written for it may be freed. Otherwise (an fsync that failed, say) the
// record may still appear after a restart, so its needles must stay: garbage
// at worst, never a name pointing at nothing.
bool CertainlyNotWritten(const Status& st);

}  // namespace bale::s3
