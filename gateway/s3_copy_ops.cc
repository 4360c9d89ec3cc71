// CopyObject: a new object from an existing one, within a bucket or across
// buckets. The data goes needle by needle into new needles, one chunk in
// memory at a time (records never share needles: deleting one frees its
// needles); then the record is committed and a replaced record's needles are
// freed, exactly as PutObject does.
#include <memory>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "gateway/copy_source.h"
#include "gateway/object_write.h"
#include "gateway/orphan_sweep.h"
#include "gateway/request_documents.h"
#include "gateway/s3_acl_ops.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr uint64_t kMaxCopySourceBytes = 5ull << 30;  // S3's CopyObject limit

// x-amz-metadata-directive and x-amz-tagging-directive: true for REPLACE.
Result<bool> IsReplace(const S3Request& r, std::string_view header, const char* unknown) {
  std::string_view v = r.head.Header(header);
  if (v.empty() || v == "COPY") return false;
  if (v == "REPLACE") return true;
  return ErrorStatus("InvalidArgument", unknown);
}

// <CopyObjectResult><LastModified/><ETag/>[<ChecksumCRC32/>...]</CopyObjectResult>
std::string CopyResultXml(const meta::ObjectRecord& obj) {
  XmlDoc doc("CopyObjectResult");
  XmlDoc::Add(doc.root(), "LastModified", IsoTime(obj.last_modified_micros));
  XmlDoc::Add(doc.root(), "ETag", "\"" + obj.etag + "\"");
  for (const auto& [alg, value] : obj.checksums)
    XmlDoc::Add(doc.root(), ("Checksum" + alg).c_str(), value);
  return doc.str();
}

}  // namespace

Status CopyObject(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(CopySource source, ParseCopySource(r.head.Header("x-amz-copy-source")));
  RETURN_IF_ERROR(CheckWriteFeatureHeaders(r.head));
  ASSIGN_OR_RETURN(bool replace_metadata,
                   IsReplace(r, "x-amz-metadata-directive", "Unknown metadata directive."));
  ASSIGN_OR_RETURN(bool replace_tags,
                   IsReplace(r, "x-amz-tagging-directive", "Unknown tagging directive."));
  // What this request sets on the copy (used as directed).
  meta::ObjectRecord requested;
  ASSIGN_OR_RETURN(requested.acl, AclOfNewResource(r.head));
  if (replace_metadata) RETURN_IF_ERROR(ReadContentHeaders(r.head, &requested));
  if (replace_tags) {
    ASSIGN_OR_RETURN(requested.tags, ParseTaggingHeader(r.head.Header("x-amz-tagging")));
  }
  std::optional<auth::ChecksumAlgorithm> checksum_alg;
  if (std::string_view alg = r.head.Header("x-amz-checksum-algorithm"); !alg.empty()) {
    checksum_alg = auth::ChecksumAlgorithmFromName(alg);
    if (!checksum_alg)
      return ErrorStatus("InvalidRequest",
                         "Checksum algorithm provided is unsupported. Please try again with any "
                         "of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  }
  ASSIGN_OR_RETURN(WriteCondition condition, WriteCondition::FromHeaders(r.head));
  // Naming a storage class counts as a change, as on S3 (where it is how a
  // class is changed); STANDARD is the only one CheckWriteFeatureHeaders lets by.
  if (source.bucket == bucket.name && source.key == r.route.key && !replace_metadata &&
      !r.head.HasHeader("x-amz-storage-class"))
    return ErrorStatus("InvalidRequest",
                       "This copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata, storage class, website "
                       "redirect location or encryption attributes.");
  ASSIGN_OR_RETURN(meta::BucketRecord source_bucket, ReadSourceBucket(r, source));

  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(meta::ObjectRecord src, ReadSource(r, source_bucket, source.key));
    RETURN_IF_ERROR(CheckSourceConditions(r.head, src));
    RETURN_IF_ERROR(condition.CheckNow(*r.backends.meta, bucket.name, r.route.key));
    if (src.size > kMaxCopySourceBytes)
      return ErrorStatus("InvalidRequest",
                         "The specified copy source is larger than the maximum allowable size "
                         "for a copy source: 5368709120");
    ASSIGN_OR_RETURN(auto room, ReserveObjectRoom(r, bucket, r.route.key, src.size));
    std::unique_ptr<auth::Hasher> hasher;
    std::vector<auth::Hasher*> hashers;
    if (checksum_alg) hashers.push_back((hasher = auth::NewHasher(*checksum_alg)).get());
    auto chunks = CopyChunks(r.backends, src, {0, src.size}, hashers);
    if (!chunks.ok()) {
      RETURN_IF_ERROR(
          CopyRetryVerdict(r, source_bucket.name, source, src, chunks.status(), attempt));
      continue;  // overwritten or deleted meanwhile: start over
    }

    meta::ObjectRecord dst = replace_metadata ? requested : src;
    dst.key = r.route.key;
    dst.acl = requested.acl;
    dst.tags = replace_tags ? requested.tags : src.tags;
    dst.storage_class = std::string(meta::kDefaultStorageClass);
    dst.size = src.size;
    dst.etag = src.etag;
    dst.part_count = src.part_count;
    dst.part_sizes = src.part_sizes;
    dst.upload_id.clear();  // the copy was completed by no upload
    dst.checksums = src.checksums;
    if (hasher)
      dst.checksums = {{std::string(auth::ChecksumAlgorithmName(*checksum_alg)),
                        auth::Base64Encode(hasher->Finish())}};
    dst.chunks = std::move(*chunks);
    dst.last_modified_micros = r.backends.clock->NowMicros();
    RETURN_IF_ERROR(CheckNeedlesFresh(r.backends, r.options.orphan_grace, dst.chunks));
    auto old = r.backends.meta->PutObject(bucket.name, dst, condition.AtCommit());
    if (!old.ok()) {
      if (CertainlyNotWritten(old.status())) ReleaseChunks(r.backends, dst.chunks);
      return old.status();
    }
    if (*old) ReleaseChunks(r.backends, (*old)->chunks);
    return r.SendXml(200, CopyResultXml(dst));
  }
}

}  // namespace bale::s3
