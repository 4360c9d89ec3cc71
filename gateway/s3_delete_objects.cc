// DeleteObjects (POST /bucket?delete): up to 1000 keys in one request. Each
// key is deleted on its own, as DeleteObject does (a missing key counts as
// deleted, as in S3), and its needles freed; failures are reported per key.
#include "auth/checksum.h"
#include "common/log.h"
#include "gateway/object_write.h"
#include "gateway/payload_reader.h"
#include "gateway/request_documents.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

// 1000 keys of up to 1 KiB each, most of them escape-free, fit easily.
constexpr size_t kMaxDeleteBody = 2 << 20;

bool HasChecksum(const S3Request& r) {
  if (!r.head.Header("content-md5").empty() || r.auth.trailer_checksum) return true;
  for (const auto& [name, value] : r.head.headers)
    if (auth::ChecksumAlgorithmFromHeaderName(name)) return true;
  return false;
}

// The version id S3 gives the objects of an unversioned bucket.
constexpr std::string_view kNullVersion = "null";

// Deletes one key; the S3 error if that failed.
std::optional<S3Error> DeleteOne(S3Request& r, const meta::BucketRecord& bucket,
                                 const DeleteRequest::Object& o) {
  if (o.version_id && *o.version_id != kNullVersion) return MakeError("NoSuchVersion");
  const auto condition = WriteCondition::IfMatch(o.etag.value_or(""));
  auto deleted = r.backends.meta->DeleteObject(bucket.name, o.key, condition.AtCommit());
  if (deleted.ok()) {
    ReleaseChunks(r.backends, deleted->chunks);
    return std::nullopt;
  }
  if (deleted.status().code() == Code::kNotFound && deleted.status().reason() == "NoSuchKey") {
    Status verdict = condition.Check(std::nullopt);  // NoSuchKey if conditional
    return verdict.ok() ? std::nullopt : std::optional<S3Error>(FromStatus(verdict));
  }
  S3Error error = FromStatus(deleted.status());
  if (error.http_status >= 500)  // the client sees only the code: keep the cause
    BALE_LOG(kError) << "request " << r.request_id << ": DeleteObjects of " << o.key << ": "
                     << deleted.status();
  return error;
}

}  // namespace

Result<std::string> ReadRequestDocument(S3Request& r, size_t limit, bool checksum_required) {
  if (checksum_required && !HasChecksum(r))
    return ErrorStatus("InvalidRequest", "Missing required header for this request: Content-MD5");
  ASSIGN_OR_RETURN(auto payload, PayloadReader::Create(r.head, r.auth, &r.body));
  if (payload->length() > limit)
    return ErrorStatus("MalformedXML", "The XML you provided is too large.");
  return payload->ReadAll();
}

Status DeleteObjects(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(r, kMaxDeleteBody, true));
  ASSIGN_OR_RETURN(DeleteRequest request, ParseDeleteXml(body));
  XmlDoc doc("DeleteResult");
  for (const auto& o : request.objects) {
    std::optional<S3Error> error = DeleteOne(r, bucket, o);
    if (!error && request.quiet) continue;
    auto node = doc.root().append_child(error ? "Error" : "Deleted");
    XmlDoc::Add(node, "Key", o.key);
    if (o.version_id) XmlDoc::Add(node, "VersionId", *o.version_id);
    if (error) {
      XmlDoc::Add(node, "Code", error->code);
      XmlDoc::Add(node, "Message", error->message);
    }
  }
  return r.SendXml(200, doc.str());
}

}  // namespace bale::s3
