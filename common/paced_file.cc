#include "common/paced_file.h"

#include <time.h>

#include <algorithm>

namespace bale {

PacedFile::PacedFile(File* file, size_t piece, std::function<void()> pause)
    : file_(file), piece_(std::max<size_t>(piece, 1)), pause_(std::move(pause)) {}

Result<size_t> PacedFile::ReadAt(uint64_t offset, size_t n, char* buf) const {
  size_t done = 0;
  while (done < n) {
    if (done > 0) pause_();
    const size_t want = std::min(n - done, piece_);
    ASSIGN_OR_RETURN(size_t got, file_->ReadAt(offset + done, want, buf + done));
    done += got;
    if (got < want) break;  // end of file
  }
  return done;
}

Status PacedFile::WriteAt(uint64_t offset, std::string_view data) {
  for (size_t done = 0; done < data.size(); done += piece_) {
    if (done > 0) pause_();
    RETURN_IF_ERROR(file_->WriteAt(offset + done, data.substr(done, piece_)));
  }
  return Status::Ok();
}

void PacedFile::SleepBriefly() {
  timespec ts{0, 1000};
  ::nanosleep(&ts, nullptr);
}

}  // namespace bale
