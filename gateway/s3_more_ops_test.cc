// CopyObject, DeleteObjects and tagging over a real store and an in-memory
// metadata store, called directly (authentication and routing are the
// service's): which needles each operation writes, keeps and frees.
#include "gateway/s3_more_ops.h"
#include "gateway/s3_multipart_ops.h"

#include <doctest.h>

#include "auth/checksum.h"
#include "auth/encoding.h"
#include "gateway/testing/test_backends.h"

namespace bale::s3 {
namespace {

class StringBody : public RequestBody {
 public:
  explicit StringBody(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, take, buf);
    pos_ += take;
    return take;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class RecordingSink : public ResponseSink {
 public:
  Status Send(const HttpResponseHead& head, std::string body) override {
    status = head.status;
    this->body = std::move(body);
    return Status::Ok();
  }
  Status Begin(const HttpResponseHead& head) override {
    status = head.status;
    return Status::Ok();
  }
  Status Write(std::string_view chunk) override {
    body.append(chunk);
    return Status::Ok();
  }
  Status End() override { return Status::Ok(); }
  bool started() const override { return status != 0; }

  int status = 0;
  std::string body;
};

class Fixture {
 public:
  Fixture() { options_.chunk_size = 1000; }  // several needles per object

  // Calls `op` as user "u" on key `key` of bucket "b".
  Status Call(Status (*op)(S3Request&, const meta::BucketRecord&), const std::string& key,
              std::vector<std::pair<std::string, std::string>> headers = {}, std::string body = {},
              std::vector<std::pair<std::string, std::string>> query = {}) {
    HttpRequestHead head;
    head.method = "PUT";
    head.headers = std::move(headers);
    head.content_length = body.size();
    StringBody request_body(std::move(body));
    sink = RecordingSink();
    S3Request r{head, request_body, sink, b_.backends(), options_, {}, "req", {}, "u", nullptr};
    r.route.bucket = "b";
    r.route.key = key;
    r.route.query = std::move(query);
    return op(r, b_.bucket);
  }

  meta::ObjectRecord Record(const std::string& key) { return b_.meta->GetObject("b", key).value(); }
  bool Readable(const meta::Chunk& c) {
    return b_.store->Get(c.volume_id, c.needle_key, c.cookie).ok();
  }
  bool AllReadable(const meta::ObjectRecord& o) {
    for (const auto& c : o.chunks)
      if (!Readable(c)) return false;
    return true;
  }
  bool NoneReadable(const meta::ObjectRecord& o) {
    for (const auto& c : o.chunks)
      if (Readable(c)) return false;
    return true;
  }
  std::string Bytes(const std::vector<meta::Chunk>& chunks) {
    std::string out;
    for (const auto& c : chunks) out += b_.store->Get(c.volume_id, c.needle_key, c.cookie).value();
    return out;
  }
  uint64_t LiveNeedles() {
    uint64_t n = 0;
    for (const auto& v : b_.store->Stats()) n += v.needles;
    return n;
  }
  Store& store() { return *b_.store; }
  meta::MetadataStore& metadata() { return *b_.meta; }

  RecordingSink sink;

