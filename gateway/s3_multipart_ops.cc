#include "gateway/s3_multipart_ops.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "auth/request.h"
#include "gateway/multipart_checksum.h"
#include "gateway/object_write.h"
#include "gateway/orphan_sweep.h"
#include "gateway/payload_reader.h"
#include "gateway/request_documents.h"
#include "gateway/s3_acl_ops.h"
#include "gateway/s3_error.h"
#include "gateway/s3_more_ops.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxCompleteBody = 4 << 20;  // 10,000 parts with checksums fit
constexpr size_t kMaxListParts = 1000;
// A kept-alive completion's body: the declaration first (nothing may precede
// it in XML), then filler, which XML parsers skip before the root element.
constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kKeepAliveFiller = " ";
const std::set<std::string, std::less<>> kChecksumAlgorithms = {"CRC32", "CRC32C", "SHA1", "SHA256",
                                                                "CRC64NVME"};

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return out;
}

// 128 random bits as 32 lowercase hex digits.
std::string NewUploadId() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seed{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seed);
  }();
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

// The raw bytes of lowercase or uppercase hex; empty if not hex.
std::string HexDecode(std::string_view hex) {
  if (hex.size() % 2) return {};
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return {};
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// The flexible checksum a request's payload carries (header or trailer).
std::optional<auth::ChecksumAlgorithm> SentChecksumAlgorithm(const HttpRequestHead& head) {
  if (auto trailer = auth::ChecksumAlgorithmFromHeaderName(head.Header("x-amz-trailer")))
    return trailer;
  for (const auto& [name, value] : head.headers)
    if (auto alg = auth::ChecksumAlgorithmFromHeaderName(name)) return alg;
  return auth::ChecksumAlgorithmFromName(head.Header("x-amz-sdk-checksum-algorithm"));
}

std::vector<std::pair<std::string, std::string>> ChecksumHeaders(
    const std::map<std::string, std::string>& checksums) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [alg, value] : checksums)
    headers.emplace_back("x-amz-checksum-" + auth::ToLowerAscii(alg), value);
  return headers;
}

// A part of the list that names no uploaded part, with what S3 says of it.
Status InvalidPart(const meta::UploadRecord& upload, const CompletePart& listed) {
  return ErrorStatus("InvalidPart")
      .WithDetail("UploadId", upload.upload_id)
      .WithDetail("PartNumber", std::to_string(listed.part_number))
      .WithDetail("ETag", std::string(UnquoteEtag(listed.etag)));
}

// A listed part's checksums must be the part's own (InvalidPart); an upload
// with a composite checksum needs every part's listed (InvalidRequest).
Status CheckListedChecksums(const CompletePart& want, const meta::PartRecord& part,
                            const meta::UploadRecord& upload) {
  for (const auto& [alg, value] : want.checksums) {
    auto stored = part.checksums.find(alg);
    if (stored == part.checksums.end() || stored->second != value) return InvalidPart(upload, want);
  }
  auto alg = auth::ChecksumAlgorithmFromName(upload.checksum_algorithm);
  if (alg && !IsFullObjectChecksum(*alg) && !want.checksums.contains(upload.checksum_algorithm))
    return ErrorStatus("InvalidRequest",
                       "The upload was created using a " +
                           auth::ToLowerAscii(upload.checksum_algorithm) +
                           " checksum. The complete request must include the checksum for each "
                           "part. It was missing for part " +
                           std::to_string(want.part_number) + " in the request.");
  return Status::Ok();
}

// The object's checksums: the upload algorithm's multipart checksum, when
// every part has one (parts from before checksums were kept may not).
Result<std::map<std::string, std::string>> ObjectChecksums(
    const meta::UploadRecord& upload, const std::vector<const meta::PartRecord*>& used) {
  auto alg = auth::ChecksumAlgorithmFromName(upload.checksum_algorithm);
  if (!alg) return std::map<std::string, std::string>();
  std::vector<PartChecksum> parts;
  for (const meta::PartRecord* p : used) {
    auto it = p->checksums.find(upload.checksum_algorithm);
    if (it == p->checksums.end()) return std::map<std::string, std::string>();
    parts.push_back({it->second, p->size});
  }
  ASSIGN_OR_RETURN(std::string value, MultipartChecksum(*alg, parts));
  return std::map<std::string, std::string>{{upload.checksum_algorithm, std::move(value)}};
}

