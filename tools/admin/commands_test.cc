// `bale admin` end to end against a fake server: what is sent (and that it
// verifies as SigV4 with the server's own verifier), what is printed, exit codes.
#include "tools/admin/commands.h"

#include <doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include <boost/json/parse.hpp>

#include "auth/checksum.h"
#include "auth/sigv4.h"
#include "auth/testing/map_secret_store.h"
#include "tools/admin/testing/fake_http_server.h"

namespace bale::admin {
namespace {

constexpr char kKey[] = "BALETESTKEY00000001";
constexpr char kSecret[] = "bale/test/secret/key/0000000000000000000";
constexpr char kNoSuchBucket[] =
    R"({"error":{"code":"NoSuchBucket","message":"The specified bucket does not exist","request_id":"17A"}})";
constexpr char kVolume[] =
    R"({"id":3,"drive":"/d1","state":"sealed","size_bytes":2048,"size_limit":1073741824,)"
    R"("needles":2,"live_bytes":1024,"garbage_ratio":0.5,"coding":"none","compacting":%s,)"
    R"("compaction_progress":%s,"error":""})";

struct Run {
  int code;
  std::string out, err;
};

Run Admin(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  env.emplace("AWS_ACCESS_KEY_ID", kKey);
  env.emplace("AWS_SECRET_ACCESS_KEY", kSecret);
  env.emplace("HOME", "/nonexistent");
  EnvLookup lookup = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  std::ostringstream out, err;
  int code = RunAdmin(args, lookup, out, err);
  return {code, out.str(), err.str()};
}

std::string Volume(const char* compacting, const char* progress) {
  char text[512];
  std::snprintf(text, sizeof(text), kVolume, compacting, progress);
  return text;
}

// The request verifies with the server's verifier, body digest included.
void CheckSigned(const testing::RecordedRequest& r, const std::string& region = "us-east-1") {
  auth::MapSecretStore secrets{kKey, kSecret};
  auth::AuthOptions options;
  options.region = region;
  auto context = auth::Authenticate(r.head, secrets, *Clock::Real(), options);
  REQUIRE_MESSAGE(context.ok(), context.status().ToString());
  CHECK(context->access_key == kKey);
  CHECK(auth::CheckPayloadSha256(*context, auth::Sha256Hex(r.body)).ok());
}

uint16_t ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_CASE("quota set: reads the quota, keeps what is not given, PUTs both limits") {
  testing::FakeHttpServer server;
  server.Expect(200, R"({"max_bytes":100,"max_objects":7})");
  server.Expect(200, R"({"max_bytes":1073741824,"max_objects":7})");
  Run r =
      Admin({"bucket", "quota", "set", "photos", "--max-size", "1GiB", "--endpoint", server.url()});
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out == "max size:    1.0 GiB (1073741824 bytes)\nmax objects: 7\n");
  const auto& sent = server.requests();
  REQUIRE(sent.size() == 2);
  CHECK(sent[0].head.method == "GET");
  CHECK(sent[0].head.target == "/_bale/admin/v1/buckets/photos/quota");
  CHECK(sent[1].head.method == "PUT");
  CHECK(sent[1].head.target == "/_bale/admin/v1/buckets/photos/quota");
  CHECK(boost::json::parse(sent[1].body) ==
        boost::json::parse(R"({"max_bytes":1073741824,"max_objects":7})"));
  CHECK(sent[1].head.Header("content-type") == "application/json");
  for (const auto& request : sent) CheckSigned(request);
}

TEST_CASE("quota set: bad values are usage errors and nothing is sent") {
  testing::FakeHttpServer server;
  for (std::vector<std::string> flags :
       std::vector<std::vector<std::string>>{{"--max-size", "-1"},
                                             {"--max-size", "9223372036854775808"},
                                             {"--max-size", "8EiB"},
                                             {"--max-size", "lots"},
                                             {"--max-objects", "1.5"},
                                             {"--max-objects", "-3"},
                                             {"--max-size", "1GiB", "--max-objects", "x"},
                                             {}}) {
    std::vector<std::string> args = {"bucket", "quota",      "set",
                                     "photos", "--endpoint", server.url()};
    args.insert(args.end(), flags.begin(), flags.end());
    Run r = Admin(args);
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err.rfind("error: ", 0) == 0);
  }
  CHECK(server.requests().empty());
}

