#include "gateway/router.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/text.h"
#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;

// Subresources S3 has and Bale does not (yet): answered NotImplemented.
constexpr std::array<std::string_view, 22> kUnsupportedBucket = {
    "accelerate",  "analytics",         "cors",    "encryption",   "intelligent-tiering",
    "inventory",   "lifecycle",         "logging", "metrics",      "notification",
    "object-lock", "ownershipControls", "policy",  "policyStatus", "publicAccessBlock",
    "replication", "requestPayment",    "tagging", "versioning",   "versions",
    "website",     "metadataTable"};
constexpr std::array<std::string_view, 7> kUnsupportedObject = {
    "retention", "legal-hold", "torrent", "attributes", "restore", "select", "renameObject"};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status NotImplemented(std::string_view what) {
  return ErrorStatus(
      "NotImplemented",
      "A header you provided implies functionality that is not implemented: " + std::string(what));
}

Status MethodNotAllowed(std::string_view method) {
  return ErrorStatus("MethodNotAllowed",
                     "The specified method is not allowed against this "
                     "resource: " +
                         std::string(method));
}

}  // namespace

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kListBuckets:
      return "ListBuckets";
    case Op::kCreateBucket:
      return "CreateBucket";
    case Op::kHeadBucket:
      return "HeadBucket";
    case Op::kDeleteBucket:
      return "DeleteBucket";
    case Op::kGetBucketLocation:
      return "GetBucketLocation";
    case Op::kListObjects:
      return "ListObjects";
    case Op::kListObjectsV2:
      return "ListObjectsV2";
    case Op::kGetBucketAcl:
      return "GetBucketAcl";
    case Op::kPutBucketAcl:
      return "PutBucketAcl";
    case Op::kDeleteObjects:
      return "DeleteObjects";
    case Op::kListMultipartUploads:
      return "ListMultipartUploads";
    case Op::kPutObject:
      return "PutObject";
    case Op::kCopyObject:
      return "CopyObject";
    case Op::kGetObject:
      return "GetObject";
    case Op::kHeadObject:
      return "HeadObject";
    case Op::kDeleteObject:
      return "DeleteObject";
    case Op::kGetObjectTagging:
      return "GetObjectTagging";
    case Op::kPutObjectTagging:
      return "PutObjectTagging";
    case Op::kDeleteObjectTagging:
      return "DeleteObjectTagging";
    case Op::kGetObjectAcl:
      return "GetObjectAcl";
    case Op::kPutObjectAcl:
      return "PutObjectAcl";
    case Op::kCreateMultipartUpload:
      return "CreateMultipartUpload";
    case Op::kUploadPart:
      return "UploadPart";
    case Op::kUploadPartCopy:
      return "UploadPartCopy";
    case Op::kCompleteMultipartUpload:
      return "CompleteMultipartUpload";
    case Op::kAbortMultipartUpload:
      return "AbortMultipartUpload";
    case Op::kListParts:
      return "ListParts";
  }
  return "Unknown";
}

