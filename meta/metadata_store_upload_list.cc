// MetadataStore::ListUploads: S3's ListMultipartUploads as one forward range
// scan of the 'N' index rows, which sort by key, then initiation time, then
// upload id. Each index row holds the UploadRecord, so no other row is read
// (except the upload-id-marker's own row, to find where it sorts).
//
// With a delimiter, a key holding it after the prefix rolls up to its common
// prefix: the prefix is emitted once and the scan jumps to the end of the
// index rows under it. A common prefix at or before key_marker was returned
// by an earlier page, so it is skipped without being emitted.
#include <algorithm>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"

namespace bale::meta {
namespace {

constexpr size_t kMaxPageRows = 1024;

class UploadLister {
 public:
  UploadLister(KvStore& kv, uint64_t bucket_id, const ListUploadsOptions& options)
      : kv_(kv), bucket_id_(bucket_id), options_(options) {}

  // `cursor`: the first index row that may be listed.
  Result<UploadListing> Run(std::string cursor) {
    if (options_.max_uploads == 0) return std::move(out_);
    const std::string end =
        rows::PrefixSuccessor(rows::UploadKeyPrefix(bucket_id_, options_.prefix));
    while (!done_ && (end.empty() || cursor < end)) {
      // One row past max_uploads tells whether the listing is truncated.
      size_t want = std::min(options_.max_uploads - emitted_ + 1, kMaxPageRows);
      ASSIGN_OR_RETURN(std::vector<KvPair> page, kv_.Scan(cursor, end, want));
      std::string jump;
      for (const KvPair& row : page) {
        ASSIGN_OR_RETURN(jump, Visit(row));
        if (done_ || !jump.empty()) break;
      }
      if (!jump.empty()) {
        cursor = std::move(jump);
        if (cursor.empty()) break;  // nothing sorts after the common prefix
        continue;
      }
      if (done_ || page.size() < want) break;  // a short page: the range is exhausted
      cursor = page.back().key;
      cursor.push_back('\0');
    }
    if (!out_.is_truncated) {
      out_.next_key_marker.clear();
      out_.next_upload_id_marker.clear();
    }
    return std::move(out_);
  }

 private:
  // Lists the row's upload or its common prefix. Returns where the scan goes
  // on when it must jump past a common prefix's rows, else empty.
  Result<std::string> Visit(const KvPair& row) {
    auto upload = DecodeUpload(row.value);
    if (!upload.ok()) return upload.status().WithContext("upload index row " + PrintableKey(row.key));
    const std::string& key = upload->key;
    if (!options_.delimiter.empty()) {
      size_t at = key.find(options_.delimiter, options_.prefix.size());
      if (at != std::string::npos) {
        std::string common = key.substr(0, at + options_.delimiter.size());
        std::string past = rows::PrefixSuccessor(rows::UploadKeyPrefix(bucket_id_, common));
        if (common <= options_.key_marker) return past;  // returned by an earlier page
        if (!Room()) return std::string();
        out_.next_key_marker = common;
        out_.next_upload_id_marker.clear();
        out_.common_prefixes.push_back(std::move(common));
        return past;
      }
    }
    if (!Room()) return std::string();
    out_.next_key_marker = key;
    out_.next_upload_id_marker = upload->upload_id;
    out_.uploads.push_back(std::move(*upload));
    return std::string();
  }

  bool Room() {
    if (emitted_ < options_.max_uploads) {
      ++emitted_;
      return true;
    }
    out_.is_truncated = true;
    done_ = true;
    return false;
  }

  KvStore& kv_;
  const uint64_t bucket_id_;
  const ListUploadsOptions& options_;
  UploadListing out_;
  size_t emitted_ = 0;
  bool done_ = false;
};

}  // namespace

Result<UploadListing> MetadataStore::ListUploads(std::string_view bucket,
                                                 const ListUploadsOptions& options) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  std::string cursor = rows::UploadKeyPrefix(b.bucket_id, options.prefix);
  if (!options.key_marker.empty()) {
    // Past every upload of key_marker, unless the upload-id-marker names
    // one of them: then just past that one. (An upload-id-marker that is
    // gone, completed or aborted since, resumes after all of key_marker's.)
    std::string after = rows::PrefixSuccessor(rows::UploadsOfKey(b.bucket_id, options.key_marker));
    if (!options.upload_id_marker.empty()) {
      auto marker = GetUpload(bucket, options.upload_id_marker);
      if (marker.ok() && marker->key == options.key_marker) {
        after = rows::UploadByKey(b.bucket_id, marker->key, marker->initiated_micros,
                                  marker->upload_id);
        after.push_back('\0');
      } else if (!marker.ok() && marker.status().code() != Code::kNotFound) {
        return marker.status();
      }
    }
    cursor = std::max(cursor, after);
  }
  return UploadLister(*kv_, b.bucket_id, options).Run(std::move(cursor));
}

}  // namespace bale::meta