TEST_CASE("a refusal prints the server's code and message and exits 1") {
  testing::FakeHttpServer server;
  server.Expect(404, kNoSuchBucket);
  server.Expect(502, "<html>bad gateway</html>");
  Run r = Admin({"bucket", "info", "nope", "--endpoint", server.url()});
  CHECK(r.code == 1);
  CHECK(r.out == "");
  CHECK(r.err == "error: NoSuchBucket: The specified bucket does not exist\n");
  r = Admin({"bucket", "info", "nope", "--endpoint", server.url()});
  CHECK(r.code == 1);
  CHECK(r.err == "error: HTTP 502 Bad Gateway\n");
}

TEST_CASE("a server that cannot be reached exits 3 naming the endpoint") {
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort());
  Run r = Admin({"status", "--endpoint", url});
  CHECK(r.code == 3);
  CHECK(r.err == "error: could not reach " + url + " (connect): Connection refused\n");
}

TEST_CASE("names are URI-encoded into one path segment; region and flags reach the signature") {
  testing::FakeHttpServer server;
  server.Expect(200, R"({"name":"a b/c"})");
  Run r = Admin({"--region", "eu-west-3", "bucket", "info", "a b/c", "--endpoint=" + server.url()});
  CHECK(r.code == 0);
  const auto& sent = server.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].head.target == "/_bale/admin/v1/buckets/a%20b%2Fc");
  CHECK(sent[0].head.Header("authorization")->find("/eu-west-3/s3/aws4_request") !=
        std::string_view::npos);
  CheckSigned(sent[0], "eu-west-3");
}

TEST_CASE("--json prints the answer indented; tables otherwise") {
  testing::FakeHttpServer server;
  const char* bucket =
      R"({"name":"photos","owner":"root","created":"2026-11-21T15:04:05Z",)"
      R"("quota":{"max_bytes":0,"max_objects":10},"usage":{"bytes":52428800,"objects":1200}})";
  server.Expect(200, bucket);
  server.Expect(200, std::string(R"({"buckets":[)") + bucket + "]}");
  Run r = Admin({"bucket", "info", "photos", "--json", "--endpoint", server.url()});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("{\n  \"name\": \"photos\",\n  \"owner\": \"root\",\n", 0) == 0);
  CHECK(boost::json::parse(r.out) == boost::json::parse(bucket));
  r = Admin({"bucket", "list", "--endpoint", server.url()});
  CHECK(r.out ==
        "NAME    OWNER  CREATED               OBJECTS      SIZE  MAX OBJECTS  MAX SIZE\n"
        "photos  root   2026-11-21T15:04:05Z     1200  50.0 MiB           10      none\n");
}

TEST_CASE("volume compact polls until the compaction is over, then prints the volume") {
  testing::FakeHttpServer server;
  server.Expect(202, Volume("true", "0.1"));
  server.Expect(200, Volume("true", "0.6"));
  server.Expect(200, Volume("false", "0"));
  Run r = Admin({"volume", "compact", "3", "--endpoint", server.url()});
  CHECK(r.code == 0);
  CHECK(r.err == "");  // not a terminal: no progress bar
  CHECK(r.out.find("compacting: no\n") != std::string::npos);
  CHECK(r.out.find("garbage:    50.0%\n") != std::string::npos);
  const auto& sent = server.requests();
  REQUIRE(sent.size() == 3);
  CHECK(sent[0].head.method == "POST");
  CHECK(sent[0].head.target == "/_bale/admin/v1/volumes/3/compact");
  CHECK(sent[2].head.method == "GET");
  CHECK(sent[2].head.target == "/_bale/admin/v1/volumes/3");
}

TEST_CASE("key create shows the secret once, with the warning; user create sends its flags") {
  testing::FakeHttpServer server;
  const char* key =
      R"({"access_key_id":"BALE6Q2","user_id":"alice","active":true,"created":"2026-11-21T15:04:05Z","secret_key":"s3cr3t"})";
  server.Expect(201, key);
  server.Expect(201, key);
  server.Expect(201, R"({"user_id":"alice"})");
  server.Expect(204, "");
  Run r = Admin({"key", "create", "alice", "--endpoint", server.url()});
  CHECK(r.code == 0);
  CHECK(r.out.find("secret key:    s3cr3t\n") != std::string::npos);
  CHECK(r.out.find("will not be shown again") != std::string::npos);
  r = Admin({"key", "create", "alice", "--json", "--endpoint", server.url()});
  CHECK(boost::json::parse(r.out) == boost::json::parse(key));
  CHECK(r.err.find("will not be shown again") != std::string::npos);
  r = Admin({"user", "create", "alice", "--admin", "--display-name", "Alice L", "--endpoint",
             server.url()});
  CHECK(r.code == 0);
  r = Admin({"user", "delete", "alice", "--endpoint", server.url()});
  CHECK(r.code == 0);
  CHECK(r.out == "deleted user alice\n");
  const auto& sent = server.requests();
  REQUIRE(sent.size() == 4);
  CHECK(sent[0].head.target == "/_bale/admin/v1/users/alice/keys");
  CHECK(boost::json::parse(sent[2].body) ==
        boost::json::parse(R"({"user_id":"alice","admin":true,"display_name":"Alice L"})"));
  CHECK(sent[3].head.method == "DELETE");
  CHECK(sent[3].head.target == "/_bale/admin/v1/users/alice");
}

