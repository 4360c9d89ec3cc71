#include "gateway/bucket_name.h"

#include <string>

#include <doctest.h>

namespace bale::s3 {
namespace {

TEST_CASE("valid bucket names") {
  for (const char* ok : {"abc", "my-bucket", "my.bucket.2", "a1b", "123", "0-0", "xn-a",
                         "s3alias-x", "bucket-s3alia"}) {
    CAPTURE(ok);
    CHECK(ValidateBucketName(ok).ok());
  }
  CHECK(ValidateBucketName(std::string(63, 'a')).ok());
}

TEST_CASE("invalid bucket names say which rule failed") {
  struct Case {
    std::string name;
    std::string why;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"ab", "must be 3 to 63 characters long"},
           {std::string(64, 'a'), "must be 3 to 63 characters long"},
           {"My-Bucket", "may contain only lowercase letters, digits, '.' and '-'"},
           {"my_bucket", "may contain only lowercase letters, digits, '.' and '-'"},
           {"-abc", "must begin and end with a letter or digit"},
           {"abc.", "must begin and end with a letter or digit"},
           {"a..b", "must not contain '..'"},
           {"a-.b", "must not have '-' next to '.'"},
           {"a.-b", "must not have '-' next to '.'"},
           {"192.168.5.4", "must not be formatted as an IP address"},
           {"xn--abc", "must not start with 'xn--'"},
           {"sthree-abc", "must not start with 'sthree-'"},
           {"amzn-s3-demo-x", "must not start with 'amzn-s3-demo-'"},
           {"abc-s3alias", "must not end with '-s3alias'"},
           {"abc--ol-s3", "must not end with '--ol-s3'"},
           {"abc.mrap", "must not end with '.mrap'"},
           {"abc--x-s3", "must not end with '--x-s3'"},
       }) {
    CAPTURE(c.name);
    Status st = ValidateBucketName(c.name);
    REQUIRE_FALSE(st.ok());
    CHECK(st.reason() == "InvalidBucketName");
    CHECK(st.message() == "The specified bucket is not valid: '" + c.name + "' " + c.why);
  }
}

}  // namespace
}  // namespace bale::s3