// Builds the object of a completion from the upload's parts (S3's checks).
Result<meta::ObjectRecord> BuildObject(const std::vector<CompletePart>& listed,
                                       const meta::UploadRecord& upload,
                                       const std::vector<meta::PartRecord>& parts,
                                       int64_t now_micros) {
  // Every listed part must exist (InvalidPart) before sizes are checked.
  std::vector<const meta::PartRecord*> used;
  size_t next = 0;  // parts are by number, and so is `listed`
  for (const CompletePart& want : listed) {
    while (next < parts.size() && parts[next].part_number < want.part_number) ++next;
    if (next == parts.size() || parts[next].part_number != want.part_number ||
        auth::ToLowerAscii(UnquoteEtag(want.etag)) != parts[next].etag)
      return InvalidPart(upload, want);
    RETURN_IF_ERROR(CheckListedChecksums(want, parts[next], upload));
    used.push_back(&parts[next]);
  }
  meta::ObjectRecord o = upload.object;
  std::string md5s;
  for (size_t i = 0; i < used.size(); ++i) {
    const meta::PartRecord& p = *used[i];
    if (i + 1 < used.size() && p.size < kMinPartSize)
      return ErrorStatus("EntityTooSmall")
          .WithDetail("ProposedSize", std::to_string(p.size))
          .WithDetail("MinSizeAllowed", std::to_string(kMinPartSize))
          .WithDetail("PartNumber", std::to_string(p.part_number))
          .WithDetail("ETag", p.etag);
    o.size += p.size;
    o.chunks.insert(o.chunks.end(), p.chunks.begin(), p.chunks.end());
    o.part_sizes.push_back(p.size);
    md5s += HexDecode(p.etag);
  }
  o.etag = auth::HexEncode(auth::Md5(md5s)) + "-" + std::to_string(listed.size());
  o.part_count = static_cast<uint32_t>(listed.size());
  o.upload_id = upload.upload_id;
  o.last_modified_micros = now_micros;
  ASSIGN_OR_RETURN(o.checksums, ObjectChecksums(upload, used));
  return o;
}

// `xml` after its XML declaration, if it has one.
std::string_view WithoutDeclaration(std::string_view xml) {
  if (!xml.starts_with("<?xml")) return xml;
  size_t end = xml.find("?>");
  if (end == std::string_view::npos) return xml;
  xml.remove_prefix(end + 2);
  while (!xml.empty() && (xml.front() == '\n' || xml.front() == '\r')) xml.remove_prefix(1);
  return xml;
}

// <CompleteMultipartUploadResult> for `object`, completed at the request's key.
std::string CompleteResultXml(const S3Request& r, const meta::BucketRecord& bucket,
                              const meta::ObjectRecord& object) {
  std::string host(r.head.Header("host"));
  XmlDoc doc("CompleteMultipartUploadResult");
  XmlDoc::Add(doc.root(), "Location",
              "http://" + host + r.head.target.substr(0, r.head.target.find('?')));
  XmlDoc::Add(doc.root(), "Bucket", bucket.name);
  XmlDoc::Add(doc.root(), "Key", object.key);
  XmlDoc::Add(doc.root(), "ETag", "\"" + object.etag + "\"");
  for (const auto& [alg, value] : object.checksums) {
    XmlDoc::Add(doc.root(), ("Checksum" + alg).c_str(), value);
    if (auto known = auth::ChecksumAlgorithmFromName(alg))
      XmlDoc::Add(doc.root(), "ChecksumType", std::string(ChecksumTypeName(*known)));
  }
  return doc.str();
}

// A CompleteMultipartUpload of an upload that is gone: if the object at the
// key is the one that upload completed, S3 answers 200 again with the same
// result (a client retrying after its answer was lost); else NoSuchUpload.
Result<std::string> CompletedBefore(S3Request& r, const meta::BucketRecord& bucket) {
  auto id = r.route.Param("uploadId");
  auto object = r.backends.meta->GetObject(bucket.name, r.route.key);
  if (id && !id->empty() && object.ok() && object->upload_id == *id)
    return CompleteResultXml(r, bucket, *object);
  if (!object.ok() && object.status().code() != Code::kNotFound) return object.status();
  return ErrorStatus("NoSuchUpload");
}

