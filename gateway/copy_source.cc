#include "gateway/copy_source.h"

#include <algorithm>
#include <charconv>

#include "auth/encoding.h"
#include "gateway/chunk_read.h"
#include "gateway/object_write.h"
#include "gateway/s3_error.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {

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

Result<meta::BucketRecord> ReadSourceBucket(const S3Request& r, const CopySource& source) {
  auto found = r.backends.meta->GetBucket(source.bucket);
  if (found.ok() || found.status().code() != Code::kNotFound) return found;
  return ErrorStatus("NoSuchBucket").WithDetail("BucketName", source.bucket);
}

Result<meta::ObjectRecord> ReadSource(const S3Request& r, const meta::BucketRecord& bucket,
                                      const std::string& key) {
  bool owner = !r.user_id.empty() && bucket.owner_user_id == r.user_id;
  bool public_bucket = bucket.acl == meta::CannedAcl::kPublicRead;
  auto found = r.backends.meta->GetObject(bucket.name, key);
  if (!found.ok()) {
    if (found.status().code() != Code::kNotFound) return found.status();
    // Without read access to the bucket, missing and forbidden look alike.
    if (!owner && !public_bucket) return ErrorStatus("AccessDenied");
    return ErrorStatus("NoSuchKey").WithDetail("Key", key);
  }
  if (!owner && !public_bucket && found->acl != meta::CannedAcl::kPublicRead)
    return ErrorStatus("AccessDenied", "Access Denied");
  return found;
}

Status CheckSourceConditions(const HttpRequestHead& head, const meta::ObjectRecord& src) {
  const int64_t lm_seconds = src.last_modified_micros / 1'000'000;
  auto modified_since = [&](std::string_view h) {  // -1: absent or unparseable
    int64_t t = ParseHttpDate(h);
    return t < 0 ? -1 : (lm_seconds > t / 1'000'000 ? 1 : 0);
  };
  std::string_view if_match = head.Header("x-amz-copy-source-if-match");
  std::string_view if_none_match = head.Header("x-amz-copy-source-if-none-match");
  if (!if_match.empty()) {
    if (!EtagListMatches(if_match, src.etag))
      return PreconditionFailed("x-amz-copy-source-If-Match");
  } else if (modified_since(head.Header("x-amz-copy-source-if-unmodified-since")) == 1) {
    return PreconditionFailed("x-amz-copy-source-If-Unmodified-Since");
  }
  if (!if_none_match.empty()) {
    if (EtagListMatches(if_none_match, src.etag))
      return PreconditionFailed("x-amz-copy-source-If-None-Match");
  } else if (modified_since(head.Header("x-amz-copy-source-if-modified-since")) == 0) {
    return PreconditionFailed("x-amz-copy-source-If-Modified-Since");
  }
  return Status::Ok();
}

Result<SourceRange> ParseCopySourceRange(std::string_view header, uint64_t size) {
  if (header.empty()) return SourceRange{0, size};
  auto number = [](std::string_view s, uint64_t* v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
  };
  constexpr std::string_view kUnit = "bytes=";
  size_t dash = header.find('-');
  uint64_t first = 0, last = 0;
  if (!header.starts_with(kUnit) || dash == std::string_view::npos ||
      !number(header.substr(kUnit.size(), dash - kUnit.size()), &first) ||
      !number(header.substr(dash + 1), &last) || last < first)
    return InvalidArgumentFor(
        "x-amz-copy-source-range", header,
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and "
        "last are the zero-based offsets of the first and last bytes to copy");
  if (last >= size)
    return InvalidArgumentFor(
        "x-amz-copy-source-range", header,
        "Range specified is not valid for source object of size: " + std::to_string(size));
  return SourceRange{first, last - first + 1};
}

Result<std::vector<meta::Chunk>> CopyChunks(const S3Backends& b, const meta::ObjectRecord& src,
                                            SourceRange range,
                                            const std::vector<auth::Hasher*>& hashers) {
  std::vector<meta::Chunk> out;
  const uint64_t end = range.first + range.length;
  uint64_t chunk_start = 0;
  for (const auto& c : src.chunks) {
    const uint64_t chunk_end = chunk_start + c.size;
    const uint64_t from = std::max(range.first, chunk_start), to = std::min(end, chunk_end);
    chunk_start = chunk_end;
    if (from >= to) continue;
    auto data = ReadChunk(b, c);
    Status st = data.status();
    if (st.ok()) {
      std::string_view piece =
          std::string_view(*data).substr(from - (chunk_end - c.size), to - from);
      for (auth::Hasher* h : hashers) h->Update(piece);
      auto place = b.directory->WriteNeedle(piece);
      st = place.status();
      if (st.ok()) out.push_back(meta::Chunk{place->volume, place->key, place->cookie, piece.size()});
    }
    if (!st.ok()) {
      ReleaseChunks(b, out);
      return st;
    }
  }
  return out;
}

Status CopyRetryVerdict(const S3Request& r, const std::string& source_bucket,
                        const CopySource& source, const meta::ObjectRecord& src,
                        const Status& failure, int attempt) {
  if (failure.code() != Code::kNotFound) return failure;
  auto now = r.backends.meta->GetObject(source_bucket, source.key);
  if (now.ok() && *now == src)
    return DataLossError("a needle of " + source.key + " is missing: " +
                         std::string(failure.message()));
  if (attempt < kCopyAttempts) return Status::Ok();  // overwritten or deleted meanwhile
  return now.ok() ? ErrorStatus("ConditionalRequestConflict") : now.status();
}

}  // namespace bale::s3
