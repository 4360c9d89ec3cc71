#include "tools/admin/aws_files.h"

#include <fstream>
#include <sstream>

#include "common/text.h"

namespace bale::admin {

IniSections ParseIni(std::string_view text) {
  IniSections sections;
  std::string section;
  bool in_section = false;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (raw.ends_with('\r')) raw.remove_suffix(1);  // a file saved with CRLF
    const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = TrimWhitespace(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';' || indented) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(TrimWhitespace(line.substr(1, line.size() - 2)));
      in_section = true;
      sections[section];
      continue;
    }
    size_t eq = line.find('=');
    if (!in_section || eq == std::string_view::npos) continue;
    sections[section][std::string(TrimWhitespace(line.substr(0, eq)))] =
        std::string(TrimWhitespace(line.substr(eq + 1)));
  }
  return sections;
}

std::optional<IniSections> ReadIniFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return ParseIni(text.str());
}

}  // namespace bale::admin