// Everything of a completion after its part list is read: the checks against
// the stored parts, the object record, the parts left out freed. Returns the
// CompleteMultipartUploadResult document.
Result<std::string> CompleteUpload(S3Request& r, const meta::BucketRecord& bucket,
                                   const meta::UploadRecord& upload,
                                   const std::vector<CompletePart>& listed,
                                   const WriteCondition& condition) {
  if (r.options.test_complete_delay.count() > 0)
    std::this_thread::sleep_for(r.options.test_complete_delay);
  const int64_t now = r.backends.clock->NowMicros();
  QuotaGuard::Reservation room;  // the object's, held past the commit
  auto done = r.backends.meta->CompleteUpload(
      bucket.name, upload.upload_id,
      [&](const meta::UploadRecord& u,
          const std::vector<meta::PartRecord>& parts) -> Result<meta::ObjectRecord> {
        ASSIGN_OR_RETURN(meta::ObjectRecord object, BuildObject(listed, u, parts, now));
        room.Release();
        ASSIGN_OR_RETURN(room, ReserveObjectRoom(r, bucket, object.key, object.size));
        return object;
      },
      condition.AtCommit());
  if (!done.ok()) {
    if (done.status().code() == Code::kNotFound && done.status().reason() != "NoSuchBucket")
      return CompletedBefore(r, bucket);  // a racing completion may have won
    return done.status();
  }
  if (done->replaced) ReleaseChunks(r.backends, done->replaced->chunks);
  size_t next = 0;
  for (const meta::PartRecord& p : done->parts) {  // free the parts left out
    while (next < listed.size() && listed[next].part_number < p.part_number) ++next;
    bool used = next < listed.size() && listed[next].part_number == p.part_number &&
                auth::ToLowerAscii(UnquoteEtag(listed[next].etag)) == p.etag;
    if (!used) ReleaseChunks(r.backends, p.chunks);
  }

  return CompleteResultXml(r, bucket, done->object);
}

}  // namespace

Result<uint64_t> NumberParam(const S3Request& r, const char* name, uint64_t fallback, uint64_t min,
                             uint64_t max, const std::string& message) {
  auto v = r.route.Param(name);
  if (!v) return fallback;
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || p != v->data() + v->size() || n < min || n > max)
    return InvalidArgumentFor(name, *v, message);
  return n;
}

Result<meta::UploadRecord> FindUpload(S3Request& r, const meta::BucketRecord& bucket) {
  auto id = r.route.Param("uploadId");
  if (!id || id->empty()) return ErrorStatus("NoSuchUpload");
  auto upload = r.backends.meta->GetUpload(bucket.name, *id);
  if (!upload.ok()) {
    if (upload.status().code() == Code::kNotFound) return ErrorStatus("NoSuchUpload");
    return upload.status();
  }
  if (upload->key != r.route.key) return ErrorStatus("NoSuchUpload");
  return upload;
}

Result<uint32_t> PartNumberParam(const S3Request& r) {
  const std::string message = "Part number must be an integer between 1 and 10000, inclusive";
  ASSIGN_OR_RETURN(uint64_t number,
                   NumberParam(r, "partNumber", 0, 1, meta::kMaxPartNumber, message));
  if (number == 0) return InvalidArgumentFor("partNumber", "", message);
  return static_cast<uint32_t>(number);
}

Status CommitPart(S3Request& r, const meta::BucketRecord& bucket,
                  const meta::UploadRecord& upload, const meta::PartRecord& part) {
  RETURN_IF_ERROR(CheckNeedlesFresh(r.backends, r.options.orphan_grace, part.chunks));
  auto old = r.backends.meta->PutPart(bucket.name, upload.upload_id, part);
  if (!old.ok()) {
    if (CertainlyNotWritten(old.status())) ReleaseChunks(r.backends, part.chunks);
    if (old.status().code() == Code::kNotFound) return ErrorStatus("NoSuchUpload");
    return old.status();
  }
  if (*old) ReleaseChunks(r.backends, (*old)->chunks);
  return Status::Ok();
}

