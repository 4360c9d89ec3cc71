// UploadPartCopy: a part made of a byte range of an existing object. The
// range is copied needle by needle into new needles (as CopyObject does,
// copy_source.h), hashing MD5 (the part's ETag) and the upload's checksum
// algorithm on the way; then the part is recorded as UploadPart records it.
#include <memory>

#include "auth/encoding.h"
#include "gateway/copy_source.h"
#include "gateway/object_write.h"
#include "gateway/s3_error.h"
#include "gateway/s3_multipart_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr uint64_t kMaxPartBytes = 5ull << 30;  // S3's largest part

// <CopyPartResult><ETag/><LastModified/>[<ChecksumCRC32/>...]</CopyPartResult>
std::string CopyPartResultXml(const meta::PartRecord& part) {
  XmlDoc doc("CopyPartResult");
  XmlDoc::Add(doc.root(), "ETag", "\"" + part.etag + "\"");
  XmlDoc::Add(doc.root(), "LastModified", IsoTime(part.last_modified_micros));
  for (const auto& [alg, value] : part.checksums)
    XmlDoc::Add(doc.root(), ("Checksum" + alg).c_str(), value);
  return doc.str();
}

}  // namespace

Status UploadPartCopy(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(uint32_t number, PartNumberParam(r));
  RETURN_IF_ERROR(CheckWriteFeatureHeaders(r.head));
  ASSIGN_OR_RETURN(CopySource source, ParseCopySource(r.head.Header("x-amz-copy-source")));
  ASSIGN_OR_RETURN(meta::UploadRecord upload, FindUpload(r, bucket));
  ASSIGN_OR_RETURN(meta::BucketRecord source_bucket, ReadSourceBucket(r, source));
  auto upload_alg = auth::ChecksumAlgorithmFromName(upload.checksum_algorithm);

  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(meta::ObjectRecord src, ReadSource(r, source_bucket, source.key));
    RETURN_IF_ERROR(CheckSourceConditions(r.head, src));
    ASSIGN_OR_RETURN(SourceRange range,
                     ParseCopySourceRange(r.head.Header("x-amz-copy-source-range"), src.size));
    if (range.length > kMaxPartBytes)
      return ErrorStatus("InvalidRequest",
                         "The specified copy source is larger than the maximum allowable size "
                         "for a copy source: 5368709120");
    // A part is not object bytes, but it must fit in the room left now.
    QuotaGuard::Reservation room;
    if (r.quotas) {
      ASSIGN_OR_RETURN(room, r.quotas->Reserve(bucket, {range.length, 0}));
    }
    std::unique_ptr<auth::Hasher> md5 = auth::NewMd5Hasher(), checksum;
    std::vector<auth::Hasher*> hashers{md5.get()};
    if (upload_alg) hashers.push_back((checksum = auth::NewHasher(*upload_alg)).get());
    auto chunks = CopyChunks(r.backends, src, range, hashers);
    if (!chunks.ok()) {
      RETURN_IF_ERROR(
          CopyRetryVerdict(r, source_bucket.name, source, src, chunks.status(), attempt));
      continue;  // overwritten or deleted meanwhile: start over
    }

    meta::PartRecord part;
    part.part_number = number;
    part.size = range.length;
    part.chunks = std::move(*chunks);
    part.etag = auth::HexEncode(md5->Finish());
    if (checksum) part.checksums[upload.checksum_algorithm] = auth::Base64Encode(checksum->Finish());
    part.last_modified_micros = r.backends.clock->NowMicros();
    RETURN_IF_ERROR(CommitPart(r, bucket, upload, part));
    return r.SendXml(200, CopyPartResultXml(part));
  }
}

}  // namespace bale::s3
