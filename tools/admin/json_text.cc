#include "tools/admin/json_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace bale::admin {
namespace json = boost::json;
namespace {

constexpr int kIndent = 2;

// "0.0128" rather than Boost's "1.28E-2": the fewest digits that read back
// as the same double, and a ".0" on whole numbers so they stay visibly reals.
std::string ShortestDouble(double d) {
  if (!std::isfinite(d)) return "null";  // JSON has no NaN or infinity
  char text[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, d);
    if (std::strtod(text, nullptr) == d) break;
  }
  std::string out = text;
  if (out.find_first_of(".en") == std::string::npos) out += ".0";
  return out;
}

void Print(const json::value& v, int depth, std::string* out) {
  const std::string inner((depth + 1) * kIndent, ' '), outer(depth * kIndent, ' ');
  if (v.is_object() && !v.get_object().empty()) {
    *out += "{\n";
    bool first = true;
    for (const auto& member : v.get_object()) {
      if (!first) *out += ",\n";
      first = false;
      *out += inner + json::serialize(json::value(member.key())) + ": ";
      Print(member.value(), depth + 1, out);
    }
    *out += "\n" + outer + "}";
  } else if (v.is_array() && !v.get_array().empty()) {
    *out += "[\n";
    bool first = true;
    for (const json::value& element : v.get_array()) {
      if (!first) *out += ",\n";
      first = false;
      *out += inner;
      Print(element, depth + 1, out);
    }
    *out += "\n" + outer + "]";
  } else if (v.is_double()) {
    *out += ShortestDouble(v.get_double());
  } else {
    *out += json::serialize(v);
  }
}

}  // namespace

std::string PrettyJson(const json::value& v) {
  std::string out;
  Print(v, 0, &out);
  return out + "\n";
}

const json::value& Field(const json::value& v, std::string_view key) {
  static const json::value kNull;
  if (!v.is_object()) return kNull;
  const json::value* found = v.get_object().if_contains(key);
  return found ? *found : kNull;
}

std::string Str(const json::value& v, std::string_view key) {
  const json::value& f = Field(v, key);
  return f.is_string() ? std::string(f.get_string()) : "";
}

uint64_t Uint(const json::value& v, std::string_view key) {
  const json::value& f = Field(v, key);
  if (f.is_uint64()) return f.get_uint64();
  if (f.is_int64() && f.get_int64() >= 0) return static_cast<uint64_t>(f.get_int64());
  return 0;
}

double Number(const json::value& v, std::string_view key) {
  const json::value& f = Field(v, key);
  if (f.is_double()) return f.get_double();
  if (f.is_int64()) return static_cast<double>(f.get_int64());
  if (f.is_uint64()) return static_cast<double>(f.get_uint64());
  return 0;
}

bool Bool(const json::value& v, std::string_view key) {
  const json::value& f = Field(v, key);
  return f.is_bool() && f.get_bool();
}

const json::array& Array(const json::value& v, std::string_view key) {
  static const json::array kEmpty;
  const json::value& f = Field(v, key);
  return f.is_array() ? f.get_array() : kEmpty;
}

}  // namespace bale::admin
