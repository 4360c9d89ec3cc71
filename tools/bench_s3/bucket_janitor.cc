#include "tools/bench_s3/bucket_janitor.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "auth/checksum.h"
#include "auth/encoding.h"

namespace bale::bench_s3 {
namespace {

Status Refused(std::string_view what, const Answer& answer) {
  return FailedPreconditionError(std::string(what) + ": " + answer.ErrorCode());
}

// Sends one DeleteObjects; counts the keys the server reports failing.
Status DeleteBatch(BlockingClient& client, const std::string& bucket_path,
                   const std::vector<std::string>& batch, uint64_t* failed) {
  const std::string body = DeleteObjectsBody(batch);
  const std::string md5 = "Content-MD5: " + auth::Base64Encode(auth::Md5(body)) + "\r\n";
  RequestHead head;
  head.method = "POST";
  head.path = bucket_path;
  head.query = "delete=";
  head.content_length = body.size();
  head.extra_lines = md5;
  ASSIGN_OR_RETURN(Answer answer, client.Send(head, body));
  if (answer.status != 200) return Refused("DeleteObjects", answer);
  for (size_t at = answer.body.find("<Error>"); at != std::string::npos;
       at = answer.body.find("<Error>", at + 1)) {
    (*failed)++;
  }
  return Status::Ok();
}

// The keys of one ListObjectsV2 page under the key space's prefix.
Result<std::vector<std::string>> ListPage(BlockingClient& client, const KeySpace& keys) {
  const std::string query = "list-type=2&max-keys=1000&prefix=" + keys.prefix() + "%2F";
  RequestHead head;
  head.method = "GET";
  head.path = keys.bucket_path();
  head.query = query;
  ASSIGN_OR_RETURN(Answer answer, client.Send(head));
  if (answer.status != 200) return Refused("ListObjectsV2", answer);
  std::vector<std::string> found;
  constexpr std::string_view kOpen = "<Key>", kClose = "</Key>";
  for (size_t at = answer.body.find(kOpen); at != std::string::npos;
       at = answer.body.find(kOpen, at)) {
    at += kOpen.size();
    size_t end = answer.body.find(kClose, at);
    if (end == std::string::npos) break;
    found.push_back(answer.body.substr(at, end - at));
  }
  return found;
}

}  // namespace

std::string DeleteObjectsBody(const std::vector<std::string>& keys) {
  std::string body = "<Delete><Quiet>true</Quiet>";
  for (const std::string& k : keys) body += "<Object><Key>" + k + "</Key></Object>";
  body += "</Delete>";
  return body;
}

Status CreateBucket(BlockingClient& client, const std::string& bucket) {
  RequestHead head;
  const std::string path = "/" + bucket;
  head.method = "PUT";
  head.path = path;
  head.content_length = 0;
  ASSIGN_OR_RETURN(Answer answer, client.Send(head));
  if (answer.status != 200) return Refused("cannot create bucket " + bucket, answer);
  return Status::Ok();
}

Status DeleteBucket(BlockingClient& client, const std::string& bucket) {
  RequestHead head;
  const std::string path = "/" + bucket;
  head.method = "DELETE";
  head.path = path;
  ASSIGN_OR_RETURN(Answer answer, client.Send(head));
  if (answer.status != 204 && answer.status != 200) {
    return Refused("cannot delete bucket " + bucket, answer);
  }
  return Status::Ok();
}

Result<DeleteSummary> DeleteObjectsOf(const Endpoint& endpoint,
                                      const auth::SigningCredentials& credentials, Clock* clock,
                                      std::chrono::milliseconds timeout, const KeySpace& keys,
                                      uint64_t count, int parallel) {
  DeleteSummary summary;
  std::atomic<uint64_t> next_batch{0};
  std::atomic<uint64_t> failed{0};
  std::mutex mu;
  Status first_error;  // guarded by mu
  const uint64_t batches = (count + kDeleteBatch - 1) / kDeleteBatch;
  auto worker = [&] {
    BlockingClient client(endpoint, credentials, clock, timeout);
    std::vector<std::string> batch;
    while (true) {
      const uint64_t b = next_batch.fetch_add(1);
      if (b >= batches) return;
      batch.clear();
      for (uint64_t i = b * kDeleteBatch; i < std::min(count, (b + 1) * kDeleteBatch); i++) {
        batch.push_back(keys.Key(i));
      }
      uint64_t batch_failed = 0;
      Status st = DeleteBatch(client, keys.bucket_path(), batch, &batch_failed);
      failed += batch_failed;
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st;
        next_batch.store(batches);  // stop the others too
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  const int n =
      static_cast<int>(std::min<uint64_t>(std::max(parallel, 1), std::max<uint64_t>(batches, 1)));
  for (int i = 0; i < n; i++) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  RETURN_IF_ERROR(first_error);
  summary.requested = count;
  summary.failed = failed.load();

  // Whatever is left under the prefix: keys outside [0, count) or ones that
  // failed above. A round that lists keys but deletes none ends the loop.
  BlockingClient client(endpoint, credentials, clock, timeout);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<std::string> page, ListPage(client, keys));
    if (page.empty()) break;
    summary.leftovers += page.size();
    uint64_t batch_failed = 0;
    RETURN_IF_ERROR(DeleteBatch(client, keys.bucket_path(), page, &batch_failed));
    if (batch_failed == page.size()) {
      return FailedPreconditionError(std::to_string(page.size()) +
                                     " objects under the prefix cannot be deleted");
    }
  }
  return summary;
}

}  // namespace bale::bench_s3
