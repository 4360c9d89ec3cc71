#include "auth/amz_date.h"

#include <doctest.h>

namespace bale::auth {
namespace {

constexpr int64_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z

TEST_CASE("ISO 8601 basic dates parse and format") {
  CHECK(ParseAmzDate("20130524T000000Z") == k20130524);
  CHECK(ParseAmzDate("19700101T000000Z") == 0);
  CHECK(ParseAmzDate("20240229T235959Z") == 1709251199);
  CHECK(FormatAmzDate(k20130524) == "20130524T000000Z");
  CHECK(FormatAmzDate(1709251199) == "20240229T235959Z");
  CHECK(FormatAmzDate(0) == "19700101T000000Z");
  CHECK(FormatIso8601(k20130524) == "2013-05-24T00:00:00Z");
  CHECK(FormatIso8601(1709251199) == "2024-02-29T23:59:59Z");
}

TEST_CASE("malformed ISO 8601 dates are refused") {
  CHECK(!ParseAmzDate(""));
  CHECK(!ParseAmzDate("20130524T000000"));  // no Z
  CHECK(!ParseAmzDate("2013-05-24T00:00:00Z"));
  CHECK(!ParseAmzDate("20130230T000000Z"));  // February 30th
  CHECK(!ParseAmzDate("20230229T000000Z"));  // not a leap year
  CHECK(!ParseAmzDate("20131324T000000Z"));
  CHECK(!ParseAmzDate("20130524T240000Z"));
  CHECK(!ParseAmzDate("2013052AT000000Z"));
}

TEST_CASE("RFC 1123 Date headers parse") {
  CHECK(ParseHttpDate("Fri, 24 May 2013 00:00:00 GMT") == k20130524);
  CHECK(ParseHttpDate("Thu, 29 Feb 2024 23:59:59 GMT") == 1709251199);
  CHECK(!ParseHttpDate("Fri, 24 May 2013 00:00:00 UTC"));
  CHECK(!ParseHttpDate("24 May 2013 00:00:00 GMT"));
  CHECK(!ParseHttpDate("Fri, 24 Mai 2013 00:00:00 GMT"));
  CHECK(!ParseHttpDate("Fri, 31 Jun 2013 00:00:00 GMT"));
}

}  // namespace
}  // namespace bale::auth
