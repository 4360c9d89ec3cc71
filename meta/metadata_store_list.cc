// MetadataStore::ListObjects: S3 listing as one forward range scan.
//
// The scan covers [objects of the bucket + max(prefix, start_after + 00),
// successor of (objects of the bucket + prefix)). With a delimiter, a key
// holding it after the prefix rolls up to its common prefix: the prefix is
// emitted once, the rest of the rows under it in the same page are skipped in
// memory, and when a page ends under it the next Scan starts at the common
// prefix's successor instead of reading its keys. A common prefix at or before
// start_after was returned by an earlier page (next_marker names it), so it is
// skipped without being emitted. Pages start small (kFirstPageRows) after each
// such jump and double while the listing moves through plain keys, so a
// listing of big "directories" reads few rows under each while a flat one
// needs few Scans.
#include <algorithm>

#include "meta/metadata_store.h"
#include "meta/row_keys.h"

namespace bale::meta {
namespace {

constexpr size_t kFirstPageRows = 16;
constexpr size_t kMaxPageRows = 1024;

class ObjectLister {
 public:
  ObjectLister(KvStore& kv, uint64_t bucket_id, const ListObjectsOptions& options)
      : kv_(kv), options_(options), base_(rows::Objects(bucket_id)) {}

  Result<ObjectListing> Run() {
    if (options_.max_keys == 0) return std::move(out_);  // S3: nothing, not truncated
    const std::string end = rows::PrefixSuccessor(base_ + options_.prefix);
    std::string cursor = base_ + options_.prefix;
    if (options_.start_after >= options_.prefix) {
      cursor = base_ + options_.start_after;
      cursor.push_back('\0');  // the smallest key after start_after
    }
    size_t page_rows = options_.delimiter.empty() ? kMaxPageRows : kFirstPageRows;
    while (!done_) {
      // One row past max_keys tells whether the listing is truncated.
      size_t want = std::min(options_.max_keys - emitted_, page_rows - 1) + 1;
      ASSIGN_OR_RETURN(std::vector<KvPair> page, kv_.Scan(cursor, end, want));
      for (const KvPair& row : page) {
        RETURN_IF_ERROR(Visit(row));
        if (done_) break;
      }
      if (done_ || page.size() < want) break;  // a short page: the range is exhausted
      if (!skipping_.empty()) {
        cursor = rows::PrefixSuccessor(base_ + skipping_);
        if (cursor.empty() || (!end.empty() && cursor >= end)) break;
        page_rows = kFirstPageRows;
      } else {
        cursor = page.back().key;
        cursor.push_back('\0');
        page_rows = std::min(page_rows * 2, kMaxPageRows);
      }
    }
    if (!out_.is_truncated) out_.next_marker.clear();
    return std::move(out_);
  }

 private:
  Status Visit(const KvPair& row) {
    std::string_view key = std::string_view(row.key).substr(base_.size());
    if (!skipping_.empty() && key.starts_with(skipping_)) return Status::Ok();
    skipping_.clear();
    if (!options_.delimiter.empty()) {
      size_t at = key.find(options_.delimiter, options_.prefix.size());
      if (at != std::string_view::npos) {
        skipping_ = key.substr(0, at + options_.delimiter.size());
        if (skipping_ <= options_.start_after) return Status::Ok();  // returned before
        if (!Room()) return Status::Ok();
        out_.common_prefixes.push_back(skipping_);
        out_.next_marker = skipping_;
        return Status::Ok();
      }
    }
    if (!Room()) return Status::Ok();
    auto object = DecodeObject(key, row.value);
    if (!object.ok()) return object.status().WithContext("object " + PrintableKey(key));
    out_.objects.push_back(std::move(*object));
    out_.next_marker = key;
    return Status::Ok();
  }

  // Counts one more item toward max_keys; when there is no room for it, the
  // listing is truncated and ends.
  bool Room() {
    if (emitted_ == options_.max_keys) {
      out_.is_truncated = true;
      done_ = true;
      return false;
    }
    ++emitted_;
    return true;
  }

  KvStore& kv_;
  const ListObjectsOptions& options_;
  const std::string base_;
  ObjectListing out_;
  size_t emitted_ = 0;
  bool done_ = false;
  std::string skipping_;  // the common prefix whose keys are being passed over
};

}  // namespace

Result<ObjectListing> MetadataStore::ListObjects(std::string_view bucket,
                                                 const ListObjectsOptions& options) {
  ASSIGN_OR_RETURN(BucketRecord b, GetBucket(bucket));
  return ObjectLister(*kv_, b.bucket_id, options).Run();
}

}  // namespace bale::meta
