#include "gateway/router.h"

#include <doctest.h>

namespace bale::s3 {
namespace {

Route Must(std::string_view method, std::string_view target, bool copy = false,
           std::string_view host = "127.0.0.1:9000") {
  RouterOptions o;
  o.domains = {"s3.example.com"};
  auto r = RouteRequest(method, target, host, copy, o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

std::string Fails(std::string_view method, std::string_view target) {
  auto r = RouteRequest(method, target, "localhost", false, {});
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().reason());
}

TEST_CASE("service and bucket operations") {
  CHECK(Must("GET", "/").op == Op::kListBuckets);
  CHECK(Must("PUT", "/b").op == Op::kCreateBucket);
  CHECK(Must("PUT", "/b/").op == Op::kCreateBucket);
  CHECK(Must("HEAD", "/b").op == Op::kHeadBucket);
  CHECK(Must("DELETE", "/b").op == Op::kDeleteBucket);
  CHECK(Must("GET", "/b?location").op == Op::kGetBucketLocation);
  CHECK(Must("GET", "/b?acl").op == Op::kGetBucketAcl);
  CHECK(Must("PUT", "/b?acl").op == Op::kPutBucketAcl);
  CHECK(Must("GET", "/b").op == Op::kListObjects);
  CHECK(Must("GET", "/b?prefix=a&delimiter=%2F").op == Op::kListObjects);
  Route v2 = Must("GET", "/b?list-type=2&prefix=a%20b&encoding-type=url");
  CHECK(v2.op == Op::kListObjectsV2);
  CHECK(v2.Param("prefix") == "a b");
  CHECK(v2.Param("encoding-type") == "url");
  CHECK_FALSE(v2.Param("delimiter").has_value());
  CHECK(Must("POST", "/b?delete").op == Op::kDeleteObjects);
  CHECK(Must("GET", "/b?uploads").op == Op::kListMultipartUploads);
}

TEST_CASE("object operations") {
  Route put = Must("PUT", "/b/dir/a%20b%2Bc.txt");
  CHECK(put.op == Op::kPutObject);
  CHECK(put.bucket == "b");
  CHECK(put.key == "dir/a b+c.txt");
  CHECK(Must("PUT", "/b/k", true).op == Op::kCopyObject);
  CHECK(Must("GET", "/b/k").op == Op::kGetObject);
  CHECK(Must("HEAD", "/b/k").op == Op::kHeadObject);
  CHECK(Must("DELETE", "/b/k").op == Op::kDeleteObject);
  CHECK(Must("GET", "/b/k?tagging").op == Op::kGetObjectTagging);
  CHECK(Must("PUT", "/b/k?tagging").op == Op::kPutObjectTagging);
  CHECK(Must("DELETE", "/b/k?tagging").op == Op::kDeleteObjectTagging);
  CHECK(Must("GET", "/b/k?acl").op == Op::kGetObjectAcl);
  CHECK(Must("PUT", "/b/k?acl").op == Op::kPutObjectAcl);
  CHECK(Must("POST", "/b/k?uploads").op == Op::kCreateMultipartUpload);
  CHECK(Must("PUT", "/b/k?partNumber=1&uploadId=x").op == Op::kUploadPart);
  CHECK(Must("PUT", "/b/k?partNumber=1&uploadId=x", true).op == Op::kUploadPartCopy);
  CHECK(Must("POST", "/b/k?uploadId=x").op == Op::kCompleteMultipartUpload);
  CHECK(Must("DELETE", "/b/k?uploadId=x").op == Op::kAbortMultipartUpload);
  CHECK(Must("GET", "/b/k?uploadId=x").op == Op::kListParts);
  Route odd = Must("GET", "/b//x/../y/");  // S3 keys are taken literally
  CHECK(odd.key == "/x/../y/");
  Route ov = Must("GET", "/b/k?response-content-type=text%2Fplain");
  CHECK(ov.Param("response-content-type") == "text/plain");
}

TEST_CASE("virtual-hosted style takes the bucket from the Host header") {
  Route r = Must("GET", "/photos/cat.jpg", false, "media.s3.example.com:9000");
  CHECK(r.op == Op::kGetObject);
  CHECK(r.bucket == "media");
  CHECK(r.key == "photos/cat.jpg");
  CHECK(Must("GET", "/", false, "media.S3.Example.com").op == Op::kListObjects);
  Route path = Must("GET", "/media/x", false, "s3.example.com");  // the bare domain: path style
  CHECK(path.bucket == "media");
  CHECK(path.key == "x");
}

TEST_CASE("what the router refuses, with S3's reasons") {
  CHECK(Fails("GET", "/b?versioning") == "NotImplemented");
  CHECK(Fails("PUT", "/b?lifecycle") == "NotImplemented");
  CHECK(Fails("GET", "/b/k?retention") == "NotImplemented");
  CHECK(Fails("POST", "/b/k") == "NotImplemented");
  CHECK(Fails("POST", "/b") == "NotImplemented");
  CHECK(Fails("PATCH", "/b/k") == "MethodNotAllowed");
  CHECK(Fails("PUT", "/") == "MethodNotAllowed");
  CHECK(Fails("GET", "/b/%zz") == "InvalidURI");
  CHECK(Fails("GET", "/b/%4") == "InvalidURI");
  CHECK(Fails("GET", "b/k") == "InvalidURI");
  CHECK(Fails("PUT", "/b/inv%FFutf") == "InvalidURI");  // not UTF-8
  CHECK(Fails("PUT", "/b/nul%00x") == "InvalidURI");
  CHECK(Must("PUT", "/b/%C3%A9t%C3%A9").key == "\xC3\xA9t\xC3\xA9");
  // Unversioned buckets: "null" is each object's one version; others never existed.
  CHECK(Must("GET", "/b/k?versionId=null").op == Op::kGetObject);
  CHECK(Must("DELETE", "/b/k?versionId=null").op == Op::kDeleteObject);
  CHECK(Fails("GET", "/b/k?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY") == "InvalidArgument");
  CHECK(Fails("GET", ("/b/" + std::string(1025, 'k')).c_str()) == "KeyTooLongError");
  CHECK(Must("GET", "/b/" + std::string(1024, 'k')).key.size() == 1024);
}

TEST_CASE("percent decoding") {
  CHECK(PercentDecode("a%20b%2fc").value() == "a b/c");
  CHECK(PercentDecode("a+b").value() == "a+b");
  CHECK(PercentDecode("a+b", true).value() == "a b");
  CHECK(PercentDecode("%E2%82%AC").value() == "\xE2\x82\xAC");
  CHECK_FALSE(PercentDecode("%").has_value());
  CHECK_FALSE(PercentDecode("%G0").has_value());
}

}  // namespace
}  // namespace bale::s3
