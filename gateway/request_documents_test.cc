#include "gateway/request_documents.h"

#include <doctest.h>

namespace bale::s3 {
namespace {

template <typename T>
std::string ReasonOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().reason());
}

template <typename T>
std::string MessageOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

meta::NameValueList Tags(size_t n) {
  meta::NameValueList tags;
  for (size_t i = 0; i < n; i++) tags.emplace_back("k" + std::to_string(i), "v");
  return tags;
}

TEST_CASE("tag sets: S3's count, length, character and uniqueness rules") {
  CHECK(ValidateTags({}).ok());
  CHECK(ValidateTags(Tags(10)).ok());
  CHECK(ValidateTags(Tags(11)).reason() == "BadRequest");
  CHECK(ValidateTags(Tags(11)).message() == "Object tags cannot be greater than 10");
  CHECK(ValidateTags({{std::string(128, 'k'), std::string(256, 'v')}}).ok());
  CHECK(ValidateTags({{std::string(129, 'k'), "v"}}).message() ==
        "The TagKey you have provided is invalid");
  CHECK(ValidateTags({{"k", std::string(257, 'v')}}).message() ==
        "The TagValue you have provided is invalid");
  // Lengths are in characters, not bytes: 128 "é" are 256 bytes.
  std::string e128;
  for (int i = 0; i < 128; i++) e128 += "\xc3\xa9";
  CHECK(ValidateTags({{e128, e128 + e128}}).ok());
  CHECK(ValidateTags({{"", "v"}}).reason() == "InvalidTag");
  CHECK(ValidateTags({{"a b+c-d=e.f_g:h/i@j", "A 1"}}).ok());
  CHECK(ValidateTags({{"user!name", "v"}}).reason() == "InvalidTag");
  CHECK(ValidateTags({{"k", "v#"}}).message() == "The TagValue you have provided is invalid");
  CHECK(ValidateTags({{"k", "\xff"}}).reason() == "InvalidTag");  // not UTF-8
  CHECK(ValidateTags({{"k", "1"}, {"k", "2"}}).message() ==
        "Cannot provide multiple Tags with the same key");
  for (const char* reserved : {"aws:cloudformation:stack", "AWS:x", "Aws:"}) {
    Status st = ValidateTags({{reserved, "v"}});
    CHECK(st.reason() == "InvalidTag");
    CHECK(st.message() == "System tags cannot be added/updated by requester");
  }
  CHECK(ValidateTags({{"awsome:x", "v"}, {"my-aws:x", "v"}}).ok());
}

TEST_CASE("x-amz-tagging: a URL-encoded query string") {
  auto tags = ParseTaggingHeader("a=1&b%20c=x+y&empty=&bare");
  REQUIRE(tags.ok());
  CHECK(*tags == meta::NameValueList{{"a", "1"}, {"b c", "x y"}, {"empty", ""}, {"bare", ""}});
  CHECK(ParseTaggingHeader("").value().empty());
  CHECK(ParseTaggingHeader("a=%2B%3D").value() == meta::NameValueList{{"a", "+="}});
  CHECK(ReasonOf(ParseTaggingHeader("a=1&a=2")) == "InvalidArgument");
  CHECK(MessageOf(ParseTaggingHeader("a=%zz")) ==
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
        "parameters without tag name duplicates.");
  CHECK(ReasonOf(ParseTaggingHeader("a=%21")) == "InvalidTag");
  CHECK(ReasonOf(ParseTaggingHeader("1&2&3&4&5&6&7&8&9&10&11")) == "BadRequest");
}

