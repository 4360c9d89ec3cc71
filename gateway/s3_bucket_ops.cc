// Bucket-level operations: ListBuckets, CreateBucket, HeadBucket,
// DeleteBucket, GetBucketLocation, ListObjects (v1) and ListObjectsV2.
#include <algorithm>
#include <charconv>
#include <cstdint>

#include "auth/encoding.h"
#include "gateway/bucket_name.h"
#include "gateway/payload_reader.h"
#include "gateway/s3_acl_ops.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_request.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxCreateBucketBody = 64 << 10;
constexpr size_t kMaxListKeys = 1000;

std::string DisplayName(const S3Request& r, const std::string& user_id) {
  auto user = r.backends.meta->GetUser(user_id);
  return user.ok() && !user->display_name.empty() ? user->display_name : user_id;
}

void AddOwner(pugi::xml_node parent, const S3Request& r, const std::string& user_id) {
  auto owner = parent.append_child("Owner");
  XmlDoc::Add(owner, "ID", user_id);
  XmlDoc::Add(owner, "DisplayName", DisplayName(r, user_id));
}

// S3's regions, and "EU" (the old name of eu-west-1 that S3 still takes).
bool IsAwsRegionName(std::string_view name) {
  static constexpr std::string_view kRegions[] = {"EU",
                                                  "af-south-1",
                                                  "ap-east-1",
                                                  "ap-east-2",
                                                  "ap-northeast-1",
                                                  "ap-northeast-2",
                                                  "ap-northeast-3",
                                                  "ap-south-1",
                                                  "ap-south-2",
                                                  "ap-southeast-1",
                                                  "ap-southeast-2",
                                                  "ap-southeast-3",
                                                  "ap-southeast-4",
                                                  "ap-southeast-5",
                                                  "ap-southeast-6",
                                                  "ap-southeast-7",
                                                  "ca-central-1",
                                                  "ca-west-1",
                                                  "cn-north-1",
                                                  "cn-northwest-1",
                                                  "eu-central-1",
                                                  "eu-central-2",
                                                  "eu-north-1",
                                                  "eu-south-1",
                                                  "eu-south-2",
                                                  "eu-west-1",
                                                  "eu-west-2",
                                                  "eu-west-3",
                                                  "il-central-1",
                                                  "me-central-1",
                                                  "me-south-1",
                                                  "mx-central-1",
                                                  "sa-east-1",
                                                  "us-east-1",
                                                  "us-east-2",
                                                  "us-gov-east-1",
                                                  "us-gov-west-1",
                                                  "us-west-1",
                                                  "us-west-2"};
  return std::find(std::begin(kRegions), std::end(kRegions), name) != std::end(kRegions);
}

}  // namespace

// S3's ListBuckets with its 2024 parameters: prefix, bucket-region,
// max-buckets (1..10000; without it every bucket is listed) and
// continuation-token (the name the previous page ended with, base64).
Status ListBuckets(S3Request& r) {
  const std::string prefix(r.route.Param("prefix").value_or(""));
  const std::string region(r.route.Param("bucket-region").value_or(""));
  size_t max_buckets = SIZE_MAX;
  if (auto mb = r.route.Param("max-buckets")) {
    int v = 0;
    auto [p, ec] = std::from_chars(mb->data(), mb->data() + mb->size(), v);
    if (ec != std::errc() || p != mb->data() + mb->size() || v < 1 || v > 10000)
      return InvalidArgumentFor("max-buckets", *mb,
                                "Argument max-buckets must be an integer between 1 and 10000");
    max_buckets = static_cast<size_t>(v);
  }
  std::string after;
  if (auto t = r.route.Param("continuation-token")) {
    auto decoded = auth::Base64Decode(*t);
    if (!decoded || decoded->empty())
      return ErrorStatus("InvalidArgument", "The continuation token provided is incorrect");
    after = *decoded;
  }
  ASSIGN_OR_RETURN(auto buckets, r.backends.meta->ListBuckets(r.user_id));  // by name
  XmlDoc doc("ListAllMyBucketsResult");
  AddOwner(doc.root(), r, r.user_id);
  auto list = doc.root().append_child("Buckets");
  size_t listed = 0;
  const std::string* last = nullptr;  // the name the page ends with
  for (const auto& b : buckets) {
    const std::string& bucket_region = b.region.empty() ? r.options.region : b.region;
    if (!b.name.starts_with(prefix) || b.name <= after) continue;
    if (!region.empty() && bucket_region != region) continue;
    if (listed == max_buckets) {  // more to come: the next page starts after `last`
      XmlDoc::Add(doc.root(), "ContinuationToken", auth::Base64Encode(*last));
      break;
    }
    auto node = list.append_child("Bucket");
    XmlDoc::Add(node, "Name", b.name);
    XmlDoc::Add(node, "CreationDate", IsoTime(b.created_micros));
    XmlDoc::Add(node, "BucketRegion", bucket_region);
    last = &b.name;
    listed++;
  }
  if (r.route.Param("prefix")) XmlDoc::Add(doc.root(), "Prefix", prefix);
  return r.SendXml(200, doc.str());
}

