// CopyObject: a new object from an existing one, within a bucket or across
// buckets. The data goes needle by needle into new needles, one chunk in
// memory at a time (records never share needles: deleting one frees its
// needles); then the record is committed and a replaced record's needles are
// freed, exactly as PutObject does.
#include <memory>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "gateway/object_write.h"
#include "gateway/request_documents.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr uint64_t kMaxCopySourceBytes = 5ull << 30;  // S3's CopyObject limit
// A source overwritten while it is copied frees the needles being read: the
// copy starts over from the new record, a few times at most.
constexpr int kCopyAttempts = 3;

struct CopySource {
  std::string bucket;
  std::string key;
};

// x-amz-copy-source: "[/]bucket/key[?versionId=id]", URL-encoded.
Result<CopySource> ParseCopySource(std::string_view header) {
  std::string_view path = header.substr(0, header.find('?'));
  if (path.size() < header.size()) {
    for (const auto& [name, value] : auth::ParseQuery(header.substr(path.size() + 1)))
      if (name == "versionId" && value != "null")  // "null": the unversioned object
        return ErrorStatus("NotImplemented",
                           "A header you provided implies functionality that is not "
                           "implemented: x-amz-copy-source with a versionId");
  }
  if (path.starts_with('/')) path.remove_prefix(1);
  auto decoded = PercentDecode(path);
  if (!decoded) return ErrorStatus("InvalidArgument", "Invalid copy source encoding");
  size_t slash = decoded->find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == decoded->size())
    return ErrorStatus("InvalidArgument",
                       "Copy Source must mention the source bucket and key: "
                       "sourcebucket/sourcekey");
  return CopySource{decoded->substr(0, slash), decoded->substr(slash + 1)};
}

// x-amz-metadata-directive and x-amz-tagging-directive: true for REPLACE.
Result<bool> IsReplace(const S3Request& r, std::string_view header, const char* unknown) {
  std::string_view v = r.head.Header(header);
  if (v.empty() || v == "COPY") return false;
  if (v == "REPLACE") return true;
  return ErrorStatus("InvalidArgument", unknown);
}

// The source record, if the caller may read it: as GetObject decides.
Result<meta::ObjectRecord> ReadSource(const S3Request& r, const meta::BucketRecord& bucket,
                                      const std::string& key) {
  bool owner = !r.user_id.empty() && bucket.owner_user_id == r.user_id;
  bool public_bucket = bucket.acl == meta::CannedAcl::kPublicRead;
  auto found = r.backends.meta->GetObject(bucket.name, key);
  if (!found.ok()) {
    if (found.status().code() != Code::kNotFound) return found.status();
    // Without read access to the bucket, missing and forbidden look alike.
    return ErrorStatus(owner || public_bucket ? "NoSuchKey" : "AccessDenied");
  }
  if (!owner && !public_bucket && found->acl != meta::CannedAcl::kPublicRead)
    return ErrorStatus("AccessDenied", "Access Denied");
  return found;
}

// x-amz-copy-source-if-*, with AWS's precedence: a matching if-match wins
// over a failing if-unmodified-since, a non-matching if-none-match over a
// failing if-modified-since. Unparseable dates are ignored.
Status CheckSourceConditions(const HttpRequestHead& head, const meta::ObjectRecord& src) {
  const int64_t lm_seconds = src.last_modified_micros / 1'000'000;
  auto modified_since = [&](std::string_view h) {  // -1: absent or unparseable
    int64_t t = ParseHttpDate(h);
    return t < 0 ? -1 : (lm_seconds > t / 1'000'000 ? 1 : 0);
  };
  std::string_view if_match = head.Header("x-amz-copy-source-if-match");
  std::string_view if_none_match = head.Header("x-amz-copy-source-if-none-match");
  if (!if_match.empty()) {
    if (!EtagListMatches(if_match, src.etag)) return ErrorStatus("PreconditionFailed");
  } else if (modified_since(head.Header("x-amz-copy-source-if-unmodified-since")) == 1) {
    return ErrorStatus("PreconditionFailed");
  }
  if (!if_none_match.empty()) {
    if (EtagListMatches(if_none_match, src.etag)) return ErrorStatus("PreconditionFailed");
  } else if (modified_since(head.Header("x-amz-copy-source-if-modified-since")) == 0) {
    return ErrorStatus("PreconditionFailed");
  }
  return Status::Ok();
}

