// The field coding of metadata records (docs/formats/metadata.md):
// unsigned LEB128 varints, 4-byte little-endian fixed integers, single bytes,
// and strings as a varint length then the bytes.
//
// FieldReader never reads past its input and never throws: the first problem
// (bytes run out, a varint longer than 10 bytes or above 2^64, a length beyond
// the input, a value out of its field's range) is remembered, later reads
// return zeros, and Finish() reports it as DATA_LOSS naming the record.
//
// Thread-safety: a writer or reader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bale::meta {

class FieldWriter {
 public:
  void Byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Varint(uint64_t v);
  void Fixed32(uint32_t v);
  void String(std::string_view s);
  std::string Finish() && { return std::move(out_); }

 private:
  std::string out_;
};

class FieldReader {
 public:
  // `what` names the record in errors ("object record").
  FieldReader(std::string_view bytes, std::string_view what) : in_(bytes), what_(what) {}

  uint8_t Byte();
  uint64_t Varint();
  // A varint that must fit in 32 bits.
  uint32_t Varint32();
  uint32_t Fixed32();
  std::string String();
  // A count of elements that each take at least `min_element_bytes` (> 0):
  // larger than the bytes left can hold is an error, so a garbage count never
  // makes the caller allocate.
  size_t Count(size_t min_element_bytes);
  // Marks the input bad (for checks the caller makes: an enum out of range).
  void Fail(std::string_view problem);

  bool ok() const { return problem_.empty(); }
  // OK when every byte was read without a problem; DATA_LOSS otherwise,
  // trailing bytes included.
  Status Finish() const;

 private:
  bool Need(size_t n);

  std::string_view in_;
  size_t pos_ = 0;
  std::string_view what_;
  std::string problem_;
  size_t problem_at_ = 0;
};

}  // namespace bale::meta
