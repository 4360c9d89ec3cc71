#include "gateway/request_documents.h"

#include <strings.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <set>

#include <pugixml.hpp>

#include "common/text.h"
#include "gateway/router.h"
#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

// Whitespace-only text is kept when it is an element's only content: a key
// may be " ".
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

Status Malformed() { return ErrorStatus("MalformedXML"); }

// The element name without a namespace prefix ("s3:Key" -> "Key").
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The text of an element that holds only text; false if it holds elements.
bool TextOf(const pugi::xml_node& node, std::string* out) {
  out->clear();
  for (auto child : node.children()) {
    if (child.type() == pugi::node_element) return false;
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
      out->append(child.value());
  }
  return true;
}

// S3 allows letters, digits and spaces in any script, and _ . : / = + - @.
// Outside ASCII every character but the C1 controls counts as a letter (no
// Unicode tables here), so a few symbols AWS refuses are accepted.
bool AllowedInTag(uint32_t cp) {
  if (cp >= 0x80) return cp > 0x9F;
  if (std::isalnum(static_cast<int>(cp)) || cp == ' ') return true;
  return cp != 0 && std::strchr("_.:/=+-@", static_cast<int>(cp)) != nullptr;
}

// Whether `s` is at most `max_chars` allowed characters.
bool ValidTagText(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); chars++) {
    uint32_t cp = 0;
    if (!NextCodePoint(s, &i, &cp) || !AllowedInTag(cp)) return false;
  }
  return chars <= max_chars;
}

}  // namespace

Status ValidateTags(const meta::NameValueList& tags) {
  if (tags.size() > kMaxObjectTags)
    return ErrorStatus("BadRequest", "Object tags cannot be greater than 10");
  std::set<std::string_view> keys;
  for (const auto& [key, value] : tags) {
    if (key.empty() || !ValidTagText(key, kMaxTagKeyChars))
      return ErrorStatus("InvalidTag", "The TagKey you have provided is invalid");
    if (!ValidTagText(value, kMaxTagValueChars))
      return ErrorStatus("InvalidTag", "The TagValue you have provided is invalid");
    if (!keys.insert(key).second)
      return ErrorStatus("InvalidTag", "Cannot provide multiple Tags with the same key");
    if (key.size() >= 4 && strncasecmp(key.data(), "aws:", 4) == 0)  // AWS's reserved prefix
      return ErrorStatus("InvalidTag", "System tags cannot be added/updated by requester");
  }
  return Status::Ok();
}

Result<meta::NameValueList> ParseTaggingHeader(std::string_view header) {
  const Status bad = ErrorStatus("InvalidArgument",
                                 "The header 'x-amz-tagging' shall be encoded as UTF-8 then "
                                 "URLEncoded URL query parameters without tag name duplicates.");
  meta::NameValueList tags;
  std::set<std::string> keys;
  size_t start = 0;
  while (start < header.size()) {
    size_t amp = header.find('&', start);
    if (amp == std::string_view::npos) amp = header.size();
    std::string_view item = header.substr(start, amp - start);
    start = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    auto key = PercentDecode(item.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : PercentDecode(item.substr(eq + 1), true);
    if (!key || !value || !keys.insert(*key).second) return bad;
    tags.emplace_back(std::move(*key), std::move(*value));
  }
  RETURN_IF_ERROR(ValidateTags(tags));
  return tags;
}

Result<meta::NameValueList> ParseTaggingXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), kParseOptions)) return Malformed();
  auto root = doc.document_element();
  if (LocalName(root) != "Tagging") return Malformed();
  meta::NameValueList tags;
  int tag_sets = 0;
  for (auto set : root.children()) {
    if (set.type() != pugi::node_element) continue;
    if (LocalName(set) != "TagSet" || ++tag_sets > 1) return Malformed();
    for (auto tag : set.children()) {
      if (tag.type() != pugi::node_element) continue;
      if (LocalName(tag) != "Tag") return Malformed();
      std::optional<std::string> key, value;
      for (auto field : tag.children()) {
        if (field.type() != pugi::node_element) continue;
        std::string_view name = LocalName(field);
        auto* slot = name == "Key" ? &key : name == "Value" ? &value : nullptr;
        std::string text;
        if (slot == nullptr || slot->has_value() || !TextOf(field, &text)) return Malformed();
        *slot = std::move(text);
      }
      if (!key || !value) return Malformed();
      tags.emplace_back(std::move(*key), std::move(*value));
    }
  }
  if (tag_sets != 1) return Malformed();
  RETURN_IF_ERROR(ValidateTags(tags));
  return tags;
}

Result<DeleteRequest> ParseDeleteXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), kParseOptions)) return Malformed();
  auto root = doc.document_element();
  if (LocalName(root) != "Delete") return Malformed();
  DeleteRequest request;
  bool seen_quiet = false;
  for (auto node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    std::string text;
    if (LocalName(node) == "Quiet") {
      if (seen_quiet || !TextOf(node, &text)) return Malformed();
      seen_quiet = true;
      if (text == "true" || text == "1")
        request.quiet = true;
      else if (text != "false" && text != "0")
        return Malformed();
      continue;
    }
    if (LocalName(node) != "Object" || request.objects.size() == kMaxDeleteObjects)
      return Malformed();
    DeleteRequest::Object object;
    bool has_key = false;
    for (auto field : node.children()) {
      if (field.type() != pugi::node_element) continue;
      std::string_view name = LocalName(field);
      if (!TextOf(field, &text)) return Malformed();
      if (name == "Key" && !has_key) {
        object.key = std::move(text);
        has_key = true;
      } else if (name == "VersionId" && !object.version_id) {
        object.version_id = std::move(text);
      } else if (name == "ETag" && !object.etag) {
        object.etag = std::move(text);
      } else if (name != "LastModifiedTime" && name != "Size") {  // directory buckets only
        return Malformed();
      }
    }
    if (!has_key) return Malformed();
    request.objects.push_back(std::move(object));
  }
  if (request.objects.empty()) return Malformed();
  return request;
}

Result<std::vector<CompletePart>> ParseCompleteMultipartXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), kParseOptions)) return Malformed();
  auto root = doc.document_element();
  if (LocalName(root) != "CompleteMultipartUpload") return Malformed();
  std::vector<CompletePart> parts;
  for (auto node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    if (LocalName(node) != "Part" || parts.size() == meta::kMaxPartNumber) return Malformed();
    CompletePart part;
    bool has_number = false, has_etag = false;
    for (auto field : node.children()) {
      if (field.type() != pugi::node_element) continue;
      std::string text;
      if (!TextOf(field, &text)) return Malformed();
      std::string_view name = LocalName(field);
      if (name == "PartNumber" && !has_number) {
        if (text.empty() || text.size() > 5 ||
            text.find_first_not_of("0123456789") != std::string::npos)
          return Malformed();
        part.part_number = static_cast<uint32_t>(std::stoul(text));
        has_number = true;
      } else if (name == "ETag" && !has_etag) {
        part.etag = std::move(text);
        has_etag = true;
      } else if (name.starts_with("Checksum") && name.size() > 8) {
        part.checksums[std::string(name.substr(8))] = std::move(text);
      }
    }
    if (!has_number || !has_etag) return Malformed();
    if (part.part_number == 0 || part.part_number > meta::kMaxPartNumber)
      return ErrorStatus("InvalidArgument",
                         "Part number must be an integer between 1 and 10000, inclusive");
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return Malformed();
  return parts;
}

}  // namespace bale::s3
