#include "common/paced_file.h"

#include <doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace bale {
namespace {

// An in-memory File that records each call as (offset, length).
class RecordingFile final : public File {
 public:
  Result<size_t> ReadAt(uint64_t offset, size_t n, char* buf) const override {
    if (fail_reads_at == offset) return UnavailableError("injected read error");
    calls.emplace_back(offset, n);
    size_t got = offset >= data.size() ? 0 : std::min(n, data.size() - offset);
    data.copy(buf, got, offset);
    return got;
  }
  Status WriteAt(uint64_t offset, std::string_view d) override {
    calls.emplace_back(offset, d.size());
    if (data.size() < offset + d.size()) data.resize(offset + d.size());
    data.replace(offset, d.size(), d);
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Truncate(uint64_t size) override {
    data.resize(size);
    return Status::Ok();
  }
  Result<uint64_t> Size() const override { return data.size(); }
  const std::string& path() const override { return path_; }

  std::string data;
  mutable std::vector<std::pair<uint64_t, size_t>> calls;
  uint64_t fail_reads_at = ~uint64_t{0};

 private:
  std::string path_ = "recording";
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = static_cast<char>('a' + i % 23);
  return s;
}

using Calls = std::vector<std::pair<uint64_t, size_t>>;

TEST_CASE("PacedFile writes in pieces, pausing between them, and the bytes land whole") {
  RecordingFile f;
  int pauses = 0;
  PacedFile paced(&f, 100, [&] { pauses++; });
  const std::string d = Pattern(250);
  REQUIRE(paced.WriteAt(10, d).ok());
  CHECK(f.calls == Calls{{10, 100}, {110, 100}, {210, 50}});
  CHECK(pauses == 2);
  CHECK(f.data.substr(10) == d);

  f.calls.clear();
  REQUIRE(paced.WriteAt(0, "0123456789").ok());  // under one piece: no pause
  CHECK(f.calls == Calls{{0, 10}});
  CHECK(pauses == 2);
}

TEST_CASE("PacedFile reads in pieces and stops at the end of the file") {
  RecordingFile f;
  f.data = Pattern(230);
  int pauses = 0;
  PacedFile paced(&f, 100, [&] { pauses++; });
  std::string buf(300, '\0');
  auto got = paced.ReadAt(20, 300, buf.data());
  REQUIRE(got.ok());
  CHECK(*got == 210);
  CHECK(buf.substr(0, 210) == f.data.substr(20));
  CHECK(f.calls == Calls{{20, 100}, {120, 100}, {220, 100}});
  CHECK(pauses == 2);

  f.calls.clear();
  got = paced.ReadAt(0, 200, buf.data());  // exactly two pieces
  REQUIRE(got.ok());
  CHECK(*got == 200);
  CHECK(f.calls == Calls{{0, 100}, {100, 100}});
  CHECK(pauses == 3);
}

TEST_CASE("PacedFile passes a failed piece's error on") {
  RecordingFile f;
  f.data = Pattern(300);
  f.fail_reads_at = 100;
  PacedFile paced(&f, 100, [] {});
  std::string buf(300, '\0');
  auto got = paced.ReadAt(0, 300, buf.data());
  CHECK(got.status().code() == Code::kUnavailable);
  CHECK(f.calls == Calls{{0, 100}});
}

}  // namespace
}  // namespace bale
