#include "tools/admin/credentials.h"

#include <doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "tools/admin/aws_files.h"

namespace bale::admin {
namespace {

// A temporary directory with the two aws-cli files, removed at the end.
struct AwsHome {
  std::string dir;
  std::map<std::string, std::string> vars;

  AwsHome() {
    char tmpl[] = "/tmp/bale-admin-test-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~AwsHome() {
    std::remove((dir + "/credentials").c_str());
    std::remove((dir + "/config").c_str());
    std::remove(dir.c_str());
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    vars[name == "config" ? "AWS_CONFIG_FILE" : "AWS_SHARED_CREDENTIALS_FILE"] = dir + "/" + name;
  }
  EnvLookup Env() const {
    return [vars = vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

constexpr char kCredentials[] =
    "# written by aws configure\n"
    "[default]\n"
    "aws_access_key_id = DEFAULTKEY\n"
    "aws_secret_access_key = default/secret\n"
    "\n"
    "[ci]\n"
    "aws_access_key_id=CIKEY\n"
    "aws_secret_access_key=ci/secret\n";

constexpr char kConfig[] =
    "[default]\n"
    "region = eu-west-3\n"
    "s3 =\n"
    "    signature_version = s3v4\n"
    "[profile ci]\n"
    "region = ap-south-1\n"
    "[profile inconfig]\n"
    "aws_access_key_id = CONFIGKEY\n"
    "aws_secret_access_key = config/secret\n";

TEST_CASE("aws ini files: sections, comments, spaces, nested settings skipped") {
  IniSections s = ParseIni(kConfig);
  CHECK(s["default"]["region"] == "eu-west-3");
  CHECK(s["default"]["s3"] == "");
  CHECK(s["default"].count("signature_version") == 0);
  CHECK(s["profile ci"]["region"] == "ap-south-1");
  CHECK(ParseIni("[a]\r\nk = v\r\n")["a"]["k"] == "v");
  CHECK(!ReadIniFile("/nonexistent/bale/credentials"));
}

TEST_CASE("credentials: flags first, then the environment, then the files") {
  AwsHome home;
  home.Write("credentials", kCredentials);
  home.Write("config", kConfig);
  CredentialFlags flags{"FLAGKEY", "flag/secret", std::nullopt, std::nullopt};
  home.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  home.vars["AWS_SECRET_ACCESS_KEY"] = "env/secret";
  auto c = ResolveCredentials(flags, home.Env());
  REQUIRE(c.ok());
  CHECK(c->access_key == "FLAGKEY");
  CHECK(c->secret == "flag/secret");
  CHECK(c->service == "s3");

  c = ResolveCredentials({}, home.Env());
  REQUIRE(c.ok());
  CHECK(c->access_key == "ENVKEY");
  CHECK(c->secret == "env/secret");

  home.vars.erase("AWS_SECRET_ACCESS_KEY");  // half a key in the environment is none
  c = ResolveCredentials({}, home.Env());
  REQUIRE(c.ok());
  CHECK(c->access_key == "DEFAULTKEY");
  CHECK(c->secret == "default/secret");
}

TEST_CASE("credentials: profiles from --profile or AWS_PROFILE, in either file") {
  AwsHome home;
  home.Write("credentials", kCredentials);
  home.Write("config", kConfig);
  home.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  home.vars["AWS_SECRET_ACCESS_KEY"] = "env/secret";
  CredentialFlags ci{std::nullopt, std::nullopt, "ci", std::nullopt};
  auto c = ResolveCredentials(ci, home.Env());  // an explicit profile beats the environment
  REQUIRE(c.ok());
  CHECK(c->access_key == "CIKEY");
  CHECK(c->region == "ap-south-1");

  CredentialFlags in_config{std::nullopt, std::nullopt, "inconfig", std::nullopt};
  c = ResolveCredentials(in_config, home.Env());
  REQUIRE(c.ok());
  CHECK(c->access_key == "CONFIGKEY");

  CredentialFlags missing{std::nullopt, std::nullopt, "nope", std::nullopt};
  c = ResolveCredentials(missing, home.Env());
  CHECK(c.status().code() == Code::kInvalidArgument);
  CHECK(c.status().message().find("profile 'nope'") != std::string_view::npos);

  home.vars.erase("AWS_ACCESS_KEY_ID");
  home.vars["AWS_PROFILE"] = "ci";
  c = ResolveCredentials({}, home.Env());
  REQUIRE(c.ok());
  CHECK(c->access_key == "CIKEY");
}

TEST_CASE("credentials: none anywhere names the three places; half a flag pair is refused") {
  AwsHome home;
  home.vars["HOME"] = home.dir;  // no .aws below it
  auto c = ResolveCredentials({}, home.Env());
  REQUIRE(!c.ok());
  CHECK(c.status().code() == Code::kInvalidArgument);
  std::string message(c.status().message());
  CHECK(message.find("--access-key and --secret-key") != std::string::npos);
  CHECK(message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  CHECK(message.find(home.dir + "/.aws/credentials") != std::string::npos);

  CredentialFlags half{"KEY", std::nullopt, std::nullopt, std::nullopt};
  CHECK(ResolveCredentials(half, home.Env()).status().code() == Code::kInvalidArgument);
}

TEST_CASE("region: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1") {
  AwsHome home;
  home.vars["HOME"] = home.dir;
  CHECK(ResolveRegion({}, home.Env()) == "us-east-1");
  home.Write("config", kConfig);
  CHECK(ResolveRegion({}, home.Env()) == "eu-west-3");
  CHECK(ResolveRegion({std::nullopt, std::nullopt, "ci", std::nullopt}, home.Env()) ==
        "ap-south-1");
  home.vars["AWS_DEFAULT_REGION"] = "sa-east-1";
  CHECK(ResolveRegion({}, home.Env()) == "sa-east-1");
  home.vars["AWS_REGION"] = "ca-central-1";
  CHECK(ResolveRegion({}, home.Env()) == "ca-central-1");
  CHECK(ResolveRegion({std::nullopt, std::nullopt, std::nullopt, "us-west-2"}, home.Env()) ==
        "us-west-2");
}

}  // namespace
}  // namespace bale::admin
