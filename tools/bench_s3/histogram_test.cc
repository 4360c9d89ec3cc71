#include "tools/bench_s3/histogram.h"

#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace bale::bench_s3 {
namespace {

TEST_CASE("an empty histogram reports zeros") {
  LatencyHistogram h;
  CHECK(h.count() == 0);
  CHECK(h.Percentile(0.5) == 0);
  CHECK(h.Percentile(1.0) == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
}

TEST_CASE("values below 256 are exact: 1..100 gives the textbook percentiles") {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; v++) h.Record(v);
  CHECK(h.count() == 100);
  CHECK(h.Percentile(0.50) == 50);
  CHECK(h.Percentile(0.90) == 90);
  CHECK(h.Percentile(0.99) == 99);
  CHECK(h.Percentile(0.999) == 100);
  CHECK(h.Percentile(1.0) == 100);
  CHECK(h.Percentile(0.0) == 1);
  CHECK(h.min() == 1);
  CHECK(h.max() == 100);
  CHECK(h.mean() == doctest::Approx(50.5));
}

TEST_CASE("one slow outlier in 1000 shows at p99.9 and max, not at p99") {
  LatencyHistogram h;
  for (int i = 0; i < 999; i++) h.Record(40);
  h.Record(250'000);
  CHECK(h.Percentile(0.99) == 40);
  CHECK(h.Percentile(0.999) == 40);  // rank 999 of 1000 is still 40
  CHECK(h.Percentile(0.9999) == 250'000);
  CHECK(h.max() == 250'000);
}

TEST_CASE("large values are reported within 1/128 above, never below") {
  for (uint64_t v : {256ull, 257ull, 1000ull, 4095ull, 4096ull, 123'456ull, 9'999'999ull,
                     (1ull << 39) + 12345}) {
    LatencyHistogram h;
    h.Record(v);
    h.Record(v + 1);  // so the percentile is not capped at max by the value itself
    uint64_t p = h.Percentile(0.5);
    CHECK(p >= v);
    CHECK(static_cast<double>(p - v) <= v / 128.0);
  }
}

TEST_CASE("values past the range are counted at the maximum") {
  LatencyHistogram h;
  h.Record(UINT64_MAX);
  CHECK(h.max() == LatencyHistogram::kMaxValue);
  CHECK(h.Percentile(1.0) == LatencyHistogram::kMaxValue);
}

TEST_CASE("percentiles of random latencies agree with sorting, within the bucket width") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(200.0), 1.0);
  std::vector<uint64_t> all;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; i++) {
    uint64_t v = static_cast<uint64_t>(latency(rng));
    all.push_back(v);
    h.Record(v);
  }
  std::sort(all.begin(), all.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    // q * 100,000 is a whole rank for these quantiles.
    uint64_t exact = all[static_cast<size_t>(std::llround(q * all.size())) - 1];
    uint64_t got = h.Percentile(q);
    CHECK(got >= exact);
    CHECK(static_cast<double>(got - exact) <= std::max(1.0, exact / 128.0));
  }
  CHECK(h.max() == all.back());
  CHECK(h.min() == all.front());
}

TEST_CASE("merging two histograms equals recording everything into one") {
  LatencyHistogram a, b, all;
  for (uint64_t v = 0; v < 5000; v += 3) {
    a.Record(v);
    all.Record(v);
  }
  for (uint64_t v = 7; v < 900'000; v += 911) {
    b.Record(v);
    all.Record(v);
  }
  a.Merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.mean() == all.mean());
  for (double q : {0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) CHECK(a.Percentile(q) == all.Percentile(q));
}

TEST_CASE("merging into an empty histogram keeps the other's minimum") {
  LatencyHistogram empty, b;
  b.Record(17);
  b.Record(30);
  empty.Merge(b);
  CHECK(empty.min() == 17);
  CHECK(empty.count() == 2);
}

}  // namespace
}  // namespace bale::bench_s3
