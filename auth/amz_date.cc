#include "auth/amz_date.h"

#include <array>
#include <cstdio>

namespace bale::auth {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Parses exactly `width` decimal digits at text[pos].
std::optional<int> Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + width; i++) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

std::optional<int64_t> ToEpoch(int year, int month, int day, int hour, int minute, int second) {
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;  // 60: leap second
  return DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
}

}  // namespace

std::optional<int64_t> ParseAmzDate(std::string_view t) {
  // YYYYMMDD'T'HHMMSS'Z'
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  auto year = Digits(t, 0, 4), month = Digits(t, 4, 2), day = Digits(t, 6, 2);
  auto hour = Digits(t, 9, 2), minute = Digits(t, 11, 2), second = Digits(t, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  return ToEpoch(*year, *month, *day, *hour, *minute, *second);
}

std::optional<int64_t> ParseHttpDate(std::string_view t) {
  // "Fri, 24 May 2013 00:00:00 GMT": weekday, comma, then fixed columns.
  size_t comma = t.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  t.remove_prefix(comma + 2);
  if (t.size() != 24 || t[2] != ' ' || t[6] != ' ' || t[11] != ' ' || t[14] != ':' ||
      t[17] != ':' || t[20] != ' ' || t.substr(21) != "GMT") {
    return std::nullopt;
  }
  int month = 0;
  for (size_t i = 0; i < kMonthNames.size(); i++) {
    if (t.substr(3, 3) == kMonthNames[i]) month = static_cast<int>(i) + 1;
  }
  auto day = Digits(t, 0, 2), year = Digits(t, 7, 4);
  auto hour = Digits(t, 12, 2), minute = Digits(t, 15, 2), second = Digits(t, 18, 2);
  if (month == 0 || !day || !year || !hour || !minute || !second) return std::nullopt;
  return ToEpoch(*year, month, *day, *hour, *minute, *second);
}

namespace {

// `seconds` as UTC date and time, printed with `format` (six %02lld-style
// fields: year, month, day, hour, minute, second).
std::string FormatUtc(int64_t seconds, const char* format) {
  int64_t days = seconds / kSecondsPerDay;
  int64_t rem = seconds % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    days--;
  }
  // civil_from_days (H. Hinnant).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2);
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem % 3600 / 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace

std::string FormatAmzDate(int64_t seconds) {
  return FormatUtc(seconds, "%04lld%02lld%02lldT%02lld%02lld%02lldZ");
}

std::string FormatIso8601(int64_t seconds) {
  return FormatUtc(seconds, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ");
}

}  // namespace bale::auth
