#include "gateway/s3_service.h"

#include <cstdlib>
#include <optional>

#include "common/log.h"
#include "gateway/admin_api.h"
#include "gateway/request_id.h"
#include "gateway/s3_acl_ops.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_multipart_ops.h"
#include "gateway/s3_request.h"

namespace bale::s3 {
namespace {

// Access keys come from the metadata store; a disabled key is unknown. One
// per request: it keeps the record it read, so the owner of the key is known
// without reading it again.
class MetadataSecrets : public auth::SecretStore {
 public:
  explicit MetadataSecrets(meta::MetadataStore* meta) : meta_(meta) {}
  Result<std::string> SecretKey(std::string_view access_key_id) override {
    auto key = meta_->GetAccessKey(access_key_id);
    if (!key.ok()) {
      if (key.status().code() == Code::kNotFound) return auth::UnknownAccessKeyError();
      return key.status();
    }
    if (!key->active) return auth::UnknownAccessKeyError();
    key_ = *key;
    return key->secret_key;
  }
  // The key record SecretKey() returned a secret for.
  const std::optional<meta::AccessKeyRecord>& key() const { return key_; }

 private:
  meta::MetadataStore* meta_;
  std::optional<meta::AccessKeyRecord> key_;
};

// Tests only: BALE_TEST_COMPLETE_DELAY_MS sets test_complete_delay, so a
// black-box test can watch a slow completion kept alive
// (conformance-tests/test_multipart_keepalive.py).
S3ServiceOptions WithTestHooks(S3ServiceOptions o) {
  if (const char* ms = std::getenv("BALE_TEST_COMPLETE_DELAY_MS"))
    o.test_complete_delay = std::chrono::milliseconds(std::strtoll(ms, nullptr, 10));
  return o;
}

bool IsRead(Op op) {
  return op == Op::kListObjects || op == Op::kListObjectsV2 || op == Op::kHeadBucket ||
         op == Op::kGetObject || op == Op::kHeadObject;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> S3Request::Headers(
    std::vector<std::pair<std::string, std::string>> extra) const {
  extra.emplace_back("x-amz-request-id", request_id);
  extra.emplace_back("x-amz-id-2", request_id);
  return extra;
}

Status S3Request::SendXml(int status, const std::string& xml) const {
  return sink.Send({status, Headers({{"Content-Type", "application/xml"}}), {}}, xml);
}

Status S3Request::SendEmpty(int status,
                            std::vector<std::pair<std::string, std::string>> headers) const {
  return sink.Send({status, Headers(std::move(headers)), {}}, {});
}

std::string S3Request::ErrorDocument(const Status& st, int* http_status) const {
  S3Error e = FromStatus(st);
  // A not-found error without details of its own names what the request named.
  if (e.details.empty()) {
    if (e.code == "NoSuchBucket" && !route.bucket.empty())
      e.details.emplace_back("BucketName", route.bucket);
    else if (e.code == "NoSuchKey")
      e.details.emplace_back("Key", route.key);
    else if (e.code == "NoSuchUpload")
      e.details.emplace_back("UploadId", route.Param("uploadId").value_or(""));
  }
  if (http_status) *http_status = e.http_status;
  std::string resource = head.target.substr(0, head.target.find('?'));
  return ErrorXml(e, resource, request_id, request_id);
}

Result<QuotaGuard::Reservation> ReserveObjectRoom(S3Request& r, const meta::BucketRecord& bucket,
                                                  std::string_view key, uint64_t size) {
  if (!r.quotas) return QuotaGuard::Reservation();
  return r.quotas->ReserveObject(bucket, key, size);
}

Result<std::optional<meta::UserRecord>> AuthenticateCaller(S3Request& r) {
  auth::SignedRequest signed_request{r.head.method, r.head.target, r.head.headers};
  auth::AuthOptions auth_options;
  auth_options.region = r.options.region;
  MetadataSecrets secrets(r.backends.meta);
  ASSIGN_OR_RETURN(r.auth,
                   auth::Authenticate(signed_request, secrets, *r.backends.clock, auth_options));
  if (r.auth.anonymous) return std::optional<meta::UserRecord>();
  if (!secrets.key()) return InternalError("authenticated without reading the access key");
  const std::string& user_id = secrets.key()->user_id;
  auto user = r.backends.meta->GetUser(user_id);
  if (!user.ok() || user->disabled) return ErrorStatus("AccessDenied", "Access Denied");
  r.user_id = user_id;
  return std::optional<meta::UserRecord>(std::move(*user));
}

void ReleaseChunks(const S3Backends& b, const std::vector<meta::Chunk>& chunks) {
  for (const auto& c : chunks) {
    Status st = b.store->Release(c.volume_id, c.needle_key, c.cookie);
    if (!st.ok() && st.code() != Code::kNotFound)
      BALE_LOG(kWarning) << "could not free needle " << c.needle_key << " in volume " << c.volume_id
                         << ": " << st;
  }
}

class S3Service::Impl {
 public:
  Impl(S3Backends backends, S3ServiceOptions options)
      : backends_(backends), options_(WithTestHooks(std::move(options))) {}

  bool RunsInFiber(const HttpRequestHead& head) const {
    if (AdminApi::Handles(head.target)) return false;
    auto route = RouteRequest(head.method, head.target, head.Header("host"),
                              head.HasHeader("x-amz-copy-source"), RouterOptions{options_.domains});
    return route.ok() && route->op == Op::kPutObject;
  }

  void Handle(const HttpRequestHead& head, RequestBody& body, ResponseSink& sink) {
    S3Request r{head, body, sink, backends_, options_, {}, NewRequestId(), {}, {}, &quotas_};
    if (AdminApi::Handles(head.target)) return admin_.Handle(r);
    Status st = Serve(r);
    if (!st.ok()) SendError(r, st);
  }

 private:
  Status Serve(S3Request& r) {
    ASSIGN_OR_RETURN(r.route, RouteRequest(r.head.method, r.head.target, r.head.Header("host"),
                                           r.head.HasHeader("x-amz-copy-source"),
                                           RouterOptions{options_.domains}));
    RETURN_IF_ERROR(AuthenticateCaller(r).status());

    const Op op = r.route.op;
    if (op == Op::kListBuckets || op == Op::kCreateBucket) {
      if (r.user_id.empty()) return ErrorStatus("AccessDenied", "Access Denied");
      return op == Op::kListBuckets ? ListBuckets(r) : CreateBucket(r);
    }
    auto bucket = backends_.meta->GetBucket(r.route.bucket);
    if (!bucket.ok()) {
      if (bucket.status().code() == Code::kNotFound) return ErrorStatus("NoSuchBucket");
      return bucket.status();
    }
    bool owner = !r.user_id.empty() && bucket->owner_user_id == r.user_id;
    bool public_read = bucket->acl == meta::CannedAcl::kPublicRead && IsRead(op);
    // Objects may be public-read in a private bucket: GetObject checks those.
    // ACL operations are never reads here: only the owner gets past this.
    bool object_read = op == Op::kGetObject || op == Op::kHeadObject;
    if (!owner && !public_read && !object_read) return ErrorStatus("AccessDenied", "Access Denied");

    switch (op) {
      case Op::kHeadBucket:
        return HeadBucket(r, *bucket);
      case Op::kDeleteBucket:
        return DeleteBucket(r, *bucket);
      case Op::kGetBucketLocation:
        return GetBucketLocation(r, *bucket);
      case Op::kListObjects:
        return ListObjects(r, *bucket, false);
      case Op::kListObjectsV2:
        return ListObjects(r, *bucket, true);
      case Op::kPutObject:
        return PutObject(r, *bucket);
      case Op::kCopyObject:
        return CopyObject(r, *bucket);
      case Op::kDeleteObjects:
        return DeleteObjects(r, *bucket);
      case Op::kGetObjectTagging:
        return GetObjectTagging(r, *bucket);
      case Op::kPutObjectTagging:
        return PutObjectTagging(r, *bucket);
      case Op::kDeleteObjectTagging:
        return DeleteObjectTagging(r, *bucket);
      case Op::kGetObject:
        return GetObject(r, *bucket, false);
      case Op::kHeadObject:
        return GetObject(r, *bucket, true);
      case Op::kDeleteObject:
        return DeleteObject(r, *bucket);
      case Op::kGetBucketAcl:
        return GetBucketAcl(r, *bucket);
      case Op::kPutBucketAcl:
        return PutBucketAcl(r, *bucket);
      case Op::kGetObjectAcl:
        return GetObjectAcl(r, *bucket);
      case Op::kPutObjectAcl:
        return PutObjectAcl(r, *bucket);
      case Op::kCreateMultipartUpload:
        return CreateMultipartUpload(r, *bucket);
      case Op::kUploadPart:
        return UploadPart(r, *bucket);
      case Op::kCompleteMultipartUpload:
        return CompleteMultipartUpload(r, *bucket);
      case Op::kAbortMultipartUpload:
        return AbortMultipartUpload(r, *bucket);
      case Op::kListParts:
        return ListParts(r, *bucket);
      case Op::kUploadPartCopy:
        return UploadPartCopy(r, *bucket);
      case Op::kListMultipartUploads:
        return ListMultipartUploads(r, *bucket);
      default:
        return ErrorStatus("NotImplemented",
                           "A header you provided implies functionality that "
                           "is not implemented: " +
                               std::string(OpName(op)));
    }
  }

  void SendError(S3Request& r, const Status& st) {
    int status = 0;
    std::string document = r.ErrorDocument(st, &status);
    if (status >= 500 && status != 501)
      BALE_LOG(kError) << "request " << r.request_id << " " << r.head.method << " " << r.head.target
                       << ": " << st;
    if (r.sink.started()) return;  // mid-stream: nothing more to say but close
    r.sink.Send({status, r.Headers({{"Content-Type", "application/xml"}}), {}}, document)
        .IgnoreError();
  }

  const S3Backends backends_;
  const S3ServiceOptions options_;
  QuotaGuard quotas_{backends_.meta};
  AdminApi admin_{backends_, &quotas_};
};

S3Service::S3Service(S3Backends backends, S3ServiceOptions options)
    : impl_(std::make_unique<Impl>(backends, std::move(options))) {}
S3Service::~S3Service() = default;
void S3Service::Handle(const HttpRequestHead& head, RequestBody& body, ResponseSink& sink) {
  impl_->Handle(head, body, sink);
}

bool S3Service::RunsInFiber(const HttpRequestHead& head) const {
  return impl_->RunsInFiber(head);
}

}  // namespace bale::s3
