#include "gateway/s3_error.h"

#include <algorithm>
#include <array>
#include <sstream>

#include <pugixml.hpp>

namespace bale::s3 {
namespace {

struct Entry {
  std::string_view code;
  int status;
  std::string_view message;
};

// AWS S3 ErrorResponses (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html),
// shared/s3-reference.md §2(e). Sorted by code for binary search.
constexpr std::array kTable = {
    Entry{"AccessDenied", 403, "Access Denied"},
    Entry{"AuthorizationHeaderMalformed", 400, "The authorization header is malformed."},
    Entry{"AuthorizationQueryParametersError", 400,
          "Error parsing the X-Amz-Credential parameter."},
    Entry{"BadDigest", 400,
          "The Content-MD5 or checksum value that you specified did not match what the server "
          "received."},
    Entry{"BadRequest", 400, "Bad Request"},
    Entry{"BucketAlreadyExists", 409,
          "The requested bucket name is not available. The bucket namespace is shared by all "
          "users of the system. Please select a different name and try again."},
    Entry{"BucketAlreadyOwnedByYou", 409,
          "Your previous request to create the named bucket succeeded and you already own it."},
    Entry{"BucketNotEmpty", 409, "The bucket you tried to delete is not empty"},
    Entry{"ConditionalRequestConflict", 409,
          "A conflicting operation occurred. If using PutObject you can retry the request. If "
          "using multipart upload you should initiate another CreateMultipartUpload request and "
          "re-upload each part."},
    Entry{"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"},
    Entry{"EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size"},
    Entry{"IllegalLocationConstraintException", 400,
          "The unspecified location constraint is incompatible for the region specific endpoint "
          "this request was sent to."},
    Entry{"IncompleteBody", 400,
          "You did not provide the number of bytes specified by the Content-Length HTTP header."},
    Entry{"InternalError", 500, "We encountered an internal error. Please try again."},
    Entry{"InvalidAccessKeyId", 403,
          "The AWS Access Key Id you provided does not exist in our records."},
    Entry{"InvalidArgument", 400, "Invalid Argument"},
    Entry{"InvalidBucketName", 400, "The specified bucket is not valid."},
    Entry{"InvalidDigest", 400, "The Content-MD5 you specified was invalid."},
    Entry{"InvalidLocationConstraint", 400, "The specified location constraint is not valid."},
    Entry{"InvalidPart", 400,
          "One or more of the specified parts could not be found. The part may not have been "
          "uploaded, or the specified entity tag may not match the part's entity tag."},
    Entry{"InvalidPartNumber", 416, "The requested partnumber is not satisfiable"},
    Entry{"InvalidPartOrder", 400,
          "The list of parts was not in ascending order. The parts list must be specified in "
          "order by part number."},
    Entry{"InvalidRange", 416, "The requested range is not satisfiable"},
    Entry{"InvalidRequest", 400, "Invalid Request"},
    Entry{"InvalidStorageClass", 400, "The storage class you specified is not valid"},
    Entry{"InvalidTag", 400, "The tag provided was not a valid tag."},
    Entry{"InvalidURI", 400, "Couldn't parse the specified URI."},
    Entry{"KeyTooLongError", 400, "Your key is too long"},
    Entry{"MalformedACLError", 400,
          "The XML you provided was not well-formed or did not validate against our published "
          "schema"},
    Entry{"MalformedJSON", 400, "The JSON you provided was not well-formed or did not validate"},
    Entry{"MalformedTrailerError", 400,
          "The request contained trailing data that was not well-formed or did not conform to "
          "our published schema."},
    Entry{"MalformedXML", 400,
          "The XML you provided was not well-formed or did not validate against our published "
          "schema"},
    Entry{"MetadataTooLarge", 400,
          "Your metadata headers exceed the maximum allowed metadata size"},
    Entry{"MethodNotAllowed", 405, "The specified method is not allowed against this resource."},
    Entry{"MissingContentLength", 411, "You must provide the Content-Length HTTP header."},
    Entry{"MissingSecurityHeader", 400, "Your request is missing a required header."},
    Entry{"NoSuchAccessKey", 404, "The specified access key does not exist"},
    Entry{"NoSuchBucket", 404, "The specified bucket does not exist"},
    Entry{"NoSuchKey", 404, "The specified key does not exist."},
    Entry{"NoSuchTagSet", 404, "The TagSet does not exist"},
    Entry{"NoSuchUpload", 404,
          "The specified upload does not exist. The upload ID may be invalid, or the upload may "
          "have been aborted or completed."},
    Entry{"NoSuchUser", 404, "The specified user does not exist"},
    Entry{"NoSuchVersion", 404, "The specified version does not exist."},
    Entry{"NoSuchVolume", 404, "The specified volume does not exist"},
    Entry{"NotImplemented", 501,
          "A header you provided implies functionality that is not implemented"},
    Entry{"PreconditionFailed", 412,
          "At least one of the pre-conditions you specified did not hold"},
    Entry{"QuotaExceeded", 403, "The bucket's quota has been exceeded"},
    Entry{"RequestHeaderSectionTooLarge", 400,
          "Your request header section exceeds the maximum allowed size."},
    Entry{"RequestTimeTooSkewed", 403,
          "The difference between the request time and the current time is too large."},
    Entry{"RequestTimeout", 400,
          "Your socket connection to the server was not read from or written to within the "
          "timeout period."},
    Entry{"ServiceUnavailable", 503, "Service is unable to handle request."},
    Entry{"SignatureDoesNotMatch", 403,
          "The request signature we calculated does not match the signature you provided. Check "
          "your key and signing method."},
    Entry{"SlowDown", 503, "Please reduce your request rate."},
    Entry{"TooManyBuckets", 400, "You have attempted to create more buckets than allowed"},
    Entry{"UnexpectedContent", 400, "This request does not support content"},
    Entry{"UserAlreadyExists", 409, "The specified user already exists"},
    Entry{"UserHasBuckets", 409, "The user still owns buckets"},
    Entry{"XAmzContentSHA256Mismatch", 400,
          "The provided 'x-amz-content-sha256' header does not match what was computed."},
};

constexpr bool Sorted() {
  for (size_t i = 1; i < kTable.size(); i++)
    if (!(kTable[i - 1].code < kTable[i].code)) return false;
  return true;
}
static_assert(Sorted(), "keep the S3 error table sorted by code");

// Out of space (RESOURCE_EXHAUSTED: ENOSPC on a volume or in RocksDB, or a
// store that cannot add a volume) is 503 SlowDown, as the directory has
// answered a full disk from the start (docs/architecture.md): SDKs retry it
// with backoff, and space may come back (compaction, an operator). AWS never
// runs out of room, so its text would mislead; this one says why.
constexpr std::string_view kOutOfSpaceMessage =
    "Please reduce your request rate. The server is out of storage space for this request; "
    "retry once space has been freed.";

const Entry* Find(std::string_view code) {
  auto it = std::lower_bound(kTable.begin(), kTable.end(), code,
                             [](const Entry& e, std::string_view c) { return e.code < c; });
  return (it != kTable.end() && it->code == code) ? &*it : nullptr;
}

// The S3 error for a Status without a reason, by what its code means.
std::string_view CodeFor(Code code) {
  switch (code) {
    case Code::kNotFound:
      return "NoSuchKey";
    case Code::kAlreadyExists:
      return "BucketAlreadyExists";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kOutOfRange:
      return "InvalidRange";
    case Code::kPermissionDenied:
    case Code::kUnauthenticated:
      return "AccessDenied";
    case Code::kUnimplemented:
      return "NotImplemented";
    case Code::kUnavailable:
      return "ServiceUnavailable";
    case Code::kResourceExhausted:
      return "SlowDown";
    case Code::kDeadlineExceeded:
      return "RequestTimeout";
    case Code::kAborted:
      return "ConditionalRequestConflict";
    case Code::kFailedPrecondition:
      return "PreconditionFailed";
    default:
      return "InternalError";
  }
}

Code CodeForStatus(int http_status) {
  switch (http_status) {
    case 400:
      return Code::kInvalidArgument;
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 405:
      return Code::kUnimplemented;
    case 409:
      return Code::kAlreadyExists;
    case 411:
      return Code::kInvalidArgument;
    case 412:
      return Code::kFailedPrecondition;
    case 416:
      return Code::kOutOfRange;
    case 501:
      return Code::kUnimplemented;
    case 503:
      return Code::kUnavailable;
    default:
      return Code::kInternal;
  }
}

}  // namespace

bool LookUpError(std::string_view code, int* http_status, std::string_view* default_message) {
  const Entry* e = Find(code);
  if (!e) return false;
  if (http_status) *http_status = e->status;
  if (default_message) *default_message = e->message;
  return true;
}

S3Error MakeError(std::string_view code) {
  const Entry* e = Find(code);
  if (!e) e = Find("InternalError");
  return S3Error{std::string(e->code), e->status, std::string(e->message), {}};
}

S3Error FromStatus(const Status& status) {
  bool by_reason = !status.reason().empty() && Find(status.reason());
  S3Error err = MakeError(by_reason ? status.reason() : CodeFor(status.code()));
  // Client-side mistakes carry a useful message, and so does NotImplemented
  // (it names what is missing); other server-side failures keep the table's
  // text, whatever their reason: their details (paths, offsets) go to the
  // log, not to the client.
  const bool for_client = err.http_status < 500 || err.code == "NotImplemented";
  bool say_why = for_client;
  // S3's missing-resource answers keep AWS's fixed text; the metadata
  // layer's own ("no object \"k\" in bucket \"b\"") is for the log.
  if (err.code == "NoSuchKey" || err.code == "NoSuchBucket" || err.code == "NoSuchUpload")
    say_why = false;
  if (say_why && !status.message().empty()) err.message = std::string(status.message());
  if (for_client) err.details = status.details();
  if (status.code() == Code::kResourceExhausted && err.code == "SlowDown")
    err.message = std::string(kOutOfSpaceMessage);
  return err;
}

std::string ErrorXml(const S3Error& error, std::string_view resource, std::string_view request_id,
                     std::string_view host_id) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("Error");
  root.append_child("Code").text().set(error.code.c_str());
  root.append_child("Message").text().set(error.message.c_str());
  for (const auto& [name, value] : error.details)
    root.append_child(name.c_str()).text().set(value.c_str());
  root.append_child("Resource").text().set(std::string(resource).c_str());
  root.append_child("RequestId").text().set(std::string(request_id).c_str());
  root.append_child("HostId").text().set(std::string(host_id).c_str());
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

Status ErrorStatus(std::string_view s3_code, std::string message) {
  int http = 500;
  std::string_view def;
  if (!LookUpError(s3_code, &http, &def)) {
    s3_code = "InternalError";
    LookUpError(s3_code, &http, &def);
  }
  if (message.empty()) message = std::string(def);
  return Status(CodeForStatus(http), std::move(message)).WithReason(s3_code);
}

Status InvalidArgumentFor(std::string_view argument, std::string_view value, std::string message) {
  return ErrorStatus("InvalidArgument", std::move(message))
      .WithDetail("ArgumentName", std::string(argument))
      .WithDetail("ArgumentValue", std::string(value));
}

Status PreconditionFailed(std::string_view condition) {
  return ErrorStatus("PreconditionFailed").WithDetail("Condition", std::string(condition));
}

}  // namespace bale::s3
