#include "gateway/s3_xml.h"

#include <ctime>
#include <sstream>

namespace bale::s3 {

XmlDoc::XmlDoc(const char* root_name) {
  auto decl = doc_.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  root_ = doc_.append_child(root_name);
  root_.append_attribute("xmlns") = kS3Namespace;
}

pugi::xml_node XmlDoc::Add(pugi::xml_node parent, const char* name, std::string_view text) {
  auto n = parent.append_child(name);
  n.text().set(std::string(text).c_str());
  return n;
}

std::string XmlDoc::str() const {
  std::ostringstream out;
  doc_.save(out, "", pugi::format_raw);
  return out.str();
}

std::string IsoTime(int64_t micros) {
  std::time_t t = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>((micros / 1000) % 1000));
  return buf;
}

std::string HttpDate(int64_t micros) {
  std::time_t t = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

int64_t ParseHttpDate(std::string_view text) {
  std::string s(text);
  for (const char* fmt :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(s.c_str(), fmt, &tm);
    if (end != nullptr && *end == '\0') return static_cast<int64_t>(timegm(&tm)) * 1'000'000;
  }
  return -1;
}

}  // namespace bale::s3