TEST_CASE("<Tagging>: with or without the namespace; anything else is MalformedXML") {
  auto tags = ParseTaggingXml(
      "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
      "<Tag><Key>a</Key><Value>1</Value></Tag>"
      "<Tag><Value></Value><Key> </Key></Tag></TagSet></Tagging>");
  REQUIRE(tags.ok());
  CHECK(*tags == meta::NameValueList{{"a", "1"}, {" ", ""}});
  CHECK(ParseTaggingXml("<Tagging><TagSet/></Tagging>").value().empty());
  CHECK(ParseTaggingXml("<Tagging>\n  <TagSet>\n  </TagSet>\n</Tagging>\n").value().empty());
  for (const char* bad : {"", "not xml", "<Tagging/>", "<Other><TagSet/></Other>",
                          "<Tagging><TagSet/><TagSet/></Tagging>",
                          "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>",
                          "<Tagging><TagSet><Tag><Key>a</Key><Value/><Value/></Tag></TagSet>"
                          "</Tagging>",
                          "<Tagging><TagSet><Tag><Key><b/></Key><Value/></Tag></TagSet></Tagging>",
                          "<Tagging><TagSet><Tagg/></TagSet></Tagging>", "<Tagging><TagSet>"})
    CHECK_MESSAGE(ReasonOf(ParseTaggingXml(bad)) == "MalformedXML", bad);
  CHECK(ReasonOf(ParseTaggingXml("<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag>"
                                 "<Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>")) ==
        "InvalidTag");
}

TEST_CASE("<Delete>: keys in order, quiet mode, 1 to 1000 objects") {
  auto d = ParseDeleteXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Object><Key>a&amp;b</Key></Object>"
      "<Object><Key>c</Key><VersionId>null</VersionId><ETag>\"e\"</ETag></Object>"
      "<Quiet>true</Quiet></Delete>");
  REQUIRE(d.ok());
  CHECK(d->quiet);
  REQUIRE(d->objects.size() == 2);
  CHECK(d->objects[0].key == "a&b");
  CHECK_FALSE(d->objects[0].version_id.has_value());
  CHECK(d->objects[1].version_id == "null");
  CHECK(d->objects[1].etag == "\"e\"");
  CHECK_FALSE(ParseDeleteXml("<Delete><Object><Key>k</Key></Object></Delete>").value().quiet);

  std::string many = "<Delete>";
  for (int i = 0; i < 1000; i++) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  CHECK(ParseDeleteXml(many + "</Delete>").value().objects.size() == 1000);
  CHECK(ReasonOf(ParseDeleteXml(many + "<Object><Key>x</Key></Object></Delete>")) ==
        "MalformedXML");
  for (const char* bad : {"", "<Delete/>", "<Delete><Quiet>true</Quiet></Delete>",
                          "<Delete><Object/></Delete>", "<Remove><Object><Key>k</Key></Object>",
                          "<Delete><Object><Key>k</Key></Object><Quiet>yes</Quiet></Delete>",
                          "<Delete><Object><Key>k</Key><Color/></Object></Delete>",
                          "<Delete><Thing/><Object><Key>k</Key></Object></Delete>"})
    CHECK_MESSAGE(ReasonOf(ParseDeleteXml(bad)) == "MalformedXML", bad);
}

TEST_CASE("CompleteMultipartUpload document: parts in order, with their checksums") {
  auto parts = ParseCompleteMultipartXml(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><ETag>\"aa\"</ETag><PartNumber>2</PartNumber></Part>"
      "<Part><PartNumber>10000</PartNumber><ETag>bb</ETag><ChecksumCRC32>x</ChecksumCRC32></Part>"
      "</CompleteMultipartUpload>");
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].part_number == 2);
  CHECK((*parts)[0].etag == "\"aa\"");
  CHECK((*parts)[1].part_number == 10000);
  CHECK((*parts)[0].checksums.empty());
  CHECK((*parts)[1].checksums == std::map<std::string, std::string>{{"CRC32", "x"}});
  for (const char* bad :
       {"", "<CompleteMultipartUpload/>", "<Complete><Part/></Complete>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></"
        "CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>e</ETag></Part>"
        "</CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Other/></CompleteMultipartUpload>"})
    CHECK_MESSAGE(ReasonOf(ParseCompleteMultipartXml(bad)) == "MalformedXML", bad);
  for (const char* number : {"0", "10001", "99999"})
    CHECK(ReasonOf(ParseCompleteMultipartXml(
              std::string("<CompleteMultipartUpload><Part><PartNumber>") + number +
              "</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>")) ==
          "InvalidArgument");
}

}  // namespace
}  // namespace bale::s3
