#include "tools/admin/commands.h"

#include <algorithm>
#include <sstream>

#include "tools/admin/help.h"
#include "tools/admin/json_text.h"

namespace bale::admin {
namespace {

constexpr char kDefaultEndpoint[] = "http://127.0.0.1:9000";

// In the order help lists them: the overview, then what users touch most.
std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto family : {BucketCommands, UserCommands, VolumeCommands}) {
    std::vector<Command> more = family();
    all.insert(all.end(), more.begin(), more.end());
  }
  auto status =
      std::find_if(all.begin(), all.end(), [](const Command& c) { return c.path == "status"; });
  std::rotate(all.begin(), status, status + 1);
  return all;
}

std::vector<std::string> SplitWords(std::string_view path) {
  std::vector<std::string> words;
  std::istringstream in{std::string(path)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// How many leading `words` name a path of `path`'s prefix (0 when the first differs).
size_t SharedWords(std::string_view path, const std::vector<std::string>& words) {
  std::vector<std::string> p = SplitWords(path);
  size_t n = 0;
  while (n < p.size() && n < words.size() && p[n] == words[n]) ++n;
  return n;
}

// The command whose whole path leads `words`, the longest such.
const Command* FindCommand(const std::vector<Command>& all, const std::vector<std::string>& words) {
  const Command* best = nullptr;
  size_t best_len = 0;
  for (const Command& c : all) {
    size_t len = SplitWords(c.path).size();
    if (SharedWords(c.path, words) == len && len > best_len) {
      best = &c;
      best_len = len;
    }
  }
  return best;
}

// "bale admin bucket quota set" when the words before the first flag name
// that command, else "bale admin": where a flag error's reader should look.
std::string HelpCommandFor(const std::vector<Command>& all,
                           const std::vector<std::string>& tokens) {
  std::vector<std::string> words;
  for (const std::string& t : tokens) {
    if (!t.empty() && t[0] == '-') break;
    words.push_back(t);
  }
  const Command* command = FindCommand(all, words);
  return command ? "bale admin " + std::string(command->path) : "bale admin";
}

// A usage error: the message, then where to read more. Exit code 2.
int UsageError(std::ostream& err, const std::string& message, const std::string& help_command) {
  err << "error: " << message << "\nRun '" << help_command << " --help' for usage.\n";
  return 2;
}

// The words do not name a command: either a group's prefix ("bucket quota")
// or nothing known.
int NoSuchCommand(const std::vector<Command>& all, const CommandLine& line, std::ostream& out,
                  std::ostream& err) {
  size_t group_len = 0;
  for (const Command& c : all) group_len = std::max(group_len, SharedWords(c.path, line.words));
  std::vector<std::string> group(line.words.begin(), line.words.begin() + group_len);
  std::string group_name;
  for (const auto& w : group) group_name += (group_name.empty() ? "" : " ") + w;
  if (group_len == 0 || group_len < line.words.size()) {
    std::string name;
    for (const auto& w : line.words) name += (name.empty() ? "" : " ") + w;
    return UsageError(err, "unknown command '" + name + "'",
                      group_len ? "bale admin " + group_name : "bale admin");
  }
  std::string listing = GroupHelp(all, group_name);
  if (line.help) {
    out << listing;
    return 0;
  }
  err << "error: 'bale admin " << group_name << "' needs a subcommand\n\n" << listing;
  return 2;
}

Status CheckArguments(const Command& command, const CommandLine& line,
                      const std::vector<std::string>& args) {
  for (const std::string& flag : line.FlagNames()) {
    if (IsCommonFlag(flag)) continue;
    if (std::find(command.flags.begin(), command.flags.end(), flag) == command.flags.end()) {
      return InvalidArgumentError("'bale admin " + std::string(command.path) + "' has no flag '--" +
                                  flag + "'");
    }
  }
  if (args.size() != command.arg_count) {
    return InvalidArgumentError("'bale admin " + std::string(command.path) + "' takes " +
                                std::to_string(command.arg_count) + " argument" +
                                (command.arg_count == 1 ? "" : "s") + ", got " +
                                std::to_string(args.size()));
  }
  return Status::Ok();
}

Result<AdminClient> Connect(const CommandLine& line, const EnvLookup& env) {
  ASSIGN_OR_RETURN(Endpoint endpoint,
                   ParseEndpoint(line.Value("endpoint").value_or(kDefaultEndpoint)));
  CredentialFlags flags{line.Value("access-key"), line.Value("secret-key"), line.Value("profile"),
                        line.Value("region")};
  ASSIGN_OR_RETURN(auth::SigningCredentials credentials, ResolveCredentials(flags, env));
  return AdminClient(std::move(endpoint), std::move(credentials));
}

}  // namespace

void Show(CommandContext& ctx, const boost::json::value& answer, HumanFormat human) {
  if (!ctx.json) {
    ctx.out << human(answer);
  } else if (!answer.is_null()) {
    ctx.out << PrettyJson(answer);
  }
}

Status CallAndShow(CommandContext& ctx, std::string_view method, const std::string& path,
                   HumanFormat human, const boost::json::value& body) {
  ASSIGN_OR_RETURN(boost::json::value answer, ctx.client.Call(method, path, body));
  Show(ctx, answer, human);
  return Status::Ok();
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return 0;
    case Code::kInvalidArgument:
      return 2;
    case Code::kUnavailable:
      return 3;
    default:
      return 1;
  }
}

int RunAdmin(const std::vector<std::string>& tokens, const EnvLookup& env, std::ostream& out,
             std::ostream& err) {
  const std::vector<Command> all = AllCommands();
  Result<CommandLine> line = SplitCommandLine(tokens, AllFlags());
  if (!line.ok()) {
    return UsageError(err, std::string(line.status().message()), HelpCommandFor(all, tokens));
  }
  if (line->words.empty()) {
    (line->help ? out : err) << MainHelp(all);
    return line->help ? 0 : 2;
  }
  const Command* command = FindCommand(all, line->words);
  if (!command) return NoSuchCommand(all, *line, out, err);
  const std::string name = "bale admin " + std::string(command->path);
  if (line->help) {
    out << CommandHelp(*command);
    return 0;
  }
  std::vector<std::string> args(line->words.begin() + SplitWords(command->path).size(),
                                line->words.end());
  if (Status s = CheckArguments(*command, *line, args); !s.ok()) {
    return UsageError(err, std::string(s.message()), name);
  }
  Result<AdminClient> client = Connect(*line, env);
  if (!client.ok()) return UsageError(err, std::string(client.status().message()), name);
  CommandContext ctx{*line, args, *client, line->switches.count("json") > 0, out, err};
  Status status = command->run(ctx);
  if (status.ok()) return 0;
  int code = ExitCodeFor(status);
  if (code == 2) return UsageError(err, std::string(status.message()), name);
  err << "error: " << status.message() << "\n";
  return code;
}

}  // namespace bale::admin
