#include "tools/bench_s3/size_distribution.h"

#include <charconv>
#include <cstdio>

#include "common/text.h"
#include "common/units.h"

namespace bale::bench_s3 {
namespace {

// S3's limit for one PUT; the load generator sends each body whole.
constexpr uint64_t kMaxObjectSize = uint64_t{5} << 30;
constexpr uint64_t kMaxWeight = 1'000'000;

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgumentError("--size '" + std::string(text) + "': " + std::string(why) +
                              " (examples: 4KiB, 4KiB-1MiB, 4KiB:70,64KiB:30)");
}

Result<uint64_t> ParseOneSize(std::string_view whole, std::string_view text) {
  auto size = ParseByteSize(text);
  if (!size.ok()) return Bad(whole, "'" + std::string(text) + "' is not a size");
  if (*size > kMaxObjectSize) return Bad(whole, "sizes are limited to 5GiB, S3's PUT limit");
  return *size;
}

// "SIZE" or "SIZE-SIZE".
Status ParseRange(std::string_view whole, std::string_view text, SizeDistribution::Item* item) {
  size_t dash = text.find('-');
  ASSIGN_OR_RETURN(item->low, ParseOneSize(whole, text.substr(0, dash)));
  item->high = item->low;
  if (dash == std::string_view::npos) return Status::Ok();
  ASSIGN_OR_RETURN(item->high, ParseOneSize(whole, text.substr(dash + 1)));
  if (item->high < item->low) return Bad(whole, "a range goes from the smaller size to the larger");
  return Status::Ok();
}

}  // namespace

SizeDistribution::SizeDistribution(std::vector<Item> items) : items_(std::move(items)) {
  for (const Item& i : items_) total_weight_ += i.weight;
}

Result<SizeDistribution> SizeDistribution::Parse(std::string_view text) {
  if (text.empty()) return Bad(text, "empty");
  std::vector<Item> items;
  size_t unweighted = 0;
  for (std::string_view part : Split(text, ',')) {
    if (part.empty()) return Bad(text, "an empty item");
    Item item;
    size_t colon = part.find(':');
    RETURN_IF_ERROR(ParseRange(text, part.substr(0, colon), &item));
    if (colon == std::string_view::npos) {
      unweighted++;
    } else {
      std::string_view w = part.substr(colon + 1);
      auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), item.weight);
      if (ec != std::errc() || end != w.data() + w.size() || item.weight == 0 ||
          item.weight > kMaxWeight) {
        return Bad(text, "weight '" + std::string(w) + "' is not a whole number from 1 to 1000000");
      }
    }
    items.push_back(item);
  }
  // Every item of a list needs its weight, so that "4KiB,8KiB" is not taken
  // for an even split when a ':' was forgotten.
  if (items.size() > 1 && unweighted > 0) {
    return Bad(text, "each item of a list needs a weight (SIZE:WEIGHT)");
  }
  return SizeDistribution(std::move(items));
}

uint64_t SizeDistribution::Sample(Rng& rng) const {
  const Item* item = &items_[0];
  if (items_.size() > 1) {
    uint64_t pick = rng.Below(total_weight_);
    for (const Item& i : items_) {
      if (pick < i.weight) {
        item = &i;
        break;
      }
      pick -= i.weight;
    }
  }
  if (item->low == item->high) return item->low;
  return item->low + rng.Below(item->high - item->low + 1);
}

uint64_t SizeDistribution::max() const {
  uint64_t m = 0;
  for (const Item& i : items_) m = std::max(m, i.high);
  return m;
}

double SizeDistribution::mean() const {
  double sum = 0;
  for (const Item& i : items_) sum += (i.low + i.high) / 2.0 * i.weight;
  return sum / total_weight_;
}

std::string SizeDistribution::ToString() const {
  std::string out;
  for (const Item& i : items_) {
    if (!out.empty()) out += ",";
    out += FormatSize(i.low);
    if (i.high != i.low) out += "-" + FormatSize(i.high);
    if (items_.size() > 1) out += ":" + std::to_string(i.weight);
  }
  return out;
}

std::string FormatSize(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  uint64_t whole = bytes;
  while (unit < 4 && whole >= 1024 && whole % 1024 == 0) {
    whole /= 1024;
    unit++;
  }
  if (unit > 0 || bytes < 1024) return std::to_string(whole) + " " + kUnits[unit];
  // Not a whole number of KiB: one decimal of the largest unit that fits.
  double value = static_cast<double>(bytes);
  unit = 0;
  while (unit < 4 && value >= 1024) {
    value /= 1024;
    unit++;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

}  // namespace bale::bench_s3
