#include "tools/admin/table.h"

#include <algorithm>
#include <cstdio>

namespace bale::admin {
namespace {

constexpr char kColumnGap[] = "  ";

size_t DisplayWidth(const std::string& s) {
  // UTF-8 continuation bytes (10xxxxxx) do not start a character.
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

void AppendPadded(std::string* line, const std::string& cell, size_t width, Align align,
                  bool last) {
  size_t pad = width - DisplayWidth(cell);
  if (align == Align::kRight) line->append(pad, ' ');
  line->append(cell);
  if (align == Align::kLeft && !last) line->append(pad, ' ');
}

}  // namespace

std::string Table::Render() const {
  std::vector<std::string> titles;
  for (const Column& c : columns_) titles.push_back(c.title);
  std::vector<size_t> widths(columns_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(titles);
  for (const auto& row : rows_) measure(row);
  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) line += kColumnGap;
      const std::string cell = i < row.size() ? row[i] : "";
      AppendPadded(&line, cell, widths[i], columns_[i].align, i + 1 == columns_.size());
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  render(titles);
  for (const auto& row : rows_) render(row);
  return out;
}

std::string RenderFields(const Fields& fields) {
  size_t width = 0;
  for (const auto& [name, value] : fields) width = std::max(width, DisplayWidth(name) + 1);
  std::string out;
  for (const auto& [name, value] : fields) {
    std::string line = name + ":";
    line.append(width + 1 - DisplayWidth(line), ' ');
    line += value;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  // Move up while the one-decimal figure would read 1024.0 or more.
  while (value >= 1023.95 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string BytesWithExact(uint64_t bytes) {
  if (bytes < 1024) return HumanBytes(bytes);
  return HumanBytes(bytes) + " (" + std::to_string(bytes) + " bytes)";
}

std::string HumanDuration(uint64_t seconds) {
  constexpr uint64_t kMinute = 60, kHour = 60 * kMinute, kDay = 24 * kHour;
  auto two = [](uint64_t big, const char* big_unit, uint64_t small, const char* small_unit) {
    return std::to_string(big) + big_unit + " " + std::to_string(small) + small_unit;
  };
  if (seconds >= kDay) return two(seconds / kDay, "d", seconds % kDay / kHour, "h");
  if (seconds >= kHour) return two(seconds / kHour, "h", seconds % kHour / kMinute, "m");
  if (seconds >= kMinute) return two(seconds / kMinute, "m", seconds % kMinute, "s");
  return std::to_string(seconds) + "s";
}

const char* YesNo(bool b) { return b ? "yes" : "no"; }

}  // namespace bale::admin