TEST_CASE("usage errors exit 2 before anything is sent") {
  testing::FakeHttpServer server;
  const std::string e = "--endpoint=" + server.url();
  struct Case {
    std::vector<std::string> args;
    std::string err_start;
  };
  for (const Case& c : std::vector<Case>{
           {{"frobnicate", e}, "error: unknown command 'frobnicate'\n"},
           {{"bucket", "frob", e}, "error: unknown command 'bucket frob'\n"},
           {{"bucket", e}, "error: 'bale admin bucket' needs a subcommand\n"},
           {{"bucket", "info", e}, "error: 'bale admin bucket info' takes 1 argument, got 0\n"},
           {{"bucket", "info", "a", "b", e}, "error: 'bale admin bucket info' takes 1 argument"},
           {{"bucket", "info", "a", "--recount", e},
            "error: 'bale admin bucket info' has no flag '--recount'"},
           {{"bucket", "list", "--no-such", e}, "error: unknown flag '--no-such'"},
           {{"bucket", "list", "--endpoint"}, "error: --endpoint needs a value"},
           {{"bucket", "quota", "set", "b", "--max-size", "--json", e},
            "error: --max-size needs a value"},
           {{"bucket", "list", "--json=yes", e}, "error: --json takes no value"},
           {{"volume", "info", "x", e}, "error: volume id 'x' is not a number"},
           {{"status", "--endpoint", "https://127.0.0.1:9000"},
            "error: --endpoint 'https://127.0.0.1:9000': https is not supported"},
           {{"status", "--endpoint", "127.0.0.1:9000"},
            "error: --endpoint '127.0.0.1:9000': expected http://HOST[:PORT]"},
           {{"status", "--access-key", "K", e}, "error: --access-key and --secret-key go together"},
           {{}, "usage: bale admin"},
       }) {
    Run r = Admin(c.args);
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.rfind(c.err_start, 0) == 0);
  }
  CHECK(server.requests().empty());
}

TEST_CASE("no credentials anywhere: exit 2 naming the places") {
  std::ostringstream out, err;
  EnvLookup empty = [](const std::string&) { return std::optional<std::string>(); };
  CHECK(RunAdmin({"status"}, empty, out, err) == 2);
  CHECK(err.str().rfind("error: no credentials found: pass --access-key and --secret-key, or set "
                        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put",
                        0) == 0);
}

TEST_CASE("help: every command has a page with an example; the main page lists exit codes") {
  Run r = Admin({"--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("  3  the server could not be reached") != std::string::npos);
  CHECK(r.out.find("plain http only") != std::string::npos);
  for (const char* command :
       {"status",           "bucket list",        "bucket info",  "bucket quota set",
        "bucket quota get", "bucket quota clear", "bucket usage", "bucket chown",
        "user list",        "user create",        "user info",    "user disable",
        "user enable",      "user delete",        "key list",     "key create",
        "key revoke",       "volume list",        "volume info",  "volume compact",
        "volume seal",      "volume encode",      "drive list",   "orphans sweep"}) {
    CAPTURE(command);
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string w; words >> w;) args.push_back(w);
    args.push_back("--help");
    r = Admin(args);
    CHECK(r.code == 0);
    CHECK(r.out.rfind(std::string("usage: bale admin ") + command, 0) == 0);
    CHECK(r.out.find("\nexample:\n  bale admin " + std::string(command)) != std::string::npos);
    CHECK(r.out.find("--endpoint URL") != std::string::npos);
  }
  r = Admin({"bucket", "quota", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("bucket quota set BUCKET") != std::string::npos);
}

}  // namespace
}  // namespace bale::admin
