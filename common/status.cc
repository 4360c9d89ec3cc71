#include "common/status.h"

#include <cerrno>
#include <cstring>

namespace bale {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kCancelled:
      return "CANCELLED";
    case Code::kUnknown:
      return "UNKNOWN";
    case Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Code::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case Code::kNotFound:
      return "NOT_FOUND";
    case Code::kAlreadyExists:
      return "ALREADY_EXISTS";
    case Code::kPermissionDenied:
      return "PERMISSION_DENIED";
    case Code::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case Code::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case Code::kAborted:
      return "ABORTED";
    case Code::kOutOfRange:
      return "OUT_OF_RANGE";
    case Code::kUnimplemented:
      return "UNIMPLEMENTED";
    case Code::kInternal:
      return "INTERNAL";
    case Code::kUnavailable:
      return "UNAVAILABLE";
    case Code::kDataLoss:
      return "DATA_LOSS";
    case Code::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Status::Status(Code code, std::string message) {
  if (code != Code::kOk) rep_ = std::make_shared<const Rep>(Rep{code, std::move(message), {}, {}});
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code()));
  out += ": ";
  out += message();
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message();
  Status out;
  out.rep_ = std::make_shared<const Rep>(Rep{code(), std::move(msg), rep_->reason, rep_->details});
  return out;
}

Status Status::WithReason(std::string_view reason) const {
  if (ok()) return *this;
  Status out;
  out.rep_ = std::make_shared<const Rep>(
      Rep{code(), std::string(message()), std::string(reason), rep_->details});
  return out;
}

const Status::Details& Status::details() const {
  static const Details kNone;
  return rep_ ? rep_->details : kNone;
}

Status Status::WithDetail(std::string name, std::string value) const {
  if (ok()) return *this;
  Rep rep = *rep_;
  rep.details.emplace_back(std::move(name), std::move(value));
  Status out;
  out.rep_ = std::make_shared<const Rep>(std::move(rep));
  return out;
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

Status InvalidArgumentError(std::string m) { return Status(Code::kInvalidArgument, std::move(m)); }
Status NotFoundError(std::string m) { return Status(Code::kNotFound, std::move(m)); }
Status AlreadyExistsError(std::string m) { return Status(Code::kAlreadyExists, std::move(m)); }
Status ResourceExhaustedError(std::string m) {
  return Status(Code::kResourceExhausted, std::move(m));
}
Status FailedPreconditionError(std::string m) {
  return Status(Code::kFailedPrecondition, std::move(m));
}
Status AbortedError(std::string m) { return Status(Code::kAborted, std::move(m)); }
Status OutOfRangeError(std::string m) { return Status(Code::kOutOfRange, std::move(m)); }
Status UnimplementedError(std::string m) { return Status(Code::kUnimplemented, std::move(m)); }
Status InternalError(std::string m) { return Status(Code::kInternal, std::move(m)); }
Status UnavailableError(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
Status DataLossError(std::string m) { return Status(Code::kDataLoss, std::move(m)); }
Status PermissionDeniedError(std::string m) {
  return Status(Code::kPermissionDenied, std::move(m));
}

Status ErrnoToStatus(int err, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(err);
  switch (err) {
    case ENOENT:
      return NotFoundError(std::move(msg));
    case EEXIST:
      return AlreadyExistsError(std::move(msg));
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return ResourceExhaustedError(std::move(msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(std::move(msg));
    case EINVAL:
      return InvalidArgumentError(std::move(msg));
    case EINTR:
    case EAGAIN:
      return UnavailableError(std::move(msg));
    case EIO:
      return DataLossError(std::move(msg));
    default:
      return InternalError(std::move(msg));
  }
}

}  // namespace bale