Status CreateBucket(S3Request& r) {
  RETURN_IF_ERROR(ValidateBucketName(r.route.bucket));
  ASSIGN_OR_RETURN(meta::CannedAcl acl, AclOfNewResource(r.head));
  std::string body;  // a PUT without Content-Length (curl -X PUT) has none
  if (PayloadReader::Announced(r.head, r.auth)) {
    ASSIGN_OR_RETURN(body, ReadRequestDocument(r, kMaxCreateBucketBody, false));
  }
  if (!body.empty()) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size()) ||
        std::string_view(doc.document_element().name()) != "CreateBucketConfiguration")
      return ErrorStatus("MalformedXML");
    std::string lc = doc.document_element().child("LocationConstraint").text().get();
    if (!lc.empty() && !(lc == r.options.region && lc != "us-east-1")) {
      // us-east-1 is said by leaving the constraint out; a name that is no
      // region at all is invalid; a region other than this one is illegal here.
      if ((lc == "us-east-1" && r.options.region == "us-east-1") || !IsAwsRegionName(lc)) {
        return ErrorStatus("InvalidLocationConstraint",
                           "The specified location-constraint is not valid")
            .WithDetail("LocationConstraint", lc);
      }
      return ErrorStatus("IllegalLocationConstraintException",
                         "The " + lc +
                             " location constraint is incompatible for the region "
                             "specific endpoint this request was sent to.");
    }
  }
  meta::BucketRecord b;
  b.name = r.route.bucket;
  b.owner_user_id = r.user_id;
  b.created_micros = r.backends.clock->NowMicros();
  b.region = r.options.region;
  b.acl = acl;
  auto created = r.backends.meta->CreateBucket(b);
  if (!created.ok()) {
    if (created.status().code() != Code::kAlreadyExists) return created.status();
    auto existing = r.backends.meta->GetBucket(b.name);
    if (existing.ok() && existing->owner_user_id == r.user_id)
      return ErrorStatus("BucketAlreadyOwnedByYou");
    return ErrorStatus("BucketAlreadyExists");
  }
  return r.SendEmpty(200, {{"Location", "/" + b.name}});
}

Status HeadBucket(S3Request& r, const meta::BucketRecord& bucket) {
  return r.SendEmpty(200, {{"x-amz-bucket-region", bucket.region}});
}

Status DeleteBucket(S3Request& r, const meta::BucketRecord& bucket) {
  Status st = r.backends.meta->DeleteBucket(bucket.name, r.backends.clock->NowMicros());
  if (st.reason() == "BucketNotEmpty") return ErrorStatus("BucketNotEmpty");  // AWS's wording
  RETURN_IF_ERROR(st);
  return r.SendEmpty(204);
}

Status GetBucketLocation(S3Request& r, const meta::BucketRecord& bucket) {
  XmlDoc doc("LocationConstraint");
  // us-east-1 is the empty constraint, as S3 answers.
  if (bucket.region != "us-east-1") doc.root().text().set(bucket.region.c_str());
  return r.SendXml(200, doc.str());
}

