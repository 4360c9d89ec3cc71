#include "tools/admin/help.h"

#include <algorithm>

namespace bale::admin {
namespace {

const std::vector<FlagSpec> kCommonFlags = {
    {"endpoint", "URL",
     "the server's S3 listener, http://HOST[:PORT] (default http://127.0.0.1:9000); plain http "
     "only, https is not supported"},
    {"json", "", "print the server's JSON answer, indented, instead of tables (for scripts)"},
    {"access-key", "KEY", "access key id of an admin user (with --secret-key)"},
    {"secret-key", "SECRET", "its secret key"},
    {"profile", "NAME", "aws-cli profile to read keys and region from"},
    {"region", "REGION", "region to sign for (the server's --region)"},
};

const std::vector<FlagSpec> kCommandFlags = {
    {"max-size", "SIZE|none",
     "largest total of object sizes: 10GiB, 500MB, 4096 (bytes); none or 0 for no limit"},
    {"max-objects", "N|none", "most objects; none or 0 for no limit"},
    {"recount", "", "count every object again and replace the counters"},
    {"display-name", "NAME", "the name shown for the user (default: none)"},
    {"admin", "", "make the user an admin: its keys may call this API"},
};

constexpr char kCredentialsHelp[] =
    "credentials, first found:\n"
    "  1. --access-key and --secret-key\n"
    "  2. --profile NAME: that profile in the aws-cli files below\n"
    "  3. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n"
    "  4. the aws-cli files: ~/.aws/credentials ($AWS_SHARED_CREDENTIALS_FILE) and\n"
    "     ~/.aws/config ($AWS_CONFIG_FILE), profile $AWS_PROFILE or \"default\"\n"
    "region, first found: --region, $AWS_REGION, $AWS_DEFAULT_REGION, the profile's\n"
    "region in the config file, us-east-1\n";

constexpr char kExitCodesHelp[] =
    "exit codes:\n"
    "  0  success\n"
    "  1  the server refused; stderr says \"error: <Code>: <message>\"\n"
    "  2  usage error: unknown command or flag, bad value, no credentials; nothing was sent\n"
    "  3  the server could not be reached (connection refused, timeout)\n";

constexpr size_t kHelpColumn = 30;
constexpr size_t kLineWidth = 80;

// `left` padded to the help column, then `help` word-wrapped under itself.
std::string HelpLine(std::string left, std::string_view help) {
  left.append(left.size() + 2 <= kHelpColumn ? kHelpColumn - left.size() : 2, ' ');
  size_t column = left.size();
  std::string out = left;
  bool line_start = true;
  while (!help.empty()) {
    size_t space = help.find(' ');
    std::string_view word = help.substr(0, space);
    help.remove_prefix(space == std::string_view::npos ? help.size() : space + 1);
    if (!line_start && column + 1 + word.size() > kLineWidth) {
      out += "\n" + std::string(kHelpColumn, ' ');
      column = kHelpColumn;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_start = false;
  }
  return out + "\n";
}

std::string FlagLine(const FlagSpec& f) {
  std::string left = "  --" + std::string(f.name);
  if (!f.value_name.empty()) left += " " + std::string(f.value_name);
  return HelpLine(left, f.help);
}

// The commands under `group` (every one when empty): path and summary.
std::string CommandList(const std::vector<Command>& all, std::string_view group) {
  std::string out;
  for (const Command& c : all) {
    if (group.empty() || c.path == group || c.path.rfind(std::string(group) + " ", 0) == 0) {
      std::string_view args = c.args.substr(0, c.args.find('['));  // flags: in its help
      while (!args.empty() && args.back() == ' ') args.remove_suffix(1);
      out += HelpLine("  " + std::string(c.path) + (args.empty() ? "" : " ") + std::string(args),
                      c.summary);
    }
  }
  return out;
}

std::string Sentence(std::string_view summary) {
  std::string s(summary);
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s + ".";
}

}  // namespace

const std::vector<FlagSpec>& AllFlags() {
  static const std::vector<FlagSpec> all = [] {
    std::vector<FlagSpec> v = kCommonFlags;
    v.insert(v.end(), kCommandFlags.begin(), kCommandFlags.end());
    return v;
  }();
  return all;
}

bool IsCommonFlag(std::string_view name) {
  return std::any_of(kCommonFlags.begin(), kCommonFlags.end(),
                     [&](const FlagSpec& f) { return f.name == name; });
}

std::string MainHelp(const std::vector<Command>& all) {
  std::string out =
      "usage: bale admin <command> [arguments] [options]\n"
      "\n"
      "Manages a running Bale server through its admin API (/_bale/admin/v1/ on the S3\n"
      "listener, docs/admin-api.md). Every request is signed with AWS SigV4 by the key of\n"
      "an admin user, such as the root user (BALE_ROOT_ACCESS_KEY).\n"
      "\n"
      "commands:\n" +
      CommandList(all, "") + "\noptions (every command):\n";
  for (const FlagSpec& f : kCommonFlags) out += FlagLine(f);
  out += HelpLine("  -h, --help", "help for a command") + "\n";
  out += std::string(kCredentialsHelp) + "\n" + kExitCodesHelp +
         "\nRun 'bale admin <command> --help' for a command's arguments and an example.\n";
  return out;
}

std::string GroupHelp(const std::vector<Command>& all, std::string_view group) {
  return "usage: bale admin " + std::string(group) + " <command> [arguments] [options]\n\n" +
         "commands:\n" + CommandList(all, group) + "\nRun 'bale admin " + std::string(group) +
         " <command> --help' for details.\n";
}

std::string CommandHelp(const Command& c) {
  std::string out = "usage: bale admin " + std::string(c.path) + (c.args.empty() ? "" : " ") +
                    std::string(c.args) + " [options]\n\n" + Sentence(c.summary) + "\n";
  if (!c.details.empty()) out += "\n" + std::string(c.details) + "\n";
  if (!c.flags.empty()) {
    out += "\nflags:\n";
    for (std::string_view name : c.flags) {
      for (const FlagSpec& f : kCommandFlags) {
        if (f.name == name) out += FlagLine(f);
      }
    }
  }
  out += "\nexample:\n  " + std::string(c.example) + "\n\noptions (every command):\n";
  for (const FlagSpec& f : kCommonFlags) out += FlagLine(f);
  out += "\n" + std::string(kExitCodesHelp);
  return out;
}

}  // namespace bale::admin
