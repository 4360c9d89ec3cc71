#include "gateway/s3_error.h"

#include <cerrno>

#include <doctest.h>

namespace bale::s3 {
namespace {

TEST_CASE("error table: codes, statuses and AWS messages") {
  int status = 0;
  std::string_view msg;
  REQUIRE(LookUpError("NoSuchKey", &status, &msg));
  CHECK(status == 404);
  CHECK(msg == "The specified key does not exist.");
  REQUIRE(LookUpError("SignatureDoesNotMatch", &status, nullptr));
  CHECK(status == 403);
  REQUIRE(LookUpError("InvalidRange", &status, nullptr));
  CHECK(status == 416);
  REQUIRE(LookUpError("MissingContentLength", &status, nullptr));
  CHECK(status == 411);
  REQUIRE(LookUpError("NotImplemented", &status, nullptr));
  CHECK(status == 501);
  CHECK_FALSE(LookUpError("NoSuchThing", nullptr, nullptr));
  CHECK(MakeError("NoSuchThing").code == "InternalError");
}

TEST_CASE("a Status maps to its reason's S3 error, else by its code") {
  S3Error e = FromStatus(ErrorStatus("NoSuchBucket"));
  CHECK(e.code == "NoSuchBucket");
  CHECK(e.http_status == 404);
  CHECK(e.message == "The specified bucket does not exist");
  e = FromStatus(ErrorStatus("InvalidBucketName", "bad name 'A'"));
  CHECK(e.message == "bad name 'A'");
  CHECK(e.http_status == 400);
  CHECK(ErrorStatus("BucketNotEmpty").code() == Code::kAlreadyExists);
  CHECK(ErrorStatus("AccessDenied").code() == Code::kPermissionDenied);

  e = FromStatus(NotFoundError("needle 7 not in volume 3"));
  CHECK(e.code == "NoSuchKey");
  // The metadata layer's NOT_FOUND says which row it missed: the client gets AWS's text.
  CHECK(e.message == "The specified key does not exist.");
  e = FromStatus(NotFoundError("no object \"k\" in bucket \"b\"").WithReason("NoSuchKey"));
  CHECK(e.message == "The specified key does not exist.");
  e = FromStatus(NotFoundError("no upload \"u\"").WithReason("NoSuchUpload"));
  CHECK(e.message ==
        "The specified upload does not exist. The upload ID may be invalid, or the "
        "upload may have been aborted or completed.");
  // Server-side failures never leak internal detail to the client.
  e = FromStatus(DataLossError("volume 3 (/d/3.dat) at offset 4096: checksum mismatch"));
  CHECK(e.code == "InternalError");
  CHECK(e.http_status == 500);
  CHECK(e.message == "We encountered an internal error. Please try again.");
  e = FromStatus(UnavailableError("volume 9 failed to open"));
  CHECK(e.code == "ServiceUnavailable");
  CHECK(e.http_status == 503);
  CHECK(e.message == "Service is unable to handle request.");
  // ... not even when the failure names an S3 error itself.
  e = FromStatus(InternalError("index of /d/3.dat").WithReason("InternalError"));
  CHECK(e.message == "We encountered an internal error. Please try again.");
  e = FromStatus(ErrorStatus("NotImplemented", "versioning is not implemented"));
  CHECK(e.http_status == 501);
  CHECK(e.message == "versioning is not implemented");
}

TEST_CASE("out of space is 503 SlowDown saying so, however it was found") {
  const std::string why =
      "Please reduce your request rate. The server is out of storage space for this request; "
      "retry once space has been freed.";
  // ENOSPC from a volume append (the directory gave up retrying elsewhere)
  S3Error e = FromStatus(ErrnoToStatus(ENOSPC, "pwrite /d/12.dat at offset 4096"));
  CHECK(e.code == "SlowDown");
  CHECK(e.http_status == 503);
  CHECK(e.message == why);
  // the directory could not add a volume (its reason: SlowDown)
  e = FromStatus(ResourceExhaustedError("no writable volume has room for 9 more bytes, and a new "
                                        "volume could not be created: pwrite /d/5.dat: ...")
                     .WithReason("SlowDown"));
  CHECK(e.code == "SlowDown");
  CHECK(e.http_status == 503);
  CHECK(e.message == why);
  // a SlowDown that is not about space keeps AWS's text
  e = FromStatus(ErrorStatus("SlowDown"));
  CHECK(e.message == "Please reduce your request rate.");
}

TEST_CASE("error XML is exactly S3's shape, escaped") {
  S3Error e = MakeError("NoSuchKey");
  e.details.emplace_back("Key", "a<b>&c");
  std::string xml = ErrorXml(e, "/bucket/a<b>&c", "REQ1", "HOST1");
  CHECK(xml ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
        "<Message>The specified key does not exist.</Message><Key>a&lt;b&gt;&amp;c</Key>"
        "<Resource>/bucket/a&lt;b&gt;&amp;c</Resource><RequestId>REQ1</RequestId>"
        "<HostId>HOST1</HostId></Error>");
}

TEST_CASE("a client error's details become elements; a server error's stay out") {
  S3Error e = FromStatus(PreconditionFailed("If-Match"));
  CHECK(e.http_status == 412);
  CHECK(e.details == Status::Details{{"Condition", "If-Match"}});
  CHECK(ErrorXml(e, "/b/k", "R", "H") ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code>"
        "<Message>At least one of the pre-conditions you specified did not hold</Message>"
        "<Condition>If-Match</Condition><Resource>/b/k</Resource><RequestId>R</RequestId>"
        "<HostId>H</HostId></Error>");
  S3Error arg = FromStatus(InvalidArgumentFor("max-keys", "x", "Provided max-keys not an integer"));
  CHECK(arg.message == "Provided max-keys not an integer");
  const Status::Details named{{"ArgumentName", "max-keys"}, {"ArgumentValue", "x"}};
  CHECK(arg.details == named);
  CHECK(FromStatus(InternalError("disk").WithDetail("Path", "/d1/7.dat")).details.empty());
}

}  // namespace
}  // namespace bale::s3
