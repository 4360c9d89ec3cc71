#include "common/units.h"

#include <doctest.h>

namespace bale {
namespace {

TEST_CASE("byte sizes parse with binary and decimal units") {
  CHECK(ParseByteSize("4096").value() == 4096);
  CHECK(ParseByteSize("4KiB").value() == 4096);
  CHECK(ParseByteSize("64kib").value() == 65536);
  CHECK(ParseByteSize("1MiB").value() == 1048576);
  CHECK(ParseByteSize("10GiB").value() == 10737418240ull);
  CHECK(ParseByteSize("1.5GB").value() == 1500000000ull);
  CHECK(ParseByteSize("2k").value() == 2000);
  CHECK(ParseByteSize("0").value() == 0);
}

TEST_CASE("byte sizes refuse what is not a size") {
  for (const char* bad : {"", "-1", "abc", "10XB", "1..2", "0.5B", "99999999999TiB", "KiB"}) {
    CAPTURE(bad);
    auto r = ParseByteSize(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
  CHECK(ParseByteSize("10XB").status().message() ==
        "'10XB' is not a size (examples: 4096, 64KiB, 10GiB, 1.5GB)");
}

TEST_CASE("durations parse in seconds, minutes, hours and days") {
  CHECK(ParseDuration("90").value() == std::chrono::seconds(90));
  CHECK(ParseDuration("90s").value() == std::chrono::seconds(90));
  CHECK(ParseDuration("30m").value() == std::chrono::seconds(1800));
  CHECK(ParseDuration("24h").value() == std::chrono::seconds(86400));
  CHECK(ParseDuration("7d").value() == std::chrono::seconds(604800));
  CHECK(ParseDuration("0").value() == std::chrono::seconds(0));
  for (const char* bad : {"", "h", "3x", "-1s", "1.5h", "10ms", "1234567890s", " 5s"}) {
    CAPTURE(bad);
    CHECK(ParseDuration(bad).status().code() == Code::kInvalidArgument);
  }
  CHECK(ParseDuration("3x").status().message() ==
        "'3x' is not a duration (examples: 90s, 30m, 24h, 7d)");
}

}  // namespace
}  // namespace bale
