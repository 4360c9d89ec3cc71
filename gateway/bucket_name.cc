#include "gateway/bucket_name.h"

#include <array>
#include <string>

#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view s) {
  int parts = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view p = s.substr(start, dot - start);
    if (p.empty() || p.size() > 3) return false;
    for (char c : p)
      if (c < '0' || c > '9') return false;
    parts++;
    start = dot + 1;
  }
  return parts == 4;
}

constexpr std::array<std::string_view, 3> kBadPrefixes = {"xn--", "sthree-", "amzn-s3-demo-"};
constexpr std::array<std::string_view, 4> kBadSuffixes = {"-s3alias", "--ol-s3", ".mrap", "--x-s3"};

}  // namespace

Status ValidateBucketName(std::string_view name) {
  auto bad = [&](std::string why) {
    return ErrorStatus("InvalidBucketName",
                       "The specified bucket is not valid: '" + std::string(name) + "' " + why);
  };
  if (name.size() < 3 || name.size() > 63) return bad("must be 3 to 63 characters long");
  for (char c : name)
    if (!IsLowerAlnum(c) && c != '.' && c != '-')
      return bad("may contain only lowercase letters, digits, '.' and '-'");
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back()))
    return bad("must begin and end with a letter or digit");
  if (name.find("..") != std::string_view::npos) return bad("must not contain '..'");
  if (LooksLikeIpv4(name)) return bad("must not be formatted as an IP address");
  for (auto p : kBadPrefixes)
    if (name.starts_with(p)) return bad("must not start with '" + std::string(p) + "'");
  for (auto s : kBadSuffixes)
    if (name.ends_with(s)) return bad("must not end with '" + std::string(s) + "'");
  return Status::Ok();
}

}  // namespace bale::s3
