// The flags `bale admin` knows and the help texts built from the command
// table: `bale admin --help`, a group's list ("bale admin bucket --help") and
// one command's page.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/admin/args.h"
#include "tools/admin/commands.h"

namespace bale::admin {

// The common flags, then every command's own.
const std::vector<FlagSpec>& AllFlags();
bool IsCommonFlag(std::string_view name);

std::string MainHelp(const std::vector<Command>& all);
std::string GroupHelp(const std::vector<Command>& all, std::string_view group);
std::string CommandHelp(const Command& command);

}  // namespace bale::admin
