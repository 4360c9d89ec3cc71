// ListMultipartUploads: the uploads in progress in a bucket, by key then
// initiation time, with S3's prefix, delimiter, marker pair and
// encoding-type=url (MetadataStore::ListUploads does the listing).
#include <algorithm>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "gateway/multipart_checksum.h"
#include "gateway/s3_error.h"
#include "gateway/s3_multipart_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr uint64_t kMaxListUploads = 1000;

void AddParty(pugi::xml_node parent, const char* name, const std::string& user_id) {
  auto node = parent.append_child(name);
  XmlDoc::Add(node, "ID", user_id);
  XmlDoc::Add(node, "DisplayName", user_id);
}

}  // namespace

Status ListMultipartUploads(S3Request& r, const meta::BucketRecord& bucket) {
  const Route& q = r.route;
  ASSIGN_OR_RETURN(uint64_t max_uploads,
                   NumberParam(r, "max-uploads", kMaxListUploads, 0, INT32_MAX,
                               "Provided max-uploads not an integer or within integer range"));
  std::string_view encoding = q.Param("encoding-type").value_or("");
  if (!encoding.empty() && encoding != "url")
    return ErrorStatus("InvalidArgument", "Invalid Encoding Method specified in Request");
  const bool url = encoding == "url";
  auto enc = [&](std::string_view s) { return url ? auth::AwsUriEncode(s, true) : std::string(s); };

  meta::ListUploadsOptions o;
  o.prefix = std::string(q.Param("prefix").value_or(""));
  o.delimiter = std::string(q.Param("delimiter").value_or(""));
  o.key_marker = std::string(q.Param("key-marker").value_or(""));
  o.upload_id_marker = std::string(q.Param("upload-id-marker").value_or(""));
  o.max_uploads = std::min(max_uploads, kMaxListUploads);
  ASSIGN_OR_RETURN(meta::UploadListing listing, r.backends.meta->ListUploads(bucket.name, o));

  XmlDoc doc("ListMultipartUploadsResult");
  auto root = doc.root();
  XmlDoc::Add(root, "Bucket", bucket.name);
  XmlDoc::Add(root, "KeyMarker", enc(o.key_marker));
  XmlDoc::Add(root, "UploadIdMarker", o.upload_id_marker);
  XmlDoc::Add(root, "NextKeyMarker", enc(listing.next_key_marker));
  XmlDoc::Add(root, "NextUploadIdMarker", listing.next_upload_id_marker);
  if (!o.delimiter.empty()) XmlDoc::Add(root, "Delimiter", enc(o.delimiter));
  XmlDoc::Add(root, "Prefix", enc(o.prefix));
  XmlDoc::Add(root, "MaxUploads", std::to_string(o.max_uploads));
  XmlDoc::Add(root, "IsTruncated", listing.is_truncated ? "true" : "false");
  for (const meta::UploadRecord& u : listing.uploads) {
    auto node = root.append_child("Upload");
    XmlDoc::Add(node, "Key", enc(u.key));
    XmlDoc::Add(node, "UploadId", u.upload_id);
    AddParty(node, "Initiator", u.owner_user_id);
    AddParty(node, "Owner", bucket.owner_user_id);
    XmlDoc::Add(node, "StorageClass", u.object.storage_class);
    XmlDoc::Add(node, "Initiated", IsoTime(u.initiated_micros));
    if (auto alg = auth::ChecksumAlgorithmFromName(u.checksum_algorithm)) {
      XmlDoc::Add(node, "ChecksumAlgorithm", u.checksum_algorithm);
      XmlDoc::Add(node, "ChecksumType", std::string(ChecksumTypeName(*alg)));
    }
  }
  for (const std::string& p : listing.common_prefixes)
    XmlDoc::Add(root.append_child("CommonPrefixes"), "Prefix", enc(p));
  if (url) XmlDoc::Add(root, "EncodingType", "url");
  return r.SendXml(200, doc.str());
}

}  // namespace bale::s3
