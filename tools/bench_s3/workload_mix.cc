#include "tools/bench_s3/workload_mix.h"

#include <charconv>

#include "common/text.h"

namespace bale::bench_s3 {
namespace {

constexpr std::array<std::string_view, kOpCount> kNames = {"put", "get", "head", "delete", "list"};
constexpr uint32_t kMaxWeight = 1'000'000;

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgumentError("--mix '" + std::string(text) + "': " + std::string(why) +
                              " (example: get=90,put=10; operations: put, get, head, delete, "
                              "list)");
}

}  // namespace

std::string_view OpName(Op op) { return kNames[static_cast<int>(op)]; }

std::optional<Op> OpFromName(std::string_view name) {
  for (int i = 0; i < kOpCount; i++) {
    if (kNames[i] == name) return static_cast<Op>(i);
  }
  return std::nullopt;
}

Result<WorkloadMix> WorkloadMix::Parse(std::string_view text) {
  WorkloadMix mix;
  std::array<bool, kOpCount> seen{};
  for (std::string_view part : Split(text, ',')) {
    size_t eq = part.find_first_of("=:");
    if (eq == std::string_view::npos)
      return Bad(text, "'" + std::string(part) + "' is not OP=WEIGHT");
    auto op = OpFromName(part.substr(0, eq));
    if (!op) return Bad(text, "unknown operation '" + std::string(part.substr(0, eq)) + "'");
    if (seen[static_cast<int>(*op)]) return Bad(text, std::string(OpName(*op)) + " given twice");
    seen[static_cast<int>(*op)] = true;
    std::string_view w = part.substr(eq + 1);
    uint32_t weight = 0;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
    if (ec != std::errc() || end != w.data() + w.size() || weight > kMaxWeight) {
      return Bad(text, "weight '" + std::string(w) + "' is not a whole number from 0 to 1000000");
    }
    mix.weights_[static_cast<int>(*op)] = weight;
    mix.total_ += weight;
  }
  if (mix.total_ == 0) return Bad(text, "no operation has a weight above 0");
  return mix;
}

WorkloadMix WorkloadMix::Only(Op op) {
  WorkloadMix mix;
  mix.weights_[static_cast<int>(op)] = 1;
  mix.total_ = 1;
  return mix;
}

Op WorkloadMix::Pick(Rng& rng) const {
  uint64_t pick = rng.Below(total_);
  for (int i = 0; i < kOpCount; i++) {
    if (pick < weights_[i]) return static_cast<Op>(i);
    pick -= weights_[i];
  }
  return Op::kGet;  // unreachable: the weights sum to total_
}

std::string WorkloadMix::ToString() const {
  std::string out;
  for (int i = 0; i < kOpCount; i++) {
    if (weights_[i] == 0) continue;
    if (!out.empty()) out += ",";
    out += std::string(kNames[i]) + "=" + std::to_string(weights_[i]);
  }
  return out;
}

}  // namespace bale::bench_s3
