#include "tools/bench_s3/workload_mix.h"

#include <doctest.h>

namespace bale::bench_s3 {
namespace {

TEST_CASE("a 90/10 mix issues GET and PUT in those proportions and nothing else") {
  auto mix = WorkloadMix::Parse("get=90,put=10");
  REQUIRE(mix.ok());
  CHECK(mix->weight(Op::kGet) == 90);
  CHECK(mix->weight(Op::kPut) == 10);
  CHECK_FALSE(mix->uses(Op::kHead));
  Rng rng(5);
  int counts[kOpCount] = {};
  for (int i = 0; i < 100'000; i++) counts[static_cast<int>(mix->Pick(rng))]++;
  CHECK(counts[static_cast<int>(Op::kGet)] > 89'000);
  CHECK(counts[static_cast<int>(Op::kGet)] < 91'000);
  CHECK(counts[static_cast<int>(Op::kGet)] + counts[static_cast<int>(Op::kPut)] == 100'000);
  CHECK(mix->ToString() == "put=10,get=90");
}

TEST_CASE("weights are ratios; a zero weight is allowed and never picked") {
  auto mix = WorkloadMix::Parse("head=1,list=1,delete=0");
  REQUIRE(mix.ok());
  Rng rng(6);
  int heads = 0;
  for (int i = 0; i < 10'000; i++) {
    Op op = mix->Pick(rng);
    CHECK(op != Op::kDelete);
    heads += op == Op::kHead;
  }
  CHECK(heads > 4'700);
  CHECK(heads < 5'300);
  CHECK(WorkloadMix::Parse("get:3").ok());
}

TEST_CASE("Only(op) always picks op") {
  WorkloadMix mix = WorkloadMix::Only(Op::kList);
  Rng rng(7);
  for (int i = 0; i < 100; i++) CHECK(mix.Pick(rng) == Op::kList);
}

TEST_CASE("malformed mixes are refused") {
  for (const char* bad : {"", "get", "get=", "get=x", "copy=1", "get=1,get=2", "get=0", "get=90,",
                          "get=-1", "get=2000000"}) {
    CHECK_MESSAGE(!WorkloadMix::Parse(bad).ok(), bad);
  }
}

TEST_CASE("operation names round-trip") {
  for (int i = 0; i < kOpCount; i++) {
    Op op = static_cast<Op>(i);
    CHECK(OpFromName(OpName(op)) == op);
  }
  CHECK_FALSE(OpFromName("GET").has_value());
}

}  // namespace
}  // namespace bale::bench_s3
