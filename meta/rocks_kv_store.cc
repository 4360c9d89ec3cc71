#include "meta/rocks_kv_store.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "common/fiber.h"
#include "meta/counters.h"

namespace bale::meta {

Status FromRocksStatus(const rocksdb::Status& s, std::string_view what);  // rocks_status.cc

namespace {

constexpr int kBloomBitsPerKey = 10;
constexpr size_t kKeptInfoLogs = 5;

// RocksDB's C++ API reports failures through rocksdb::Status, but allocation
// (and the standard library under it) can still throw; nothing may escape
// meta/ as an exception.
template <typename F>
auto CatchLibraryExceptions(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("rocksdb " + std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return InternalError("rocksdb " + std::string(what) + ": " + e.what());
  }
}

// Adds counter rows (counters.h) in place of a read-modify-write.
class CounterMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    std::string_view base = existing ? existing->ToStringView() : std::string_view();
    return AddCounters(base, value.ToStringView(), new_value);
  }
  const char* Name() const override { return "bale.CounterAdd"; }
};

// Mutexes over hashed keys; a Write locks its keys' stripes in index order,
// so two writes never wait on each other in a cycle.
class KeyStripes {
 public:
  std::vector<std::unique_lock<std::mutex>> Lock(const KvBatch& batch) {
    return Lock(Indexes(batch));
  }

  // The stripes a batch needs, sorted, each once.
  static std::vector<size_t> Indexes(const KvBatch& batch) {
    std::vector<size_t> indexes;
    for (const auto& m : batch.mutations()) {
      if (m.op != KvBatch::Op::kAddCounters) indexes.push_back(IndexOf(m.key));
    }
    for (const auto& c : batch.conditions()) indexes.push_back(IndexOf(c.key));
    std::sort(indexes.begin(), indexes.end());
    indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
    return indexes;
  }

  static constexpr size_t kStripes = 1024;

  // Locks `indexes` (sorted, unique) in order.
  std::vector<std::unique_lock<std::mutex>> Lock(const std::vector<size_t>& indexes) {
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(indexes.size());
    for (size_t i : indexes) locks.emplace_back(mutexes_[i]);
    return locks;
  }

 private:
  static size_t IndexOf(std::string_view key) {
    return std::hash<std::string_view>{}(key) % kStripes;
  }
  std::array<std::mutex, kStripes> mutexes_;
};

class RocksKvStore final : public KvStore {
 public:
  RocksKvStore(std::unique_ptr<rocksdb::DB> db, std::string dir)
      : db_(std::move(db)), dir_(std::move(dir)) {}
  ~RocksKvStore() override {
    {
      std::lock_guard lk(commit_mu_);
      stopping_ = true;
    }
    commit_cv_.notify_one();
    if (committer_.joinable()) committer_.join();
    db_->Close().PermitUncheckedError();
  }

  Result<std::optional<std::string>> Get(std::string_view key) override {
    return CatchLibraryExceptions(
        "get", [&]() -> Result<std::optional<std::string>> { return ReadRow(key); });
  }

  Status Write(const KvBatch& batch) override {
    if (fiber::InFiber()) return WriteFromFiber(batch);
    return CatchLibraryExceptions("write", [&]() -> Status { return WriteImpl(batch); });
  }

  Result<std::vector<KvPair>> Scan(std::string_view start, std::string_view end,
                                   size_t limit) override {
    return CatchLibraryExceptions(
        "scan", [&]() -> Result<std::vector<KvPair>> { return ScanImpl(start, end, limit); });
  }

 private:
  // A plain read: the caller holds whatever stripes it needs.
  Result<std::optional<std::string>> ReadRow(std::string_view key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocksStatus(s, "get " + PrintableKey(key) + " in " + dir_);
    return std::optional<std::string>(std::move(value));
  }

  Status WriteImpl(const KvBatch& batch) {
    RETURN_IF_ERROR(ValidateBatch(batch));
    auto locks = stripes_.Lock(batch);
    RETURN_IF_ERROR(CheckConditions(batch));
    if (batch.empty()) return Status::Ok();
    rocksdb::WriteBatch wb;
    RETURN_IF_ERROR(AddMutations(batch, &wb));
    rocksdb::WriteOptions options;
    options.sync = true;  // durable when Write returns (kv_store.h)
    return FromRocksStatus(db_->Write(options, &wb), "write batch in " + dir_);
  }

  // With the batch's stripes held.
  Status CheckConditions(const KvBatch& batch) {
    for (const auto& c : batch.conditions()) {
      ASSIGN_OR_RETURN(std::optional<std::string> current, ReadRow(c.key));
      if (current != c.value) return ConditionFailedError(c.key);
    }
    return Status::Ok();
  }

  static Status AddMutations(const KvBatch& batch, rocksdb::WriteBatch* wb) {
    for (const auto& m : batch.mutations()) {
      rocksdb::Status s;
      switch (m.op) {
        case KvBatch::Op::kPut:
          s = wb->Put(m.key, m.value);
          break;
        case KvBatch::Op::kDelete:
          s = wb->Delete(m.key);
          break;
        case KvBatch::Op::kAddCounters:
          s = wb->Merge(m.key, m.value);
          break;
      }
      if (!s.ok()) return FromRocksStatus(s, "build write batch");
    }
    return Status::Ok();
  }

  // A write from a fiber: queued for the committer thread, which writes
  // every batch queued meanwhile as one RocksDB batch with one WAL fsync and
  // then wakes each writer. A group costs one thread wake, not one per
  // writer, and the fiber's thread never blocks on the disk. Threads write
  // for themselves (WriteImpl); both take the same stripes.
  struct FiberWrite {
    const KvBatch* batch;
    Status status;
    fiber::Event done;
  };

