// `bale admin`: the command table, help texts and dispatch. Each command
// family (bucket_commands.cc, user_commands.cc, volume_commands.cc) supplies
// its Commands; RunAdmin finds the one the words name, checks its arguments,
// resolves endpoint and credentials, runs it and turns its Status into the
// exit code:
//   0 success
//   1 the server refused (FAILED_PRECONDITION) or answered nonsense (INTERNAL)
//   2 usage error (INVALID_ARGUMENT): nothing was sent
//   3 the server could not be reached (UNAVAILABLE)
//
// Thread-safety: RunAdmin is meant for one thread (it writes to the streams).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "tools/admin/admin_client.h"
#include "tools/admin/args.h"
#include "tools/admin/credentials.h"

namespace bale::admin {

struct CommandContext {
  const CommandLine& line;
  const std::vector<std::string>& args;  // the words after the command path
  const AdminClient& client;
  bool json;  // --json: print the server's JSON instead of tables
  std::ostream& out;
  std::ostream& err;
};

using CommandHandler = Status (*)(CommandContext& ctx);

struct Command {
  std::string_view path;     // "bucket quota set"
  std::string_view args;     // "BUCKET [--max-size SIZE|none] [--max-objects N|none]"
  std::string_view summary;  // one line for the command list
  std::string_view details;  // what it does and its rules, for --help
  std::string_view example;
  size_t arg_count;                     // exact number of words after the path
  std::vector<std::string_view> flags;  // its own flags (see kCommandFlags in commands.cc)
  CommandHandler run;
};

std::vector<Command> BucketCommands();
std::vector<Command> UserCommands();    // users and keys
std::vector<Command> VolumeCommands();  // status, volumes, drives

// Prints `answer` as indented JSON with --json (nothing for an empty answer),
// else what `human` makes of it.
using HumanFormat = std::string (*)(const boost::json::value& answer);
void Show(CommandContext& ctx, const boost::json::value& answer, HumanFormat human);

// One call, its answer shown: the shape of most commands.
Status CallAndShow(CommandContext& ctx, std::string_view method, const std::string& path,
                   HumanFormat human, const boost::json::value& body = nullptr);

int ExitCodeFor(const Status& status);

// `tokens` are the words after "bale admin".
int RunAdmin(const std::vector<std::string>& tokens, const EnvLookup& env, std::ostream& out,
             std::ostream& err);

}  // namespace bale::admin
