// Reading the aws-cli's shared files (~/.aws/credentials, ~/.aws/config): INI
// sections of "key = value" lines. Indented lines continue the key above them
// (the nested "s3 =" settings) and are not keys of their own.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bale::admin {

// section name -> key -> value, names as written ("profile ci", "default").
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

IniSections ParseIni(std::string_view text);

// The file's sections, or nullopt when it cannot be read.
std::optional<IniSections> ReadIniFile(const std::string& path);

}  // namespace bale::admin
