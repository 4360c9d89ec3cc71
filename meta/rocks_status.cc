// rocksdb::Status -> Bale Status, by what the caller should do about it.
#include <string>
#include <string_view>

#include <rocksdb/status.h>

#include "common/status.h"

namespace bale::meta {

// Declared where used (rocks_kv_store.cc, rocks_status_test.cc): no header may
// name a RocksDB type.
Status FromRocksStatus(const rocksdb::Status& s, std::string_view what);

namespace {

Status FromIoError(const rocksdb::Status& s, std::string message) {
  switch (s.subcode()) {
    case rocksdb::Status::kNoSpace:
    case rocksdb::Status::kSpaceLimit:
      return ResourceExhaustedError(std::move(message));
    case rocksdb::Status::kPathNotFound:
      // Bale never names a file: a missing one is a file the database lists
      // (a manifest, a table) and lost.
      return DataLossError(std::move(message));
    default:
      break;
  }
  // The media refused bytes it holds (EIO): as ErrnoToStatus says, data loss,
  // never retried blindly. Any other I/O error may pass: retry.
  if (message.find("Input/output error") != std::string::npos) {
    return DataLossError(std::move(message));
  }
  return UnavailableError(std::move(message));
}

}  // namespace

Status FromRocksStatus(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string message = "rocksdb ";
  message += what;
  message += ": ";
  message += s.ToString();
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return NotFoundError(std::move(message));
    case rocksdb::Status::kCorruption:
      return DataLossError(std::move(message));
    case rocksdb::Status::kNotSupported:
      return UnimplementedError(std::move(message));
    case rocksdb::Status::kInvalidArgument:
      return InvalidArgumentError(std::move(message));
    case rocksdb::Status::kIOError:
      return FromIoError(s, std::move(message));
    case rocksdb::Status::kIncomplete:
    case rocksdb::Status::kShutdownInProgress:
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
      return UnavailableError(std::move(message));
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kExpired:
      return Status(Code::kDeadlineExceeded, std::move(message));
    case rocksdb::Status::kAborted:
      return AbortedError(std::move(message));
    case rocksdb::Status::kCompactionTooLarge:
      return ResourceExhaustedError(std::move(message));
    case rocksdb::Status::kColumnFamilyDropped:
      return FailedPreconditionError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

}  // namespace bale::meta
