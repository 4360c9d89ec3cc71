// The command line of `bale admin`, split before the command is known: words
// (the command path, then its arguments) and flags, which may come anywhere.
// Which flags take a value is known up front, so "--profile ci bucket list"
// and "bucket list --profile ci" read the same.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bale::admin {

struct FlagSpec {
  std::string_view name;        // "max-size" for --max-size
  std::string_view value_name;  // "SIZE|none"; empty for a switch
  std::string_view help;
};

struct CommandLine {
  std::vector<std::string> words;             // in order; "--" ends the flags
  std::map<std::string, std::string> values;  // --name VALUE or --name=VALUE; the last wins
  std::set<std::string> switches;             // --name
  bool help = false;                          // -h or --help

  std::optional<std::string> Value(const std::string& name) const;
  bool Has(const std::string& name) const { return values.count(name) || switches.count(name); }
  // Every flag given, as names.
  std::vector<std::string> FlagNames() const;
};

// INVALID_ARGUMENT for a flag not in `flags`, a value flag without a value
// (none left, or the next token is a flag: use --name=--x for such a value),
// or a switch given a value.
Result<CommandLine> SplitCommandLine(const std::vector<std::string>& tokens,
                                     const std::vector<FlagSpec>& flags);

}  // namespace bale::admin
