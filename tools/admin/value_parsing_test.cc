#include "tools/admin/value_parsing.h"

#include <doctest.h>

namespace bale::admin {
namespace {

TEST_CASE("size limits: units, none and 0 mean no limit") {
  CHECK(*ParseSizeLimit("max-size", "10GiB") == 10ull << 30);
  CHECK(*ParseSizeLimit("max-size", "500MB") == 500'000'000);
  CHECK(*ParseSizeLimit("max-size", "4096") == 4096);
  CHECK(*ParseSizeLimit("max-size", "none") == 0);
  CHECK(*ParseSizeLimit("max-size", "0") == 0);
  // Plain bytes are exact up to the ceiling (no rounding through a double).
  CHECK(*ParseSizeLimit("max-size", "9223372036854775807") == kLimitCeiling - 1);
}

TEST_CASE("size limits: negative, absurd and unparseable values are refused") {
  for (const char* bad : {"-1", "-5GiB", "12parsecs", "", "1.5", "NONE ", "1e3", "ten"}) {
    CAPTURE(bad);
    Result<uint64_t> r = ParseSizeLimit("max-size", bad);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message().find("--max-size") != std::string_view::npos);
  }
  for (const char* huge :
       {"9223372036854775808", "18446744073709551616", "8EiB", "8192PiB", "9999999TiB"}) {
    CAPTURE(huge);
    CHECK(!ParseSizeLimit("max-size", huge).ok());
  }
  CHECK(ParseSizeLimit("max-size", "9223372036854775808").status().message().find("2^63") !=
        std::string_view::npos);
}

TEST_CASE("count limits: whole numbers below 2^63, none or 0") {
  CHECK(*ParseCountLimit("max-objects", "1000000") == 1'000'000);
  CHECK(*ParseCountLimit("max-objects", "none") == 0);
  CHECK(*ParseCountLimit("max-objects", "0") == 0);
  CHECK(*ParseCountLimit("max-objects", "9223372036854775807") == kLimitCeiling - 1);
  for (const char* bad : {"-1", "1k", "1.0", "", "+3", "9223372036854775808", "1 "}) {
    CAPTURE(bad);
    CHECK(ParseCountLimit("max-objects", bad).status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("volume ids are 1 .. 2^32-1") {
  CHECK(*ParseVolumeId("3") == 3);
  CHECK(*ParseVolumeId("4294967295") == 4294967295u);
  for (const char* bad : {"0", "-1", "abc", "", "4294967296", "3x"}) {
    CAPTURE(bad);
    CHECK(!ParseVolumeId(bad).ok());
  }
}

TEST_CASE("quota set: one flag at least; a flag not given keeps the current limit") {
  CHECK(!ParseQuotaChange(std::nullopt, std::nullopt).ok());
  Quota current{100, 7};
  auto size_only = ParseQuotaChange("1KiB", std::nullopt);
  REQUIRE(size_only.ok());
  CHECK(Merge(current, *size_only).max_bytes == 1024);
  CHECK(Merge(current, *size_only).max_objects == 7);
  auto objects_none = ParseQuotaChange(std::nullopt, "none");
  REQUIRE(objects_none.ok());
  CHECK(Merge(current, *objects_none).max_bytes == 100);
  CHECK(Merge(current, *objects_none).max_objects == 0);
  CHECK(!ParseQuotaChange("10GiB", "-3").ok());  // one bad value spoils the call
}

}  // namespace
}  // namespace bale::admin