// Copies the source's needles into new ones of the same sizes, feeding
// `checksum` if set. On failure frees the needles it wrote.
Result<std::vector<meta::Chunk>> CopyChunks(const S3Backends& b, const meta::ObjectRecord& src,
                                            auth::Hasher* checksum) {
  std::vector<meta::Chunk> out;
  for (const auto& c : src.chunks) {
    auto data = b.store->Get(c.volume_id, c.needle_key, c.cookie);
    Status st = data.ok() ? Status::Ok() : data.status();
    if (st.ok() && data->size() != c.size)
      st = DataLossError("needle " + std::to_string(c.needle_key) + " of volume " +
                         std::to_string(c.volume_id) + " holds " + std::to_string(data->size()) +
                         " bytes, the object record says " + std::to_string(c.size));
    if (st.ok()) {
      if (checksum) checksum->Update(*data);
      auto place = b.directory->WriteNeedle(*data);
      st = place.status();
      if (st.ok()) out.push_back(meta::Chunk{place->volume, place->key, place->cookie, c.size});
    }
    if (!st.ok()) {
      ReleaseChunks(b, out);
      return st;
    }
  }
  return out;
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
  ASSIGN_OR_RETURN(bool replace_metadata,
                   IsReplace(r, "x-amz-metadata-directive", "Unknown metadata directive."));
  ASSIGN_OR_RETURN(bool replace_tags,
                   IsReplace(r, "x-amz-tagging-directive", "Unknown tagging directive."));
  // What this request sets on the copy (used as directed).
  meta::ObjectRecord requested;
  ASSIGN_OR_RETURN(requested.acl, ObjectAclFromHeaders(r.head));
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
  if (source.bucket == bucket.name && source.key == r.route.key && !replace_metadata)
    return ErrorStatus("InvalidRequest",
                       "This copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata, storage class, website "
                       "redirect location or encryption attributes.");
  auto source_bucket = r.backends.meta->GetBucket(source.bucket);
  if (!source_bucket.ok()) {
    if (source_bucket.status().code() == Code::kNotFound) return ErrorStatus("NoSuchBucket");
    return source_bucket.status();
  }

  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(meta::ObjectRecord src, ReadSource(r, *source_bucket, source.key));
    RETURN_IF_ERROR(CheckSourceConditions(r.head, src));
    if (src.size > kMaxCopySourceBytes)
      return ErrorStatus("InvalidRequest",
                         "The specified copy source is larger than the maximum allowable size "
                         "for a copy source: 5368709120");
    ASSIGN_OR_RETURN(auto room, ReserveObjectRoom(r, bucket, r.route.key, src.size));
    std::unique_ptr<auth::Hasher> hasher;
    if (checksum_alg) hasher = auth::NewHasher(*checksum_alg);
    auto chunks = CopyChunks(r.backends, src, hasher.get());
    if (!chunks.ok()) {
      if (chunks.status().code() != Code::kNotFound) return chunks.status();
      auto now = r.backends.meta->GetObject(source_bucket->name, source.key);
      if (now.ok() && *now == src)
        return DataLossError("a needle of " + source.key +
                             " is missing: " + std::string(chunks.status().message()));
      if (attempt < kCopyAttempts) continue;  // overwritten or deleted meanwhile: start over
      return now.ok() ? ErrorStatus("ConditionalRequestConflict") : now.status();
    }

    meta::ObjectRecord dst = replace_metadata ? requested : src;
    dst.key = r.route.key;
    dst.acl = requested.acl;
    dst.tags = replace_tags ? requested.tags : src.tags;
    dst.storage_class = std::string(meta::kDefaultStorageClass);
    dst.size = src.size;
    dst.etag = src.etag;
    dst.part_count = src.part_count;
    dst.checksums = src.checksums;
    if (hasher)
      dst.checksums = {{std::string(auth::ChecksumAlgorithmName(*checksum_alg)),
                        auth::Base64Encode(hasher->Finish())}};
    dst.chunks = std::move(*chunks);
    dst.last_modified_micros = r.backends.clock->NowMicros();
    auto old = r.backends.meta->PutObject(bucket.name, dst);
    if (!old.ok()) {
      if (CertainlyNotWritten(old.status())) ReleaseChunks(r.backends, dst.chunks);
      return old.status();
    }
    if (*old) ReleaseChunks(r.backends, (*old)->chunks);
    return r.SendXml(200, CopyResultXml(dst));
  }
}

}  // namespace bale::s3