std::optional<std::string_view> Route::Param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;  // needs two hex digits
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<Route> RouteRequest(std::string_view method, std::string_view target, std::string_view host,
                           bool has_copy_source, const RouterOptions& options) {
  Route r;
  auto qmark = target.find('?');
  std::string_view path = target.substr(0, qmark);
  if (path.empty() || path.front() != '/')
    return ErrorStatus("InvalidURI", "Couldn't parse the specified URI: " + std::string(target));
  if (qmark != std::string_view::npos) {
    std::string_view qs = target.substr(qmark + 1);
    size_t start = 0;
    while (start <= qs.size()) {
      size_t amp = qs.find('&', start);
      if (amp == std::string_view::npos) amp = qs.size();
      std::string_view item = qs.substr(start, amp - start);
      if (!item.empty()) {
        size_t eq = item.find('=');
        auto name = PercentDecode(item.substr(0, eq), true);
        auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                  : PercentDecode(item.substr(eq + 1), true);
        if (!name || !value)
          return ErrorStatus("InvalidURI",
                             "Couldn't parse the specified URI: " + std::string(target));
        r.query.emplace_back(std::move(*name), std::move(*value));
      }
      start = amp + 1;
    }
  }

  // Virtual-hosted style: the bucket is in the Host header (port dropped;
  // an IPv6 literal never names a bucket).
  std::string_view host_name = host;
  if (auto colon = host.rfind(':');
      colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host_name = host.substr(0, colon);
  std::string h(host_name);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  bool virtual_hosted = false;
  for (const auto& domain : options.domains) {
    if (h.size() > domain.size() + 1 && h.ends_with(domain) &&
        h[h.size() - domain.size() - 1] == '.') {
      r.bucket = h.substr(0, h.size() - domain.size() - 1);
      virtual_hosted = true;
      break;
    }
  }
  std::string_view rest = path.substr(1);
  if (!virtual_hosted) {
    size_t slash = rest.find('/');
    auto bucket = PercentDecode(rest.substr(0, slash));
    if (!bucket)
      return ErrorStatus("InvalidURI", "Couldn't parse the specified URI: " + std::string(target));
    r.bucket = std::move(*bucket);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  auto key = PercentDecode(rest);
  if (!key)
    return ErrorStatus("InvalidURI", "Couldn't parse the specified URI: " + std::string(target));
  // Keys are UTF-8 (S3 refuses others); a NUL could not be listed in XML.
  if (!IsValidUtf8(*key) || key->find('\0') != std::string::npos)
    return ErrorStatus("InvalidURI", "Couldn't parse the specified URI: " + std::string(target));
  r.key = std::move(*key);
  if (r.key.size() > kMaxKeyBytes)
    return ErrorStatus("KeyTooLongError")
        .WithDetail("Size", std::to_string(r.key.size()))
        .WithDetail("MaxSizeAllowed", std::to_string(kMaxKeyBytes));

  auto has = [&](std::string_view name) { return r.Param(name).has_value(); };
  if (r.bucket.empty()) {
    if (method == "GET") {
      r.op = Op::kListBuckets;
      return r;
    }
    return MethodNotAllowed(method);
  }

  if (r.key.empty()) {  // bucket-level
    for (auto sub : kUnsupportedBucket)
      if (has(sub)) return NotImplemented("?" + std::string(sub));
    if (method == "GET") {
      if (has("location"))
        r.op = Op::kGetBucketLocation;
      else if (has("acl"))
        r.op = Op::kGetBucketAcl;
      else if (has("uploads"))
        r.op = Op::kListMultipartUploads;
      else if (r.Param("list-type") == "2")
        r.op = Op::kListObjectsV2;
      else
        r.op = Op::kListObjects;
    } else if (method == "PUT") {
      r.op = has("acl") ? Op::kPutBucketAcl : Op::kCreateBucket;
    } else if (method == "HEAD") {
      r.op = Op::kHeadBucket;
    } else if (method == "DELETE") {
      r.op = Op::kDeleteBucket;
    } else if (method == "POST") {
      if (!has("delete")) return NotImplemented("POST without ?delete (browser form uploads)");
      r.op = Op::kDeleteObjects;
    } else {
      return MethodNotAllowed(method);
    }
    return r;
  }

  for (auto sub : kUnsupportedObject)
    if (has(sub)) return NotImplemented("?" + std::string(sub));
  // Buckets are unversioned: "null" names the one version each object has,
  // and any other id is one Bale never issued.
  if (auto version = r.Param("versionId"); version && *version != "null")
    return InvalidArgumentFor("versionId", *version, "Invalid version id specified");
  if (method == "GET") {
    if (has("tagging"))
      r.op = Op::kGetObjectTagging;
    else if (has("acl"))
      r.op = Op::kGetObjectAcl;
    else if (has("uploadId"))
      r.op = Op::kListParts;
    else
      r.op = Op::kGetObject;
  } else if (method == "HEAD") {
    r.op = Op::kHeadObject;
  } else if (method == "PUT") {
    if (has("tagging"))
      r.op = Op::kPutObjectTagging;
    else if (has("acl"))
      r.op = Op::kPutObjectAcl;
    else if (has("uploadId") || has("partNumber"))
      r.op = has_copy_source ? Op::kUploadPartCopy : Op::kUploadPart;
    else
      r.op = has_copy_source ? Op::kCopyObject : Op::kPutObject;
  } else if (method == "DELETE") {
    if (has("tagging"))
      r.op = Op::kDeleteObjectTagging;
    else if (has("uploadId"))
      r.op = Op::kAbortMultipartUpload;
    else
      r.op = Op::kDeleteObject;
  } else if (method == "POST") {
    if (has("uploads"))
      r.op = Op::kCreateMultipartUpload;
    else if (has("uploadId"))
      r.op = Op::kCompleteMultipartUpload;
    else
      return NotImplemented("POST on an object without ?uploads or ?uploadId");
  } else {
    return MethodNotAllowed(method);
  }
  return r;
}

}  // namespace bale::s3
