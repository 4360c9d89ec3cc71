// The server's JSON for people and scripts: a pretty printer for --json, and
// lenient field readers for the tables (a missing or mistyped field reads as
// empty or zero, so a newer or older server never crashes the output).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace bale::admin {

// Two-space indentation, one member per line, keys in the server's order;
// empty arrays and objects stay "[]" and "{}". Ends with a newline.
std::string PrettyJson(const boost::json::value& v);

// The member `key` of `v` when `v` is an object, else null.
const boost::json::value& Field(const boost::json::value& v, std::string_view key);

std::string Str(const boost::json::value& v, std::string_view key);
uint64_t Uint(const boost::json::value& v, std::string_view key);
double Number(const boost::json::value& v, std::string_view key);
bool Bool(const boost::json::value& v, std::string_view key);
// The array member `key`, or an empty array.
const boost::json::array& Array(const boost::json::value& v, std::string_view key);

}  // namespace bale::admin
