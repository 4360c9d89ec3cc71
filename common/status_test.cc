#include "common/status.h"

#include <cerrno>

#include <doctest.h>

namespace bale {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST_CASE("status carries code and message; OK is the default") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  Status nf = NotFoundError("needle 7");
  CHECK_FALSE(nf.ok());
  CHECK(nf.code() == Code::kNotFound);
  CHECK(nf.ToString() == "NOT_FOUND: needle 7");
  CHECK(nf.WithContext("volume 3").ToString() == "NOT_FOUND: volume 3: needle 7");
}

TEST_CASE("a reason rides along with the code and survives added context") {
  Status st = PermissionDeniedError("bad signature").WithReason("SignatureDoesNotMatch");
  CHECK(st.code() == Code::kPermissionDenied);
  CHECK(st.reason() == "SignatureDoesNotMatch");
  Status ctx = st.WithContext("PUT /b/k");
  CHECK(ctx.reason() == "SignatureDoesNotMatch");
  CHECK(ctx.message() == "PUT /b/k: bad signature");
  CHECK(NotFoundError("x").reason().empty());
  CHECK(Status().WithReason("Ignored").ok());
}

TEST_CASE("details keep their order and survive a new reason or context") {
  Status st = NotFoundError("no upload").WithDetail("UploadId", "u1").WithDetail("PartNumber", "2");
  const Status::Details want{{"UploadId", "u1"}, {"PartNumber", "2"}};
  CHECK(st.details() == want);
  CHECK(st.WithReason("NoSuchUpload").details() == want);
  CHECK(st.WithContext("complete").details() == want);
  CHECK(st.WithContext("complete").message() == "complete: no upload");
  CHECK(NotFoundError("x").details().empty());
  CHECK(Status().WithDetail("A", "b").ok());
  CHECK(Status().details().empty());
}

TEST_CASE("ASSIGN_OR_RETURN propagates the first failure") {
  CHECK(Quarter(12).value() == 3);
  Result<int> r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().ToString() == "INVALID_ARGUMENT: 3 is odd");
}

TEST_CASE("errno maps to codes by retry meaning") {
  CHECK(ErrnoToStatus(ENOSPC, "w").code() == Code::kResourceExhausted);
  CHECK(ErrnoToStatus(EIO, "w").code() == Code::kDataLoss);
  CHECK(ErrnoToStatus(ENOENT, "w").code() == Code::kNotFound);
  CHECK(ErrnoToStatus(EIO, "pread x").ToString() == "DATA_LOSS: pread x: Input/output error");
}

}  // namespace
}  // namespace bale
