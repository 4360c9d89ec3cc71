// Router: turns a raw HTTP request line and Host header into a typed S3
// operation, its bucket and key, and its decoded query parameters.
// Path-style (http://host/bucket/key) and virtual-hosted-style
// (http://bucket.<domain>/key, when a domain is configured) are both accepted.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace bale::s3 {

enum class Op {
  kListBuckets,
  kCreateBucket,
  kHeadBucket,
  kDeleteBucket,
  kGetBucketLocation,
  kListObjects,
  kListObjectsV2,
  kGetBucketAcl,
  kPutBucketAcl,
  kDeleteObjects,
  kListMultipartUploads,
  kPutObject,
  kCopyObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  kGetObjectTagging,
  kPutObjectTagging,
  kDeleteObjectTagging,
  kGetObjectAcl,
  kPutObjectAcl,
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
};

std::string_view OpName(Op op);

struct RouterOptions {
  // Virtual-hosted style: a Host of "<bucket>.<domain>" addresses <bucket>.
  std::vector<std::string> domains;
};

struct Route {
  Op op = Op::kListBuckets;
  std::string bucket;  // empty for service-level operations
  std::string key;     // percent-decoded; empty for bucket-level operations
  // Percent-decoded query parameters in request order ("acl" -> "").
  std::vector<std::pair<std::string, std::string>> query;

  // The first value of query parameter `name`, if present.
  std::optional<std::string_view> Param(std::string_view name) const;
};

// `target` is the request-target as received ("/b/k%20x?uploads"); `host` the
// Host header (with or without a port); `has_copy_source` whether an
// x-amz-copy-source header is present. Fails with S3 reasons: InvalidURI,
// MethodNotAllowed, NotImplemented (naming the unsupported subresource).
Result<Route> RouteRequest(std::string_view method, std::string_view target, std::string_view host,
                           bool has_copy_source, const RouterOptions& options);

// Decodes %XX escapes ("+" stays "+": S3 paths use %20 for spaces). nullopt on
// a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space = false);

}  // namespace bale::s3
