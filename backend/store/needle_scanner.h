// NeedleScanner: walks the needles of a .dat file in order through a large
// buffer, checking each one whole (magic, size, footer, CRC). Used by volume
// recovery and by compaction.
//
// Thread-safety: one scanner per thread; the File may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "backend/store/needle_format.h"
#include "common/file_system.h"
#include "common/status.h"

namespace bale {

class NeedleScanner {
 public:
  static constexpr size_t kDefaultBuffer = 4 << 20;

  // Scans [from, to) of `file`; `from` must be a needle boundary.
  NeedleScanner(const File* file, uint64_t from, uint64_t to, size_t buffer = kDefaultBuffer);

  // Moves to the next needle. False at `to`, at the first position holding no
  // valid needle (see bad()), or on an I/O error (see status()).
  bool Next();
  // As Next(), but a needle for which `skip(header, offset)` says true is
  // passed over unread and unchecked (bytes() is empty): compaction need not
  // read the dead. Its header is still decoded and its length bounds-checked.
  bool Next(const std::function<bool(const format::NeedleHeader&, uint64_t)>& skip);

  uint64_t offset() const { return offset_; }  // of the current needle
  const format::NeedleHeader& header() const { return header_; }
  std::string_view bytes() const { return bytes_; }  // the whole current needle
  // Where the scan stopped: `to` after a clean end, else the bad position.
  uint64_t position() const { return pos_; }
  bool bad() const { return bad_; }
  const Status& status() const { return status_; }
  // Why the needle at position() is not valid (when bad()).
  const std::string& why() const { return why_; }

  // The first 8-byte-aligned offset in [from, to) where a whole valid needle
  // starts, or nullopt.
  static Result<std::optional<uint64_t>> FindNextValid(const File* file, uint64_t from,
                                                       uint64_t to);

 private:
  // Makes [pos, pos+n) available in buf_; false on I/O error or short file.
  bool Fill(uint64_t pos, uint64_t n);
  bool Invalid(std::string why);

  const File* file_;
  const uint64_t to_;
  const size_t buffer_size_;
  uint64_t pos_;
  // The buffer: not a std::string, whose resize would zero-fill it each time.
  std::unique_ptr<char[]> buf_;
  size_t buf_cap_ = 0;
  size_t buf_len_ = 0;
  uint64_t buf_start_ = 0;
  uint64_t offset_ = 0;
  format::NeedleHeader header_;
  std::string_view bytes_;
  bool bad_ = false;
  std::string why_;
  Status status_;
};

}  // namespace bale
