// Parsers for what S3 object requests carry besides the object: the
// <Tagging> document (PutObjectTagging), the x-amz-tagging header (PutObject,
// CopyObject) and the <Delete> document (DeleteObjects). Each yields plain
// values or the S3 error AWS answers (MalformedXML, InvalidTag, ...). The S3
// namespace on the elements is optional, as for AWS.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "meta/records.h"

namespace bale::s3 {

inline constexpr size_t kMaxObjectTags = 10;
inline constexpr size_t kMaxTagKeyChars = 128;    // Unicode characters
inline constexpr size_t kMaxTagValueChars = 256;  // Unicode characters
inline constexpr size_t kMaxDeleteObjects = 1000;

// S3's rules for an object's tag set: at most 10 tags (else BadRequest),
// keys of 1..128 and values of 0..256 characters from letters, digits,
// spaces and _ . : / = + - @ (else InvalidTag), no key twice (InvalidTag).
Status ValidateTags(const meta::NameValueList& tags);

// x-amz-tagging: a URL-encoded query string "k1=v1&k2=v2" ("+" is a space).
// Undecodable or a repeated key: InvalidArgument; then ValidateTags.
Result<meta::NameValueList> ParseTaggingHeader(std::string_view header);

// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>, in order;
// then ValidateTags.
Result<meta::NameValueList> ParseTaggingXml(std::string_view xml);

struct DeleteRequest {
  struct Object {
    std::string key;
    std::optional<std::string> version_id;
    std::optional<std::string> etag;  // conditional delete (If-Match), as sent
  };
  bool quiet = false;
  std::vector<Object> objects;  // in request order, 1..1000
};

// <Delete><Quiet>true|false</Quiet><Object><Key/>[<VersionId/>][<ETag/>]
// </Object>...</Delete>. No object, more than 1000, or not that shape:
// MalformedXML.
Result<DeleteRequest> ParseDeleteXml(std::string_view xml);

struct CompletePart {
  uint32_t part_number = 0;
  std::string etag;  // as sent (quotes optional)
  // <ChecksumCRC32> etc. as listed: "CRC32" -> base64 value.
  std::map<std::string, std::string> checksums;
};

// <CompleteMultipartUpload><Part><PartNumber/><ETag/>[<Checksum*/>]</Part>...
// </CompleteMultipartUpload>, in request order. No part, more than 10000, a
// part without a decimal number or an ETag: MalformedXML; a number outside
// 1..10000: InvalidArgument (order is the caller's check: InvalidPartOrder).
Result<std::vector<CompletePart>> ParseCompleteMultipartXml(std::string_view xml);

}  // namespace bale::s3
