#include "meta/row_keys.h"

#include <doctest.h>

namespace bale::meta::rows {
namespace {

TEST_CASE("row keys are exactly as documented") {
  CHECK(User("alice") == "Ualice");
  CHECK(AccessKey("AKIA1") == "KAKIA1");
  CHECK(Bucket("photos") == "Bphotos");
  CHECK(OwnerBuckets("alice") == std::string("Ialice\0", 7));
  CHECK(OwnerBucket("alice", "photos") == std::string("Ialice\0photos", 13));
  CHECK(Usage(0x0102) == std::string("C\0\0\0\0\0\0\x01\x02", 9));
  CHECK(Objects(7) == std::string("O\0\0\0\0\0\0\0\x07", 9));
  CHECK(Object(7, "a/b") == std::string("O\0\0\0\0\0\0\0\x07"
                                        "a/b",
                                        12));
  uint64_t v = 0;
  CHECK(DecodeU64(EncodeU64(0xFEDCBA9876543210ull), &v));
  CHECK(v == 0xFEDCBA9876543210ull);
  CHECK_FALSE(DecodeU64("short", &v));
  CHECK(BucketIdOfRow(Object(0x0102, "k"), &v));
  CHECK(v == 0x0102);
  CHECK(BucketIdOfRow(DeletedBucket(7), &v));
  CHECK(v == 7);
  CHECK_FALSE(BucketIdOfRow("O\0\0", &v));
}

TEST_CASE("prefix successor") {
  CHECK(PrefixSuccessor("abc") == "abd");
  CHECK(PrefixSuccessor("a\xff") == "b");
  CHECK(PrefixSuccessor("a\xff\xff") == "b");
  CHECK(PrefixSuccessor(std::string("a\0", 2)) == std::string("a\x01", 2));
  CHECK(PrefixSuccessor("\xff\xff").empty());
  CHECK(PrefixSuccessor("").empty());
}

TEST_CASE("a bucket's objects are one contiguous range, whatever bytes the keys hold") {
  // Keys of bucket 1 with extreme bytes stay below every key of bucket 2.
  for (std::string key : {std::string("\xff\xff\xff", 3), std::string("\0", 1), std::string("z")}) {
    CHECK(Object(1, key) > Objects(1));
    CHECK(Object(1, key) < PrefixSuccessor(Objects(1)));
    CHECK(Object(1, key) < Objects(2));
  }
  CHECK(PrefixSuccessor(Objects(1)) == Objects(2));
  CHECK(Objects(0xFF) < Objects(0x100));  // big-endian ids sort numerically
}

}  // namespace
}  // namespace bale::meta::rows
