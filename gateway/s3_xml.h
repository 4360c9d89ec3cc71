// Small helpers to build S3 response documents with pugixml, and the two
// time formats S3 uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace bale::s3 {

inline constexpr char kS3Namespace[] = "http://s3.amazonaws.com/doc/2006-03-01/";

// A document with the XML declaration and a root element in S3's namespace.
class XmlDoc {
 public:
  explicit XmlDoc(const char* root_name);
  pugi::xml_node root() { return root_; }
  // Appends <name>text</name> under `parent`.
  static pugi::xml_node Add(pugi::xml_node parent, const char* name, std::string_view text);
  std::string str() const;

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

// "2026-11-21T13:37:00.123Z" (listings)
std::string IsoTime(int64_t micros);
// "Sat, 21 Nov 2026 13:37:00 GMT" (Last-Modified, Date)
std::string HttpDate(int64_t micros);
// Parses an HTTP date (RFC 1123; also RFC 850 and asctime); -1 if invalid.
int64_t ParseHttpDate(std::string_view text);

}  // namespace bale::s3
