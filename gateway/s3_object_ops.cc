// Object operations: PutObject, GetObject, HeadObject, DeleteObject.
// Needles are written first and the object record committed after, so a
// failed upload leaves garbage for compaction, never a name that points at
// nothing; replaced and deleted objects free their needles.
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <future>

#include "auth/request.h"
#include "common/buffer_pool.h"
#include "common/log.h"
#include "gateway/chunk_read.h"
#include "gateway/object_write.h"
#include "gateway/orphan_sweep.h"
#include "gateway/payload_reader.h"
#include "gateway/request_documents.h"
#include "gateway/s3_acl_ops.h"
#include "gateway/s3_error.h"
#include "gateway/s3_multipart_ops.h"
#include "gateway/s3_request.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr char kMetaPrefix[] = "x-amz-meta-";

struct ByteRange {
  uint64_t first = 0, last = 0;  // inclusive
};

// Parses a single "bytes=a-b", "bytes=a-" or "bytes=-n". nullopt: not a
// range S3 honours (the whole object is served); an error: unsatisfiable.
Result<std::optional<ByteRange>> ParseRange(std::string_view h, uint64_t size) {
  if (!h.starts_with("bytes=")) return std::optional<ByteRange>();
  std::string_view spec = h.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>();  // multi-range
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  auto num = [](std::string_view s, uint64_t* v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
  };
  std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last n bytes
    if (!num(b, &last) || last == 0) return std::optional<ByteRange>();
    if (size == 0) return std::optional<ByteRange>();  // all of nothing: S3 answers 200
    return std::optional<ByteRange>(ByteRange{size - std::min(last, size), size - 1});
  }
  if (!num(a, &first)) return std::optional<ByteRange>();
  if (b.empty())
    last = UINT64_MAX;
  else if (!num(b, &last) || last < first)
    return std::optional<ByteRange>();
  if (first >= size) return ErrorStatus("InvalidRange");
  return std::optional<ByteRange>(ByteRange{first, std::min(last, size - 1)});
}

// The bytes of part `number` of `obj` as a range ({first, first - 1} for an
// empty part): S3 answers ?partNumber=1 of an object that is not multipart
// with all of it. InvalidPartNumber past the last part.
Result<std::optional<ByteRange>> PartRange(const meta::ObjectRecord& obj, uint32_t number) {
  if (number > std::max<uint32_t>(obj.part_count, 1)) return ErrorStatus("InvalidPartNumber");
  if (obj.part_count <= 1) {
    if (obj.size == 0) return std::optional<ByteRange>();
    return std::optional<ByteRange>(ByteRange{0, obj.size - 1});
  }
  if (obj.part_sizes.size() != obj.part_count)
    return ErrorStatus("NotImplemented",
                       "A header you provided implies functionality that is not implemented: "
                       "partNumber of a multipart object completed before part sizes were kept");
  uint64_t first = 0;
  for (uint32_t i = 1; i < number; ++i) first += obj.part_sizes[i - 1];
  return std::optional<ByteRange>(ByteRange{first, first + obj.part_sizes[number - 1] - 1});
}

void ReleaseAfterFailure(const S3Backends& b, const std::vector<meta::Chunk>& chunks) {
  if (!chunks.empty()) ReleaseChunks(b, chunks);
}

}  // namespace