 private:
  testing::TestBackends b_;
  S3ServiceOptions options_;
};

std::string Md5Header(std::string_view body) { return auth::Base64Encode(auth::Md5(body)); }

std::string VariedBytes(size_t n) {
  std::string out(n, '\0');
  uint32_t x = 12345;
  for (char& c : out) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

TEST_CASE("an object of many chunks, hashed beside its reading: ETag, digests and bytes exact") {
  Fixture f;
  const std::string body = VariedBytes(9500);  // 10 chunks of at most 1000 bytes
  auto crc = auth::NewHasher(auth::ChecksumAlgorithm::kCrc32c);
  crc->Update(body);
  const std::string crc_b64 = auth::Base64Encode(crc->Finish());

  REQUIRE(f.Call(PutObject, "k",
                 {{"Content-MD5", Md5Header(body)}, {"x-amz-checksum-crc32c", crc_b64}}, body)
              .ok());
  CHECK(f.sink.status == 200);
  meta::ObjectRecord o = f.Record("k");
  CHECK(o.etag == auth::HexEncode(auth::Md5(body)));
  CHECK(o.checksums.at("CRC32C") == crc_b64);
  REQUIRE(o.chunks.size() == 10);
  CHECK(f.Bytes(o.chunks) == body);
  const uint64_t live = f.LiveNeedles();

  // A wrong digest is found only after every chunk is written: nothing stays.
  std::string other = body;
  other[7777] ^= 1;
  Status st = f.Call(PutObject, "k2", {{"Content-MD5", Md5Header(other)}}, body);
  CHECK(st.reason() == "BadDigest");
  st = f.Call(PutObject, "k2", {{"x-amz-checksum-crc32c", crc_b64}}, other);
  CHECK(st.reason() == "BadDigest");
  CHECK(f.metadata().GetObject("b", "k2").status().code() == Code::kNotFound);
  CHECK(f.LiveNeedles() == live);

  // A part of many chunks: its ETag and the upload's checksum, computed beside.
  REQUIRE(f.Call(CreateMultipartUpload, "mp", {{"x-amz-checksum-algorithm", "CRC32C"}}, {},
                 {{"uploads", ""}})
              .ok());
  const std::string xml = f.sink.body;
  const size_t at = xml.find("<UploadId>") + 10;
  const std::string upload_id = xml.substr(at, xml.find("</UploadId>") - at);
  REQUIRE(f.Call(UploadPart, "mp", {}, body, {{"partNumber", "1"}, {"uploadId", upload_id}}).ok());
  meta::PartRecord part = f.metadata().ListParts("b", upload_id, 0, 10).value().parts.at(0);
  CHECK(part.etag == auth::HexEncode(auth::Md5(body)));
  CHECK(part.checksums.at("CRC32C") == crc_b64);
  CHECK(f.Bytes(part.chunks) == body);
}

TEST_CASE("CopyObject writes needles of its own; replacing a copy frees only the copy's") {
  Fixture f;
  REQUIRE(f.Call(PutObject, "src", {}, std::string(2500, 's')).ok());
  REQUIRE(f.Call(PutObject, "dst", {}, std::string(1500, 'd')).ok());
  meta::ObjectRecord src = f.Record("src"), old_dst = f.Record("dst");
  REQUIRE(src.chunks.size() == 3);

  REQUIRE(f.Call(CopyObject, "dst", {{"x-amz-copy-source", "b/src"}}).ok());
  CHECK(f.sink.status == 200);
  CHECK(f.sink.body.find("<ETag>\"" + src.etag + "\"</ETag>") != std::string::npos);
  meta::ObjectRecord dst = f.Record("dst");
  REQUIRE(dst.chunks.size() == src.chunks.size());
  for (size_t i = 0; i < src.chunks.size(); i++) {
    CHECK(dst.chunks[i].needle_key != src.chunks[i].needle_key);
    CHECK(dst.chunks[i].size == src.chunks[i].size);
  }
  CHECK(f.NoneReadable(old_dst));
  CHECK(f.AllReadable(src));
  CHECK(f.AllReadable(dst));
}

TEST_CASE("CopyObject of a source whose needle is gone fails as data loss and keeps nothing") {
  Fixture f;
  REQUIRE(f.Call(PutObject, "src", {}, std::string(2500, 's')).ok());
  meta::ObjectRecord src = f.Record("src");
  const meta::Chunk& last = src.chunks.back();
  REQUIRE(f.store().Delete(last.volume_id, last.needle_key, last.cookie).ok());
  Status st = f.Call(CopyObject, "dst", {{"x-amz-copy-source", "b/src"}});
  CHECK(st.code() == Code::kDataLoss);
  CHECK(f.metadata().GetObject("b", "dst").status().code() == Code::kNotFound);
}

TEST_CASE("DeleteObjects frees the needles of every object it deletes") {
  Fixture f;
  REQUIRE(f.Call(PutObject, "a", {}, std::string(2100, 'a')).ok());
  REQUIRE(f.Call(PutObject, "b", {}, std::string(10, 'b')).ok());
  meta::ObjectRecord a = f.Record("a"), b = f.Record("b");
  std::string body =
      "<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object>"
      "<Object><Key>none</Key></Object></Delete>";
  REQUIRE(f.Call(DeleteObjects, "", {{"Content-MD5", Md5Header(body)}}, body).ok());
  CHECK(f.sink.status == 200);
  CHECK(f.sink.body.find("<Deleted><Key>a</Key></Deleted><Deleted><Key>b</Key></Deleted>"
                         "<Deleted><Key>none</Key></Deleted></DeleteResult>") != std::string::npos);
  CHECK(f.NoneReadable(a));
  CHECK(f.NoneReadable(b));
}

TEST_CASE("tag changes rewrite the record only: same needles, same time, still readable") {
  Fixture f;
  REQUIRE(f.Call(PutObject, "t", {}, std::string(2500, 't')).ok());
  meta::ObjectRecord before = f.Record("t");
  std::string body = "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>";
  REQUIRE(f.Call(PutObjectTagging, "t", {}, body).ok());
  meta::ObjectRecord tagged = f.Record("t");
  CHECK(tagged.tags == meta::NameValueList{{"k", "v"}});
  tagged.tags.clear();
  CHECK(tagged == before);
  CHECK(f.AllReadable(before));
  REQUIRE(f.Call(DeleteObjectTagging, "t").ok());
  CHECK(f.sink.status == 204);
  CHECK(f.Record("t") == before);
  CHECK(f.AllReadable(before));
  CHECK(f.Call(PutObjectTagging, "missing", {}, body).reason() == "NoSuchKey");
}

}  // namespace
}  // namespace bale::s3
