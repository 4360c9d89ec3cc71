#include "gateway/object_write.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "common/text.h"
#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxUserMetadataBytes = 2 << 10;
constexpr char kMetaPrefix[] = "x-amz-meta-";

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Strips the quotes of an entity tag: "\"abc\"" -> "abc".
std::string_view Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    return etag.substr(1, etag.size() - 2);
  return etag;
}

}  // namespace

Result<meta::CannedAcl> ObjectAclFromHeaders(const HttpRequestHead& head) {
  std::string_view acl = head.Header("x-amz-acl");
  if (acl.empty() || acl == "private" || acl == "bucket-owner-full-control")
    return meta::CannedAcl::kPrivate;
  if (acl == "public-read") return meta::CannedAcl::kPublicRead;
  return ErrorStatus("NotImplemented",
                     "A header you provided implies functionality that is not "
                     "implemented: x-amz-acl " +
                         std::string(acl));
}

Status ReadContentHeaders(const HttpRequestHead& head, meta::ObjectRecord* object) {
  size_t meta_bytes = 0;
  for (const auto& [name, value] : head.headers) {
    if (!StartsWithNoCase(name, kMetaPrefix)) continue;
    std::string key = Lower(std::string_view(name).substr(sizeof kMetaPrefix - 1));
    meta_bytes += key.size() + value.size();
    object->user_metadata.emplace_back(std::move(key), value);
  }
  if (meta_bytes > kMaxUserMetadataBytes)
    return ErrorStatus("MetadataTooLarge",
                       "Your metadata headers exceed the maximum allowed "
                       "metadata size of 2048 bytes (" +
                           std::to_string(meta_bytes) + " sent).");
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

bool EtagListMatches(std::string_view list, std::string_view etag) {
  for (std::string_view item : Split(list, ',')) {
    item = TrimWhitespace(item);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || Unquote(item) == etag) return true;
  }
  return false;
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