Status CreateMultipartUpload(S3Request& r, const meta::BucketRecord& bucket) {
  meta::UploadRecord upload;
  upload.key = r.route.key;
  upload.object.key = r.route.key;
  RETURN_IF_ERROR(CheckWriteFeatureHeaders(r.head));
  ASSIGN_OR_RETURN(upload.object.acl, AclOfNewResource(r.head));
  RETURN_IF_ERROR(ReadContentHeaders(r.head, &upload.object));
  if (r.head.HasHeader("x-amz-tagging")) {
    ASSIGN_OR_RETURN(upload.object.tags, ParseTaggingHeader(r.head.Header("x-amz-tagging")));
  }
  std::string algorithm = Upper(r.head.Header("x-amz-checksum-algorithm"));
  if (!algorithm.empty() && !kChecksumAlgorithms.contains(algorithm))
    return ErrorStatus("InvalidRequest", "Checksum algorithm provided is unsupported.");
  upload.checksum_algorithm = algorithm;
  upload.owner_user_id = r.user_id;
  upload.initiated_micros = r.backends.clock->NowMicros();
  upload.upload_id = NewUploadId();
  RETURN_IF_ERROR(r.backends.meta->CreateUpload(bucket.name, upload));

  XmlDoc doc("InitiateMultipartUploadResult");
  XmlDoc::Add(doc.root(), "Bucket", bucket.name);
  XmlDoc::Add(doc.root(), "Key", upload.key);
  XmlDoc::Add(doc.root(), "UploadId", upload.upload_id);
  std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/xml"}};
  if (!algorithm.empty()) headers.emplace_back("x-amz-checksum-algorithm", algorithm);
  return r.sink.Send({200, r.Headers(std::move(headers)), {}}, doc.str());
}

Status UploadPart(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(uint32_t number, PartNumberParam(r));
  RETURN_IF_ERROR(CheckWriteFeatureHeaders(r.head));
  ASSIGN_OR_RETURN(meta::UploadRecord upload, FindUpload(r, bucket));
  // An upload with a checksum algorithm keeps every part's checksum of it:
  // a part sending another is refused, one sending none gets it computed.
  auto upload_alg = auth::ChecksumAlgorithmFromName(upload.checksum_algorithm);
  std::unique_ptr<auth::Hasher> hasher;
  if (upload_alg) {
    auto sent = SentChecksumAlgorithm(r.head);
    if (sent && *sent != *upload_alg)
      return ErrorStatus(
          "InvalidRequest",
          "Checksum Type mismatch occurred, expected checksum Type: " +
              auth::ToLowerAscii(upload.checksum_algorithm) +
              ", actual checksum Type: " + auth::ToLowerAscii(auth::ChecksumAlgorithmName(*sent)));
    if (!sent) hasher = auth::NewHasher(*upload_alg);
  }

  ASSIGN_OR_RETURN(auto payload, PayloadReader::Create(r.head, r.auth, &r.body));
  meta::PartRecord part;
  part.part_number = number;
  part.size = payload->length();
  // A part is not object bytes, but it must fit in the room left now.
  QuotaGuard::Reservation room;
  if (r.quotas) {
    ASSIGN_OR_RETURN(room, r.quotas->Reserve(bucket, {part.size, 0}));
  }
  ASSIGN_OR_RETURN(part.chunks, WritePayloadNeedles(r, *payload, hasher.get()));
  part.etag = payload->md5_hex();
  part.checksums = payload->checksums();
  if (hasher) part.checksums[upload.checksum_algorithm] = auth::Base64Encode(hasher->Finish());
  part.last_modified_micros = r.backends.clock->NowMicros();
  RETURN_IF_ERROR(CommitPart(r, bucket, upload, part));
  auto headers = ChecksumHeaders(part.checksums);
  headers.emplace_back("ETag", "\"" + part.etag + "\"");
  return r.SendEmpty(200, std::move(headers));
}

Status CompleteMultipartUpload(S3Request& r, const meta::BucketRecord& bucket) {
  auto found = FindUpload(r, bucket);
  if (!found.ok()) {
    if (found.status().reason() != "NoSuchUpload") return found.status();
    ASSIGN_OR_RETURN(std::string again, CompletedBefore(r, bucket));
    return r.SendXml(200, again);
  }
  const meta::UploadRecord& upload = *found;
  ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(r, kMaxCompleteBody, false));
  ASSIGN_OR_RETURN(std::vector<CompletePart> listed, ParseCompleteMultipartXml(body));
  for (size_t i = 1; i < listed.size(); ++i)
    if (listed[i].part_number <= listed[i - 1].part_number)
      return ErrorStatus("InvalidPartOrder").WithDetail("UploadId", upload.upload_id);
  ASSIGN_OR_RETURN(WriteCondition condition, WriteCondition::FromHeaders(r.head));
  RETURN_IF_ERROR(condition.CheckNow(*r.backends.meta, bucket.name, upload.key));

  // What follows may take long (thousands of parts): S3 then answers 200 at
  // once and keeps the connection alive with whitespace, so clients' read
  // timeouts do not fire; the outcome, success or <Error>, ends the body.
  r.sink.StartKeepAlive(KeepAlive{{200, r.Headers({{"Content-Type", "application/xml"}}), {}},
                                  std::string(kXmlDeclaration),
                                  std::string(kKeepAliveFiller),
                                  r.options.complete_keep_alive_delay,
                                  r.options.complete_keep_alive_interval});
  Result<std::string> result = CompleteUpload(r, bucket, upload, listed, condition);
  if (!r.sink.StopKeepAlive()) {
    if (!result.ok()) return result.status();
    return r.SendXml(200, *result);
  }
  // The 200 and the XML declaration are out: the document follows them.
  // A failure found after the 200 is S3's <Error> inside that 200's body
  // (SDKs look for it there).
  std::string document = result.ok() ? *std::move(result) : r.ErrorDocument(result.status());
  RETURN_IF_ERROR(r.sink.Write(WithoutDeclaration(document)));
  RETURN_IF_ERROR(r.sink.End());
  // A failure is still returned, so the service logs it as it logs any; it
  // sends nothing more, as the response has started.
  return result.status();
}

