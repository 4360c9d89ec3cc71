#include "gateway/object_write.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "auth/request.h"
#include "common/text.h"
#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxUserMetadataBytes = 2 << 10;
constexpr char kMetaPrefix[] = "x-amz-meta-";

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

Status CheckWriteFeatureHeaders(const HttpRequestHead& head) {
  static constexpr std::string_view kOtherStorageClasses[] = {"REDUCED_REDUNDANCY",
                                                              "STANDARD_IA",
                                                              "ONEZONE_IA",
                                                              "INTELLIGENT_TIERING",
                                                              "GLACIER",
                                                              "DEEP_ARCHIVE",
                                                              "OUTPOSTS",
                                                              "GLACIER_IR",
                                                              "SNOW",
                                                              "EXPRESS_ONEZONE",
                                                              "FSX_OPENZFS"};
  auto not_implemented = [](std::string_view header, std::string_view why) {
    return ErrorStatus("NotImplemented",
                       "A header you provided implies functionality that is not implemented: " +
                           std::string(why))
        .WithDetail("Header", std::string(header));
  };
  for (const auto& [name, value] : head.headers) {  // one pass; most headers end at "x-amz-"
    if (!StartsWithNoCase(name, "x-amz-")) continue;
    if (StartsWithNoCase(name, "x-amz-server-side-encryption-customer-") ||
        StartsWithNoCase(name, "x-amz-copy-source-server-side-encryption-customer-"))
      return ErrorStatus("InvalidRequest",
                         "Requests specifying Server Side Encryption with Customer provided keys "
                         "must be made over a secure connection.");
    if (StartsWithNoCase(name, "x-amz-object-lock-"))
      return ErrorStatus("InvalidRequest", "Bucket is missing Object Lock Configuration");
    if (strcasecmp(name.c_str(), "x-amz-server-side-encryption") == 0) {
      if (value != "AES256" && value != "aws:kms" && value != "aws:kms:dsse")
        return InvalidArgumentFor("x-amz-server-side-encryption", value,
                                  "The encryption method specified is not supported");
      return not_implemented(
          name, "x-amz-server-side-encryption " + value + " (Bale stores objects unencrypted)");
    }
    if (strcasecmp(name.c_str(), "x-amz-storage-class") == 0 &&
        value != meta::kDefaultStorageClass) {
      if (std::find(std::begin(kOtherStorageClasses), std::end(kOtherStorageClasses), value) ==
          std::end(kOtherStorageClasses))
        return ErrorStatus("InvalidStorageClass");
      return not_implemented(name, "x-amz-storage-class " + value + " (every object is STANDARD)");
    }
    if (strcasecmp(name.c_str(), "x-amz-website-redirect-location") == 0)
      return not_implemented(name, "x-amz-website-redirect-location");
  }
  return Status::Ok();
}

Status ReadContentHeaders(const HttpRequestHead& head, meta::ObjectRecord* object) {
  size_t meta_bytes = 0;
  for (const auto& [name, value] : head.headers) {
    if (!StartsWithNoCase(name, kMetaPrefix)) continue;
    std::string key = auth::ToLowerAscii(std::string_view(name).substr(sizeof kMetaPrefix - 1));
    meta_bytes += key.size() + value.size();
    object->user_metadata.emplace_back(std::move(key), value);
  }
  if (meta_bytes > kMaxUserMetadataBytes)
    return ErrorStatus("MetadataTooLarge")
        .WithDetail("Size", std::to_string(meta_bytes))
        .WithDetail("MaxSizeAllowed", std::to_string(kMaxUserMetadataBytes));
  object->content_type = std::string(head.Header("content-type"));
  std::string encoding(head.Header("content-encoding"));
  // aws-chunked describes the transfer, not the object.
  if (encoding == "aws-chunked")
    encoding.clear();
  else if (encoding.starts_with("aws-chunked,"))
    encoding = encoding.substr(12);
  while (!encoding.empty() && encoding.front() == ' ') encoding.erase(0, 1);
  object->content_encoding = encoding;
  object->content_disposition = std::string(head.Header("content-disposition"));
  object->content_language = std::string(head.Header("content-language"));
  object->cache_control = std::string(head.Header("cache-control"));
  object->expires = std::string(head.Header("expires"));
  return Status::Ok();
}

std::string_view UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    return etag.substr(1, etag.size() - 2);
  return etag;
}

bool EtagListMatches(std::string_view list, std::string_view etag) {
  for (std::string_view item : Split(list, ',')) {
    item = TrimWhitespace(item);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || UnquoteEtag(item) == etag) return true;
  }
  return false;
}

Result<WriteCondition> WriteCondition::FromHeaders(const HttpRequestHead& head) {
  WriteCondition c;
  c.if_none_match_ = std::string(head.Header("if-none-match"));
  c.if_match_ = std::string(head.Header("if-match"));
  if (!c.if_none_match_.empty() && c.if_none_match_ != "*")
    return ErrorStatus("NotImplemented",
                       "A header you provided implies functionality that is "
                       "not implemented: If-None-Match other than *");
  return c;
}

WriteCondition WriteCondition::IfMatch(std::string etags) {
  WriteCondition c;
  c.if_match_ = std::move(etags);
  return c;
}

Status WriteCondition::Check(const std::optional<meta::ObjectRecord>& current) const {
  if (!if_none_match_.empty() && current) return PreconditionFailed("If-None-Match");
  if (!if_match_.empty()) {
    if (!current) return ErrorStatus("NoSuchKey");
    if (!EtagListMatches(if_match_, current->etag)) return PreconditionFailed("If-Match");
  }
  return Status::Ok();
}

Status WriteCondition::CheckNow(meta::MetadataStore& meta, std::string_view bucket,
                                std::string_view key) const {
  if (empty()) return Status::Ok();
  auto existing = meta.GetObject(bucket, key);
  if (!existing.ok() && existing.status().code() != Code::kNotFound) return existing.status();
  return Check(existing.ok() ? std::optional<meta::ObjectRecord>(*std::move(existing))
                             : std::nullopt);
}

meta::MetadataStore::ObjectCondition WriteCondition::AtCommit() const {
  if (empty()) return nullptr;
  return [this](const std::optional<meta::ObjectRecord>& current) { return Check(current); };
}

bool CertainlyNotWritten(const Status& st) {
  switch (st.code()) {
    case Code::kAborted:
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

}  // namespace bale::s3