  Status WriteFromFiber(const KvBatch& batch) {
    RETURN_IF_ERROR(ValidateBatch(batch));
    FiberWrite w{&batch, {}, {}};
    bool wake;
    {
      std::lock_guard lk(commit_mu_);
      if (!committer_.joinable()) committer_ = std::thread([this] { CommitLoop(); });
      commit_queue_.push_back(&w);
      wake = committer_idle_;
    }
    if (wake) commit_cv_.notify_one();
    w.done.Wait();
    return w.status;
  }

  void CommitLoop() {
    std::unique_lock lk(commit_mu_);
    for (;;) {
      committer_idle_ = true;
      commit_cv_.wait(lk, [&] { return stopping_ || !commit_queue_.empty(); });
      committer_idle_ = false;
      if (commit_queue_.empty()) return;  // stopping, and nothing waits
      std::vector<FiberWrite*> group;
      group.swap(commit_queue_);
      lk.unlock();
      std::vector<FiberWrite*> later = CommitGroup(group);
      lk.lock();
      commit_queue_.insert(commit_queue_.begin(), later.begin(), later.end());
    }
  }

  // Commits the writes of `group` that share no stripe with an earlier one
  // of it (each checked against what is committed, as WriteImpl does) and
  // returns the others, for the next group. Takes the union of the stripes in
  // index order, as every writer does, so it never waits in a cycle.
  std::vector<FiberWrite*> CommitGroup(const std::vector<FiberWrite*>& group) {
    std::vector<FiberWrite*> chosen, later;
    std::bitset<KeyStripes::kStripes> taken;
    for (FiberWrite* w : group) {
      std::vector<size_t> mine = KeyStripes::Indexes(*w->batch);
      if (std::any_of(mine.begin(), mine.end(), [&](size_t i) { return taken[i]; })) {
        later.push_back(w);
        continue;
      }
      for (size_t i : mine) taken.set(i);
      chosen.push_back(w);
    }
    std::vector<size_t> union_of_stripes;  // in index order
    for (size_t i = 0; i < taken.size(); i++)
      if (taken[i]) union_of_stripes.push_back(i);
    Status failed = CatchLibraryExceptions("write", [&]() -> Status {
      auto locks = stripes_.Lock(union_of_stripes);
      rocksdb::WriteBatch wb;
      std::vector<FiberWrite*> accepted;
      for (FiberWrite* w : chosen) {
        w->status = CheckConditions(*w->batch);
        if (!w->status.ok()) continue;
        wb.SetSavePoint();
        w->status = AddMutations(*w->batch, &wb);
        if (!w->status.ok()) {
          wb.RollbackToSavePoint().PermitUncheckedError();
          continue;
        }
        accepted.push_back(w);
      }
      if (accepted.empty()) return Status::Ok();
      rocksdb::WriteOptions options;
      options.sync = true;
      Status st = FromRocksStatus(db_->Write(options, &wb), "write batch in " + dir_);
      for (FiberWrite* w : accepted) w->status = st;
      return Status::Ok();
    });
    for (FiberWrite* w : chosen) {
      if (!failed.ok()) w->status = failed;
      w->done.Set();
    }
    return later;
  }

  Result<std::vector<KvPair>> ScanImpl(std::string_view start, std::string_view end, size_t limit) {
    std::vector<KvPair> out;
    if (limit == 0 || (!end.empty() && end <= start)) return out;
    rocksdb::ReadOptions options;
    rocksdb::Slice upper(end);
    if (!end.empty()) options.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
    for (it->Seek(rocksdb::Slice(start)); it->Valid() && out.size() < limit; it->Next()) {
      out.push_back({it->key().ToString(), it->value().ToString()});
    }
    if (!it->status().ok()) {
      return FromRocksStatus(it->status(), "scan from " + PrintableKey(start) + " in " + dir_);
    }
    return out;
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
  KeyStripes stripes_;
  // Fibers' writes (WriteFromFiber); the thread starts with the first.
  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  std::vector<FiberWrite*> commit_queue_;
  bool committer_idle_ = false;
  bool stopping_ = false;
  std::thread committer_;
};

bool Supported(rocksdb::CompressionType type) {
  auto all = rocksdb::GetSupportedCompressions();
  return std::find(all.begin(), all.end(), type) != all.end();
}

rocksdb::Options MakeOptions(const RocksKvStoreOptions& o) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  options.merge_operator = std::make_shared<CounterMergeOperator>();
  options.write_buffer_size = o.write_buffer_bytes;
  options.level_compaction_dynamic_level_bytes = true;
  options.keep_log_file_num = kKeptInfoLogs;
  options.enable_write_thread_adaptive_yield = false;
  options.allow_concurrent_memtable_write = false;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  if (Supported(rocksdb::kLZ4Compression)) {
    options.compression = rocksdb::kLZ4Compression;
  } else if (Supported(rocksdb::kSnappyCompression)) {
    options.compression = rocksdb::kSnappyCompression;
  } else {
    options.compression = rocksdb::kNoCompression;
  }
  if (Supported(rocksdb::kZSTD)) options.bottommost_compression = rocksdb::kZSTD;
  return options;
}

}  // namespace

Result<std::unique_ptr<KvStore>> OpenRocksKvStore(const std::string& dir,
                                                  const RocksKvStoreOptions& o) {
  return CatchLibraryExceptions("open", [&]() -> Result<std::unique_ptr<KvStore>> {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return ErrnoToStatus(ec.value(), "create metadata directory " + dir);
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(MakeOptions(o), dir, &raw);
    if (!s.ok()) return FromRocksStatus(s, "open " + dir);
    return std::unique_ptr<KvStore>(
        std::make_unique<RocksKvStore>(std::unique_ptr<rocksdb::DB>(raw), dir));
  });
}

}  // namespace bale::meta