Status AbortMultipartUpload(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(meta::UploadRecord upload, FindUpload(r, bucket));
  auto parts = r.backends.meta->DeleteUpload(bucket.name, upload.upload_id);
  if (!parts.ok()) {
    if (parts.status().code() == Code::kNotFound) return ErrorStatus("NoSuchUpload");
    return parts.status();
  }
  for (const meta::PartRecord& p : *parts) ReleaseChunks(r.backends, p.chunks);
  return r.SendEmpty(204);
}

Status ListParts(S3Request& r, const meta::BucketRecord& bucket) {
  ASSIGN_OR_RETURN(uint64_t max_parts,
                   NumberParam(r, "max-parts", kMaxListParts, 0, INT32_MAX,
                               "Provided max-parts not an integer or within integer range"));
  max_parts = std::min<uint64_t>(max_parts, kMaxListParts);
  ASSIGN_OR_RETURN(
      uint64_t marker,
      NumberParam(r, "part-number-marker", 0, 0, INT32_MAX,
                  "Provided part-number-marker not an integer or within integer range"));
  ASSIGN_OR_RETURN(meta::UploadRecord upload, FindUpload(r, bucket));
  auto listing = r.backends.meta->ListParts(
      bucket.name, upload.upload_id,
      static_cast<uint32_t>(std::min<uint64_t>(marker, meta::kMaxPartNumber)), max_parts);
  if (!listing.ok()) {
    if (listing.status().code() == Code::kNotFound) return ErrorStatus("NoSuchUpload");
    return listing.status();
  }

  XmlDoc doc("ListPartsResult");
  auto root = doc.root();
  XmlDoc::Add(root, "Bucket", bucket.name);
  XmlDoc::Add(root, "Key", upload.key);
  XmlDoc::Add(root, "UploadId", upload.upload_id);
  auto initiator = root.append_child("Initiator");
  XmlDoc::Add(initiator, "ID", upload.owner_user_id);
  XmlDoc::Add(initiator, "DisplayName", upload.owner_user_id);
  auto owner = root.append_child("Owner");
  XmlDoc::Add(owner, "ID", bucket.owner_user_id);
  XmlDoc::Add(owner, "DisplayName", bucket.owner_user_id);
  XmlDoc::Add(root, "StorageClass", upload.object.storage_class);
  XmlDoc::Add(root, "PartNumberMarker", std::to_string(marker));
  uint32_t next = listing->parts.empty() ? 0 : listing->parts.back().part_number;
  XmlDoc::Add(root, "NextPartNumberMarker", std::to_string(next));
  XmlDoc::Add(root, "MaxParts", std::to_string(max_parts));
  XmlDoc::Add(root, "IsTruncated", listing->is_truncated ? "true" : "false");
  if (!upload.checksum_algorithm.empty())
    XmlDoc::Add(root, "ChecksumAlgorithm", upload.checksum_algorithm);
  for (const meta::PartRecord& p : listing->parts) {
    auto node = root.append_child("Part");
    XmlDoc::Add(node, "PartNumber", std::to_string(p.part_number));
    XmlDoc::Add(node, "LastModified", IsoTime(p.last_modified_micros));
    XmlDoc::Add(node, "ETag", "\"" + p.etag + "\"");
    XmlDoc::Add(node, "Size", std::to_string(p.size));
    for (const auto& [alg, value] : p.checksums)
      XmlDoc::Add(node, ("Checksum" + alg).c_str(), value);
  }
  return r.SendXml(200, doc.str());
}

}  // namespace bale::s3
