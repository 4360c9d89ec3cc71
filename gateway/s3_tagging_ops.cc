// Object tagging: GetObjectTagging, PutObjectTagging, DeleteObjectTagging.
// A tag change rewrites the object record only: the same object keeps its
// needles (so the "replaced" record's chunks are not freed) and its
// Last-Modified. The record is swapped only if it is still the one read, so a
// concurrent overwrite is never undone; on such a race the change is applied
// again to the new record.
#include "gateway/request_documents.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxTaggingBody = 64 << 10;
constexpr int kTagUpdateAttempts = 16;

// Sets the tags of the object `key`, atomically with respect to other
// writers of that key. NoSuchKey if there is no such object (or no longer).
Status SetTags(S3Request& r, const meta::BucketRecord& bucket, const meta::NameValueList& tags) {
  for (int attempt = 0; attempt < kTagUpdateAttempts; ++attempt) {
    ASSIGN_OR_RETURN(meta::ObjectRecord current,
                     r.backends.meta->GetObject(bucket.name, r.route.key));
    if (current.tags == tags) return Status::Ok();
    meta::ObjectRecord updated = current;
    updated.tags = tags;
    auto unchanged = [&](const std::optional<meta::ObjectRecord>& now) -> Status {
      if (!now) return ErrorStatus("NoSuchKey");
      if (*now != current) return AbortedError("object changed while its tags were set");
      return Status::Ok();
    };
    // The record returned is `current`: the same object, whose needles stay.
    auto put = r.backends.meta->PutObject(bucket.name, updated, unchanged);
    if (put.ok()) return Status::Ok();
    if (put.status().code() != Code::kAborted) return put.status();
  }
  return ErrorStatus("ConditionalRequestConflict");
}

}  // namespace

Status GetObjectTagging(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(meta::ObjectRecord obj, r.backends.meta->GetObject(bucket.name, r.route.key));
  XmlDoc doc("Tagging");
  auto set = doc.root().append_child("TagSet");
  for (const auto& [key, value] : obj.tags) {
    auto tag = set.append_child("Tag");
    XmlDoc::Add(tag, "Key", key);
    XmlDoc::Add(tag, "Value", value);
  }
  return r.SendXml(200, doc.str());
}

Status PutObjectTagging(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(r, kMaxTaggingBody, false));
  ASSIGN_OR_RETURN(meta::NameValueList tags, ParseTaggingXml(body));
  RETURN_IF_ERROR(SetTags(r, bucket, tags));
  return r.SendEmpty(200);
}

Status DeleteObjectTagging(S3Request& r, const meta::BucketRecord& bucket) {
  RETURN_IF_ERROR(SetTags(r, bucket, {}));
  return r.SendEmpty(204);
}

}  // namespace bale::s3
