// Plain-text output for people: aligned tables, "key: value" blocks and sizes
// in binary units. Scripts use --json instead, so this format may change.
//
// Thread-safety: values; a Table is not shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bale::admin {

enum class Align { kLeft, kRight };

struct Column {
  std::string title;
  Align align = Align::kLeft;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // A row has one cell per column; missing cells print empty.
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  // The titles, then the rows; columns two spaces apart and as wide as their
  // widest cell (counted in UTF-8 characters); no trailing spaces.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

using Fields = std::vector<std::pair<std::string, std::string>>;

// "name:     value" lines, the values aligned one space after the longest name.
std::string RenderFields(const Fields& fields);

// "0 B", "512 B", "1.5 KiB", "10.0 GiB": one decimal from KiB up.
std::string HumanBytes(uint64_t bytes);

// HumanBytes and, when that rounds, the exact count: "10.0 GiB (10737418240 bytes)".
std::string BytesWithExact(uint64_t bytes);

// "42s", "5m 3s", "2h 0m", "3d 4h": the two largest units.
std::string HumanDuration(uint64_t seconds);

// "yes" / "no"
const char* YesNo(bool b);

}  // namespace bale::admin