Result<std::vector<meta::Chunk>> WritePayloadNeedles(S3Request& r, PayloadReader& payload,
                                                     auth::Hasher* also) {
  std::vector<meta::Chunk> chunks;
  // Chunks' needles are written and fdatasync'ed on other threads (up to
  // kWritesInFlight, landing on different volumes) while the next chunk is
  // read from the client; the last chunk, and so any small object, is written
  // on this thread. Chunks keep their order. An object of several chunks is
  // also hashed (MD5 runs at about 740 MiB/s a core) on another thread, a chunk
  // at a time in order, while the next chunk arrives.
  constexpr size_t kWritesInFlight = 4;
  const bool hash_behind = payload.length() > r.options.chunk_size;
  if (hash_behind) payload.DeferHashing();
  std::shared_future<void> hashed;  // the hash of the last chunk read, and so of all before it
  auto hash = [&](std::string_view chunk) {
    if (!hash_behind) {
      if (also) also->Update(chunk);
      return;
    }
    hashed = std::async(std::launch::async, [prev = hashed, chunk, &payload, also] {
               if (prev.valid()) prev.wait();
               payload.Hash(chunk);
               if (also) also->Update(chunk);
             }).share();
  };
  struct InFlight {
    std::string buf;
    std::shared_future<void> hashed;  // done when buf is hashed
    std::future<Result<Placement>> write;
  };
  std::deque<InFlight> in_flight;
  std::vector<std::string> spare;  // buffers whose writes and hashes are done
  auto settle_one = [&]() -> Status {
    auto place = in_flight.front().write.get();  // before the buffer moves
    InFlight f = std::move(in_flight.front());
    in_flight.pop_front();
    if (f.hashed.valid()) f.hashed.wait();
    uint64_t size = f.buf.size();
    spare.push_back(std::move(f.buf));
    RETURN_IF_ERROR(place.status());
    chunks.push_back(meta::Chunk{place->volume, place->key, place->cookie, size});
    return Status::Ok();
  };
  auto fail = [&](Status st) {
    while (!in_flight.empty()) settle_one().IgnoreError();
    if (hashed.valid()) hashed.wait();  // the last chunk's buffer dies with this frame
    ReleaseAfterFailure(r.backends, chunks);
    return st;
  };
  for (uint64_t left = payload.length(); left > 0;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, r.options.chunk_size));
    std::string buf;
    if (!spare.empty()) {
      buf = std::move(spare.back());
      spare.pop_back();
      buf.resize(want);  // never larger: only the last chunk is shorter
    } else {
      buf = buffers::TakeUninitialized(want);  // every byte is read into below
    }
    size_t filled = 0;
    while (filled < want) {
      auto n = payload.Read(buf.data() + filled, want - filled);
      if (!n.ok() || *n == 0) return fail(n.ok() ? ErrorStatus("IncompleteBody") : n.status());
      filled += *n;
    }
    left -= want;
    if (left == 0) {
      hash(buf);
      while (!in_flight.empty())
        if (Status st = settle_one(); !st.ok()) return fail(st);
      auto place = r.backends.directory->WriteNeedle(buf);
      if (hashed.valid()) hashed.wait();
      if (!place.ok()) return fail(place.status());
      chunks.push_back(meta::Chunk{place->volume, place->key, place->cookie, want});
      buffers::GiveBack(std::move(buf));
      break;
    }
    if (in_flight.size() == kWritesInFlight)
      if (Status st = settle_one(); !st.ok()) return fail(st);
    in_flight.push_back({std::move(buf), {}, {}});
    hash(in_flight.back().buf);
    in_flight.back().hashed = hashed;
    in_flight.back().write =
        std::async(std::launch::async, [dir = r.backends.directory,
                                        data = std::string_view(in_flight.back().buf)] {
          return dir->WriteNeedle(data);
        });
  }
  for (std::string& b : spare) buffers::GiveBack(std::move(b));
  char probe;
  auto tail = payload.Read(&probe, 1);  // reach the end: trailers and digests
  Status done =
      tail.ok() ? (*tail == 0 ? payload.Finish() : ErrorStatus("IncompleteBody")) : tail.status();
  if (!done.ok()) {
    ReleaseAfterFailure(r.backends, chunks);
    return done;
  }
  return chunks;
}