Status ListObjects(S3Request& r, const meta::BucketRecord& bucket, bool v2) {
  const Route& q = r.route;
  meta::ListObjectsOptions o;
  o.prefix = std::string(q.Param("prefix").value_or(""));
  o.delimiter = std::string(q.Param("delimiter").value_or(""));
  size_t max_keys = kMaxListKeys;
  if (auto mk = q.Param("max-keys")) {
    long long v = -1;
    auto [p, ec] = std::from_chars(mk->data(), mk->data() + mk->size(), v);
    if (ec != std::errc() || p != mk->data() + mk->size() || v < 0 || v > INT32_MAX)
      return InvalidArgumentFor("max-keys", *mk,
                                "Provided max-keys not an integer or within integer range");
    max_keys = std::min<size_t>(static_cast<size_t>(v), kMaxListKeys);
  }
  o.max_keys = max_keys;
  std::string_view encoding = q.Param("encoding-type").value_or("");
  if (!encoding.empty() && encoding != "url")
    return InvalidArgumentFor("encoding-type", encoding,
                              "Invalid Encoding Method specified in Request");
  const bool url = encoding == "url";
  auto enc = [&](std::string_view s) { return url ? auth::AwsUriEncode(s, true) : std::string(s); };

  std::string token, start_after;
  if (v2) {
    // Echoed either way; a continuation token overrides it, as on S3.
    start_after = std::string(q.Param("start-after").value_or(""));
    if (auto t = q.Param("continuation-token")) {
      auto decoded = auth::Base64Decode(*t);
      if (!decoded || t->empty())
        return ErrorStatus("InvalidArgument", "The continuation token provided is incorrect");
      token = std::string(*t);
      o.start_after = *decoded;
    } else {
      o.start_after = start_after;
    }
  } else {
    o.start_after = std::string(q.Param("marker").value_or(""));
  }
  ASSIGN_OR_RETURN(meta::ObjectListing listing, r.backends.meta->ListObjects(bucket.name, o));

  XmlDoc doc("ListBucketResult");
  auto root = doc.root();
  XmlDoc::Add(root, "Name", bucket.name);
  XmlDoc::Add(root, "Prefix", enc(o.prefix));
  if (v2) {
    if (!token.empty()) XmlDoc::Add(root, "ContinuationToken", token);
    if (!start_after.empty()) XmlDoc::Add(root, "StartAfter", enc(start_after));
    XmlDoc::Add(root, "KeyCount",
                std::to_string(listing.objects.size() + listing.common_prefixes.size()));
  } else {
    XmlDoc::Add(root, "Marker", enc(o.start_after));
    if (listing.is_truncated && !o.delimiter.empty())
      XmlDoc::Add(root, "NextMarker", enc(listing.next_marker));
  }
  XmlDoc::Add(root, "MaxKeys", std::to_string(max_keys));
  if (!o.delimiter.empty()) XmlDoc::Add(root, "Delimiter", enc(o.delimiter));
  if (url) XmlDoc::Add(root, "EncodingType", "url");
  XmlDoc::Add(root, "IsTruncated", listing.is_truncated ? "true" : "false");
  if (v2 && listing.is_truncated)
    XmlDoc::Add(root, "NextContinuationToken", auth::Base64Encode(listing.next_marker));
  const bool owner = !v2 || q.Param("fetch-owner") == "true";
  for (const auto& obj : listing.objects) {
    auto c = root.append_child("Contents");
    XmlDoc::Add(c, "Key", enc(obj.key));
    XmlDoc::Add(c, "LastModified", IsoTime(obj.last_modified_micros));
    XmlDoc::Add(c, "ETag", "\"" + obj.etag + "\"");
    XmlDoc::Add(c, "Size", std::to_string(obj.size));
    if (owner) AddOwner(c, r, bucket.owner_user_id);
    XmlDoc::Add(c, "StorageClass", obj.storage_class);
  }
  for (const auto& p : listing.common_prefixes)
    XmlDoc::Add(root.append_child("CommonPrefixes"), "Prefix", enc(p));
  return r.SendXml(200, doc.str());
}

}  // namespace bale::s3
