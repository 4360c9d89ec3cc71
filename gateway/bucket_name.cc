#include "gateway/bucket_name.h"

#include <array>
#include <string>
#include <vector>

#include "common/text.h"
#include "gateway/s3_error.h"

namespace bale::s3 {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view s) {
  const std::vector<std::string_view> parts = Split(s, '.');
  if (parts.size() != 4) return false;
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 3) return false;
    for (char c : p)
      if (c < '0' || c > '9') return false;
  }
  return true;
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
  // Each dot-separated label begins and ends with a letter or digit (DNS).
  if (name.find("-.") != std::string_view::npos || name.find(".-") != std::string_view::npos)
    return bad("must not have '-' next to '.'");
  if (LooksLikeIpv4(name)) return bad("must not be formatted as an IP address");
  for (auto p : kBadPrefixes)
    if (name.starts_with(p)) return bad("must not start with '" + std::string(p) + "'");
  for (auto s : kBadSuffixes)
    if (name.ends_with(s)) return bad("must not end with '" + std::string(s) + "'");
  return Status::Ok();
}

}  // namespace bale::s3
