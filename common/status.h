// Status and Result<T>: the one way every fallible call in Bale reports failure.
//
// Codes follow absl's canonical set and are chosen by what the caller should do:
//   kUnavailable        retry the same call later (transient: EIO on a flaky link, busy)
//   kAborted            redo the whole read-modify-write
//   kFailedPrecondition fix state first (volume is read-only, not open)
//   kResourceExhausted  out of space or over a limit (ENOSPC, volume full)
//   kDataLoss           bytes are corrupt or gone; never retry blindly
//
// Thread-safety: values; safe to copy and move between threads.
#pragma once

#include <cassert>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace bale {

enum class Code : int {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
  kUnauthenticated,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  std::string_view message() const {
    return rep_ ? std::string_view(rep_->message) : std::string_view();
  }
  // "NOT_FOUND: needle 42 not in volume 7"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` + ": ".
  Status WithContext(std::string_view context) const;

  // An optional machine-readable reason, finer than the code (like gRPC's
  // ErrorInfo.reason): e.g. "SignatureDoesNotMatch". The gateway's S3 error
  // table maps reasons to S3 error codes and HTTP statuses; a Status without
  // one is mapped by its code.
  std::string_view reason() const { return rep_ ? std::string_view(rep_->reason) : std::string_view(); }
  Status WithReason(std::string_view reason) const;

  // Facts about the failed request for whoever made it, as named values in
  // order (like the metadata of gRPC's ErrorInfo): the gateway writes them as
  // elements of S3's <Error> (<UploadId>, <Condition>If-Match</Condition>).
  // Never internal state: paths and offsets belong in the message, which 5xx
  // answers do not echo.
  using Details = std::vector<std::pair<std::string, std::string>>;
  const Details& details() const;
  // Returns a copy with `name` = `value` appended to its details.
  Status WithDetail(std::string name, std::string value) const;

  void IgnoreError() const {}

 private:
  struct Rep {
    Code code;
    std::string message;
    std::string reason;
    Details details;
  };
  std::shared_ptr<const Rep> rep_;  // null when OK: OK costs one pointer.
};

std::ostream& operator<<(std::ostream& os, const Status& s);

// Constructors named after the code, so call sites read as sentences.
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status OutOfRangeError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);
Status PermissionDeniedError(std::string message);

// Maps an errno value from a failed system call to a Status. `what` names the
// operation and object ("pwrite /d1/7.dat at offset 4096").
Status ErrnoToStatus(int err, std::string_view what);

// A T or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace bale

#define BALE_CONCAT_INNER(a, b) a##b
#define BALE_CONCAT(a, b) BALE_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)    \
  do {                           \
    ::bale::Status _st = (expr); \
    if (!_st.ok()) return _st;   \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

// ASSIGN_OR_RETURN(auto file, fs->Open(path));
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(BALE_CONCAT(_result_, __LINE__), lhs, expr)
