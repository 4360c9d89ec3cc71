#include "tools/admin/args.h"

#include <algorithm>

namespace bale::admin {

std::optional<std::string> CommandLine::Value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> CommandLine::FlagNames() const {
  std::vector<std::string> names(switches.begin(), switches.end());
  for (const auto& [name, value] : values) names.push_back(name);
  return names;
}

Result<CommandLine> SplitCommandLine(const std::vector<std::string>& tokens,
                                     const std::vector<FlagSpec>& flags) {
  CommandLine line;
  bool flags_ended = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (flags_ended || token.size() < 2 || token[0] != '-') {
      line.words.push_back(token);
      continue;
    }
    if (token == "--") {
      flags_ended = true;
      continue;
    }
    if (token == "-h" || token == "--help") {
      line.help = true;
      continue;
    }
    if (token.rfind("--", 0) != 0) return InvalidArgumentError("unknown flag '" + token + "'");
    std::string name = token.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    auto spec =
        std::find_if(flags.begin(), flags.end(), [&](const FlagSpec& f) { return f.name == name; });
    if (spec == flags.end()) return InvalidArgumentError("unknown flag '--" + name + "'");
    if (spec->value_name.empty()) {
      if (value) return InvalidArgumentError("--" + name + " takes no value");
      line.switches.insert(name);
      continue;
    }
    if (!value) {
      // "--max-size --json" lacks a value; "--max-size -1" has a bad one.
      if (i + 1 == tokens.size() || tokens[i + 1].rfind("--", 0) == 0) {
        return InvalidArgumentError("--" + name + " needs a value (" +
                                    std::string(spec->value_name) + ")");
      }
      value = tokens[++i];
    }
    line.values[name] = *value;
  }
  return line;
}

}  // namespace bale::admin