Status PutObject(S3Request& r, const meta::BucketRecord& bucket) {
  meta::ObjectRecord obj;
  obj.key = r.route.key;
  RETURN_IF_ERROR(CheckWriteFeatureHeaders(r.head));
  ASSIGN_OR_RETURN(obj.acl, AclOfNewResource(r.head));
  RETURN_IF_ERROR(ReadContentHeaders(r.head, &obj));
  if (r.head.HasHeader("x-amz-tagging")) {
    ASSIGN_OR_RETURN(obj.tags, ParseTaggingHeader(r.head.Header("x-amz-tagging")));
  }

  ASSIGN_OR_RETURN(WriteCondition condition, WriteCondition::FromHeaders(r.head));
  RETURN_IF_ERROR(condition.CheckNow(*r.backends.meta, bucket.name, obj.key));

  ASSIGN_OR_RETURN(auto payload, PayloadReader::Create(r.head, r.auth, &r.body));
  obj.size = payload->length();
  // Held until the record and its counters are committed (end of scope).
  ASSIGN_OR_RETURN(auto room, ReserveObjectRoom(r, bucket, obj.key, obj.size));
  ASSIGN_OR_RETURN(obj.chunks, WritePayloadNeedles(r, *payload));
  obj.etag = payload->md5_hex();
  obj.checksums = payload->checksums();
  obj.last_modified_micros = r.backends.clock->NowMicros();
  RETURN_IF_ERROR(CheckNeedlesFresh(r.backends, r.options.orphan_grace, obj.chunks));
  auto old = r.backends.meta->PutObject(bucket.name, obj, condition.AtCommit());
  if (!old.ok()) {
    if (CertainlyNotWritten(old.status())) ReleaseAfterFailure(r.backends, obj.chunks);
    return old.status();
  }
  if (*old) ReleaseChunks(r.backends, (*old)->chunks);

  std::vector<std::pair<std::string, std::string>> headers{{"ETag", "\"" + obj.etag + "\""}};
  for (const auto& [alg, value] : obj.checksums)
    headers.emplace_back("x-amz-checksum-" + auth::ToLowerAscii(alg), value);
  return r.SendEmpty(200, std::move(headers));
}

