// ACL operations: GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl.
// Bale keeps one canned ACL per bucket and per object (private or
// public-read); an ACL request is accepted when it means one of those, and
// answered NotImplemented when it means something else S3 can express.
// Only the owner of the bucket (who owns its objects too) reads or changes ACLs.
// Private to gateway/.
//
// Thread-safety: pure functions and per-request operations.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "gateway/s3_request.h"
#include "meta/records.h"

namespace bale::s3 {

Status GetBucketAcl(S3Request& r, const meta::BucketRecord& bucket);
Status PutBucketAcl(S3Request& r, const meta::BucketRecord& bucket);
Status GetObjectAcl(S3Request& r, const meta::BucketRecord& bucket);
Status PutObjectAcl(S3Request& r, const meta::BucketRecord& bucket);

// The canned ACL an x-amz-acl value names. Other canned ACLs S3 has are
// NotImplemented (naming the value); anything else is InvalidArgument.
// bucket-owner-read and bucket-owner-full-control mean private: the bucket
// owner owns every object, and S3 ignores them on buckets.
Result<meta::CannedAcl> ParseCannedAcl(std::string_view value);

// The ACL of a write that makes a bucket or an object (CreateBucket,
// PutObject, CopyObject, CreateMultipartUpload): x-amz-acl as
// ParseCannedAcl, private when absent. x-amz-grant-* headers are
// NotImplemented, and with x-amz-acl too InvalidRequest, as S3 answers.
Result<meta::CannedAcl> AclOfNewResource(const HttpRequestHead& head);

// <AccessControlPolicy> as S3 returns it for a resource of `owner_id` with
// `acl`: the owner's FULL_CONTROL grant, plus AllUsers READ for public-read.
std::string AclPolicyXml(std::string_view owner_id, std::string_view owner_display_name,
                         meta::CannedAcl acl);

// The canned ACL an <AccessControlPolicy> document is equivalent to, for a
// resource of `owner_id`; `user_exists` says whether a canonical user id names
// a user. S3's errors: MalformedACLError (not XML, or not the schema),
// InvalidArgument (another owner, an unknown user or group), NotImplemented (a
// grant set other than owner FULL_CONTROL [+ AllUsers READ]).
Result<meta::CannedAcl> CannedAclFromPolicy(
    std::string_view xml, std::string_view owner_id,
    const std::function<bool(std::string_view user_id)>& user_exists);

}  // namespace bale::s3
