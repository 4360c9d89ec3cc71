#include "tools/admin/table.h"

#include <doctest.h>

#include <boost/json/parse.hpp>

#include "tools/admin/json_text.h"
#include "tools/admin/progress_bar.h"

namespace bale::admin {
namespace {

TEST_CASE("tables: aligned columns, numbers to the right, no trailing spaces") {
  Table t({{"NAME"}, {"OBJECTS", Align::kRight}, {"OWNER"}});
  t.AddRow({"photos", "1200", "root"});
  t.AddRow({"a", "7", ""});
  t.AddRow({"café", "12"});  // UTF-8 counts as characters; a missing cell is empty
  CHECK(t.Render() ==
        "NAME    OBJECTS  OWNER\n"
        "photos     1200  root\n"
        "a             7\n"
        "café         12\n");
  CHECK(Table({{"ID", Align::kRight}}).Render() == "ID\n");
}

TEST_CASE("fields: values aligned after the longest name") {
  CHECK(RenderFields({{"name", "photos"}, {"max objects", "none"}, {"error", ""}}) ==
        "name:        photos\n"
        "max objects: none\n"
        "error:\n");
}

TEST_CASE("sizes in binary units, with the exact count where it rounds") {
  CHECK(HumanBytes(0) == "0 B");
  CHECK(HumanBytes(1023) == "1023 B");
  CHECK(HumanBytes(1024) == "1.0 KiB");
  CHECK(HumanBytes(1536) == "1.5 KiB");
  CHECK(HumanBytes(52428800) == "50.0 MiB");
  CHECK(HumanBytes(10737418240) == "10.0 GiB");
  CHECK(HumanBytes((1ull << 20) - 1) == "1.0 MiB");  // not "1024.0 KiB"
  CHECK(HumanBytes(UINT64_MAX) == "16.0 EiB");
  CHECK(BytesWithExact(10737418240) == "10.0 GiB (10737418240 bytes)");
  CHECK(BytesWithExact(512) == "512 B");
}

TEST_CASE("durations: the two largest units") {
  CHECK(HumanDuration(42) == "42s");
  CHECK(HumanDuration(303) == "5m 3s");
  CHECK(HumanDuration(3600) == "1h 0m");
  CHECK(HumanDuration(3 * 86400 + 4 * 3600 + 59) == "3d 4h");
}

TEST_CASE("progress line") {
  CHECK(ProgressLine("compacting volume 3", 0.5) ==
        "compacting volume 3 [###############---------------]  50%");
  CHECK(ProgressLine("x", 7) == "x [##############################] 100%");
  CHECK(ProgressLine("x", -1) == "x [------------------------------]   0%");
}

TEST_CASE("--json prints the server's JSON indented, keys in its order") {
  auto v = boost::json::parse(
      R"({"quota":{"max_bytes":10,"max_objects":0},"buckets":[],"names":["a","b"],"ok":true,"e":{}})");
  CHECK(PrettyJson(v) ==
        "{\n"
        "  \"quota\": {\n"
        "    \"max_bytes\": 10,\n"
        "    \"max_objects\": 0\n"
        "  },\n"
        "  \"buckets\": [],\n"
        "  \"names\": [\n"
        "    \"a\",\n"
        "    \"b\"\n"
        "  ],\n"
        "  \"ok\": true,\n"
        "  \"e\": {}\n"
        "}\n");
}

TEST_CASE("--json prints reals as people write them, and they read back exactly") {
  auto v =
      boost::json::parse(R"({"r":1.28E-2,"z":0E0,"p":0.5,"third":0.3333333333333333,"big":1E300})");
  CHECK(PrettyJson(v) ==
        "{\n"
        "  \"r\": 0.0128,\n"
        "  \"z\": 0.0,\n"
        "  \"p\": 0.5,\n"
        "  \"third\": 0.3333333333333333,\n"
        "  \"big\": 1e+300\n"
        "}\n");
  CHECK(boost::json::parse(PrettyJson(v)) == v);
}

TEST_CASE("lenient readers: missing or mistyped fields read as empty or zero") {
  auto v = boost::json::parse(R"({"n":5,"s":"x","neg":-1,"d":0.25,"b":true,"a":[1]})");
  CHECK(Uint(v, "n") == 5);
  CHECK(Uint(v, "neg") == 0);
  CHECK(Uint(v, "s") == 0);
  CHECK(Str(v, "n") == "");
  CHECK(Str(v, "s") == "x");
  CHECK(Number(v, "d") == 0.25);
  CHECK(Number(v, "n") == 5);
  CHECK(Bool(v, "b"));
  CHECK(!Bool(v, "missing"));
  CHECK(Array(v, "a").size() == 1);
  CHECK(Array(v, "s").empty());
  CHECK(Field(Field(v, "missing"), "deeper").is_null());
}

}  // namespace
}  // namespace bale::admin