Status GetObject(S3Request& r, const meta::BucketRecord& bucket, bool head) {
  if (r.user_id.empty())
    for (const auto& [name, value] : r.route.query)
      if (name.starts_with("response-"))
        return ErrorStatus("InvalidRequest",
                           "Request specific response headers cannot be used for anonymous GET "
                           "requests.");
  auto found = r.backends.meta->GetObject(bucket.name, r.route.key);
  if (!found.ok()) {
    if (found.status().code() != Code::kNotFound) return found.status();
    // Without read access to the bucket, a missing key must not be told
    // apart from a forbidden one.
    bool can_list = (!r.user_id.empty() && r.user_id == bucket.owner_user_id) ||
                    bucket.acl == meta::CannedAcl::kPublicRead;
    return ErrorStatus(can_list ? "NoSuchKey" : "AccessDenied");
  }
  const meta::ObjectRecord& obj = *found;
  bool owner = !r.user_id.empty() && r.user_id == bucket.owner_user_id;
  if (!owner && bucket.acl != meta::CannedAcl::kPublicRead &&
      obj.acl != meta::CannedAcl::kPublicRead)
    return ErrorStatus("AccessDenied", "Access Denied");
  std::optional<uint32_t> part_number;
  if (r.route.Param("partNumber")) {
    ASSIGN_OR_RETURN(part_number, PartNumberParam(r));
    if (r.head.HasHeader("range"))
      return ErrorStatus("InvalidRequest",
                         "Cannot specify both Range header and partNumber query parameter");
  }

  const std::string etag = "\"" + obj.etag + "\"";
  const int64_t lm_seconds = obj.last_modified_micros / 1'000'000;
  auto modified_since = [&](std::string_view h) {  // -1: absent or unparseable
    int64_t t = ParseHttpDate(h);
    return t < 0 ? -1 : (lm_seconds > t / 1'000'000 ? 1 : 0);
  };
  std::string_view if_match = r.head.Header("if-match");
  std::string_view if_none_match = r.head.Header("if-none-match");
  if (!if_match.empty()) {
    if (!EtagListMatches(if_match, obj.etag)) return PreconditionFailed("If-Match");
  } else if (modified_since(r.head.Header("if-unmodified-since")) == 1) {
    return PreconditionFailed("If-Unmodified-Since");
  }
  bool not_modified = !if_none_match.empty()
                          ? EtagListMatches(if_none_match, obj.etag)
                          : modified_since(r.head.Header("if-modified-since")) == 0;
  std::vector<std::pair<std::string, std::string>> headers{
      {"ETag", etag}, {"Last-Modified", HttpDate(obj.last_modified_micros)}};
  if (not_modified) return r.SendEmpty(304, std::move(headers));

  std::optional<ByteRange> range;
  if (part_number) {
    ASSIGN_OR_RETURN(range, PartRange(obj, *part_number));
    if (obj.part_count > 0) headers.emplace_back("x-amz-mp-parts-count", std::to_string(obj.part_count));
  } else {
    auto parsed = ParseRange(r.head.Header("range"), obj.size);
    if (!parsed.ok())
      return parsed.status()
          .WithDetail("RangeRequested", std::string(r.head.Header("range")))
          .WithDetail("ActualObjectSize", std::to_string(obj.size));
    range = *parsed;
  }
  uint64_t first = range ? range->first : 0;
  uint64_t length = range ? range->last + 1 - range->first : obj.size;

  auto override = [&](const char* param, const std::string& stored) {
    auto v = r.route.Param(param);
    return v ? std::string(*v) : stored;  // only signed requests get here with one
  };
  std::string type = override("response-content-type", obj.content_type);
  headers.emplace_back("Content-Type", type.empty() ? "binary/octet-stream" : type);
  headers.emplace_back("Accept-Ranges", "bytes");
  auto add = [&](const char* name, const std::string& v) {
    if (!v.empty()) headers.emplace_back(name, v);
  };
  add("Content-Encoding", override("response-content-encoding", obj.content_encoding));
  add("Content-Disposition", override("response-content-disposition", obj.content_disposition));
  add("Content-Language", override("response-content-language", obj.content_language));
  add("Cache-Control", override("response-cache-control", obj.cache_control));
  add("Expires", override("response-expires", obj.expires));
  for (const auto& [k, v] : obj.user_metadata) headers.emplace_back(kMetaPrefix + k, v);
  if (!obj.tags.empty())
    headers.emplace_back("x-amz-tagging-count", std::to_string(obj.tags.size()));
  if (!range &&
      strcasecmp(std::string(r.head.Header("x-amz-checksum-mode")).c_str(), "ENABLED") == 0)
    for (const auto& [alg, value] : obj.checksums) {
      headers.emplace_back("x-amz-checksum-" + auth::ToLowerAscii(alg), value);
      headers.emplace_back("x-amz-checksum-type",
                           value.find('-') == std::string::npos ? "FULL_OBJECT" : "COMPOSITE");
    }
  if (range && length == 0)  // an empty part of a multipart object
    headers.emplace_back("Content-Range", "bytes */" + std::to_string(obj.size));
  else if (range)
    headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                              std::to_string(range->last) + "/" +
                                              std::to_string(obj.size));

  const int status = range ? 206 : 200;
  if (head) return r.sink.Send({status, r.Headers(std::move(headers)), length}, {});
  if (obj.chunks.size() <= 1) {  // the common small object: one needle, one write
    std::string data;
    if (!obj.chunks.empty()) {
      const meta::Chunk& c = obj.chunks.front();
      ASSIGN_OR_RETURN(data, ReadChunk(r.backends, c));
      if (range) data = data.substr(first, length);
    }
    return r.sink.Send({status, r.Headers(std::move(headers)), {}}, std::move(data));
  }
  RETURN_IF_ERROR(r.sink.Begin({status, r.Headers(std::move(headers)), length}));
  uint64_t chunk_start = 0;
  for (const auto& c : obj.chunks) {
    uint64_t chunk_end = chunk_start + c.size;  // exclusive
    if (chunk_end > first && chunk_start < first + length) {
      ASSIGN_OR_RETURN(std::string data, ReadChunk(r.backends, c));
      uint64_t from = std::max(first, chunk_start) - chunk_start;
      uint64_t to = std::min(first + length, chunk_end) - chunk_start;
      data.resize(to);  // in place: the buffer goes back to the pool after the send
      data.erase(0, from);
      // Returns while it goes out: the next chunk is read meanwhile.
      RETURN_IF_ERROR(r.sink.WriteOwned(std::move(data)));
    }
    chunk_start = chunk_end;
  }
  return r.sink.End();
}

Status DeleteObject(S3Request& r, const meta::BucketRecord& bucket) {
  // S3's conditional delete: If-Match etags.
  const auto condition = WriteCondition::IfMatch(std::string(r.head.Header("if-match")));
  auto deleted = r.backends.meta->DeleteObject(bucket.name, r.route.key, condition.AtCommit());
  if (deleted.ok())
    ReleaseChunks(r.backends, deleted->chunks);
  else if (deleted.status().code() != Code::kNotFound)
    return deleted.status();
  else
    RETURN_IF_ERROR(condition.Check(std::nullopt));  // NoSuchKey if conditional
  return r.SendEmpty(204);  // idempotent, as S3
}

}  // namespace bale::s3
