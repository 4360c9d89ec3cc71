#include "tools/bench_s3/size_distribution.h"

#include <doctest.h>

#include <map>

namespace bale::bench_s3 {
namespace {

SizeDistribution MustParse(std::string_view text) {
  auto d = SizeDistribution::Parse(text);
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  return *d;
}

TEST_CASE("a fixed size is every sample") {
  SizeDistribution d = MustParse("4KiB");
  CHECK(d.fixed());
  CHECK(d.max() == 4096);
  CHECK(d.mean() == 4096);
  Rng rng(1);
  for (int i = 0; i < 100; i++) CHECK(d.Sample(rng) == 4096);
  CHECK(d.ToString() == "4 KiB");
  CHECK(MustParse("1000").max() == 1000);
  CHECK(MustParse("1MB").max() == 1'000'000);
  CHECK(MustParse("0").Sample(rng) == 0);
}

TEST_CASE("a range is uniform between its ends, both included") {
  SizeDistribution d = MustParse("10-13");
  CHECK_FALSE(d.fixed());
  CHECK(d.max() == 13);
  CHECK(d.mean() == 11.5);
  Rng rng(2);
  std::map<uint64_t, int> seen;
  for (int i = 0; i < 40'000; i++) seen[d.Sample(rng)]++;
  REQUIRE(seen.size() == 4);
  for (uint64_t v = 10; v <= 13; v++) {
    CHECK(seen[v] > 9'000);
    CHECK(seen[v] < 11'000);
  }
  CHECK(MustParse("4KiB-1MiB").ToString() == "4 KiB-1 MiB");
}

TEST_CASE("a weighted list picks each size in proportion") {
  SizeDistribution d = MustParse("4KiB:70,64KiB:30");
  CHECK(d.max() == 65536);
  CHECK(d.mean() == doctest::Approx(0.7 * 4096 + 0.3 * 65536));
  Rng rng(3);
  int small = 0, large = 0;
  for (int i = 0; i < 100'000; i++) {
    uint64_t s = d.Sample(rng);
    if (s == 4096)
      small++;
    else if (s == 65536)
      large++;
  }
  CHECK(small + large == 100'000);
  CHECK(small > 69'000);
  CHECK(small < 71'000);
  CHECK(d.ToString() == "4 KiB:70,64 KiB:30");
}

TEST_CASE("items of a list may be ranges") {
  SizeDistribution d = MustParse("1KiB-2KiB:1,1MiB:1");
  REQUIRE(d.items().size() == 2);
  CHECK(d.items()[0].low == 1024);
  CHECK(d.items()[0].high == 2048);
  CHECK(d.items()[1].low == 1 << 20);
  Rng rng(4);
  for (int i = 0; i < 1000; i++) {
    uint64_t s = d.Sample(rng);
    CHECK(((s >= 1024 && s <= 2048) || s == (1 << 20)));
  }
}

TEST_CASE("malformed sizes are refused with the reason") {
  for (const char* bad : {"", "4QB", "1MiB-4KiB", "4KiB,8KiB", "4KiB:70,8KiB", "4KiB:0", "4KiB:x",
                          "4KiB:70,", ",4KiB", "6GiB", "-4KiB", "4KiB-"}) {
    auto d = SizeDistribution::Parse(bad);
    CHECK_MESSAGE(!d.ok(), bad);
    if (!d.ok()) CHECK(d.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("sizes print in whole units when they are whole") {
  CHECK(FormatSize(0) == "0 B");
  CHECK(FormatSize(1000) == "1000 B");
  CHECK(FormatSize(4096) == "4 KiB");
  CHECK(FormatSize(3 << 20) == "3 MiB");
  CHECK(FormatSize(1536 * 1024 + 1) == "1.5 MiB");
}

}  // namespace
}  // namespace bale::bench_s3
