#include "backend/store/http/store_http_codec.h"

#include <charconv>
#include <cmath>
#include <system_error>

// Boost.JSON, compiled into this file (header-only mode) so the store needs no
// extra library package. It must be the only file of the program that
// includes src.hpp; other users of Boost.JSON include <boost/json.hpp>.
#include <boost/json/src.hpp>

namespace bale::store_http {
namespace {

namespace json = boost::json;

// Status code -> HTTP status. Codes absent from this table are sent as 500.
struct CodeRow {
  Code code;
  int http_status;
};
constexpr CodeRow kCodeTable[] = {
    {Code::kInvalidArgument, 400},    {Code::kPermissionDenied, 403},
    {Code::kNotFound, 404},           {Code::kAlreadyExists, 409},
    {Code::kFailedPrecondition, 409}, {Code::kDataLoss, 500},
    {Code::kUnimplemented, 501},      {Code::kUnavailable, 503},
    {Code::kResourceExhausted, 507},
};

// Writes JSON text, putting the commas in. Encoding is done by hand rather
// than with Boost.JSON so numbers print the way people read them (0.25, not
// 2.5E-1).
class JsonWriter {
 public:
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // Starts a member of the current object; its value comes next.
  void Key(std::string_view name) {
    Separate();
    Quote(name);
    out_ += ':';
    after_key_ = true;
  }
  void String(std::string_view s) {
    Separate();
    Quote(s);
  }
  void Bool(bool b) {
    Separate();
    out_ += b ? "true" : "false";
  }
  void Uint(uint64_t v) {
    Separate();
    out_ += std::to_string(v);
  }
  void Double(double v) {
    Separate();
    if (!std::isfinite(v)) v = 0;  // JSON has no NaN or infinity
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round-trip form
    out_.append(buf, ec == std::errc() ? end : buf);
  }
  void UintField(std::string_view name, uint64_t v) {
    Key(name);
    Uint(v);
  }
  void StringField(std::string_view name, std::string_view v) {
    Key(name);
    String(v);
  }
  void BoolField(std::string_view name, bool v) {
    Key(name);
    Bool(v);
  }
  void DoubleField(std::string_view name, double v) {
    Key(name);
    Double(v);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Open(char c) {
    Separate();
    out_ += c;
    first_ = true;
  }
  void Close(char c) {
    out_ += c;
    first_ = false;
  }
  // A comma before every value of a container but the first, and none
  // between a key and its value.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
    } else if (!first_) {
      out_ += ',';
    }
    first_ = false;
  }
  // Bytes >= 0x80 pass through unchanged: UTF-8 stays UTF-8, and the
  // decoder accepts other bytes too, so any std::string round-trips.
  void Quote(std::string_view s) {
    out_ += '"';
    for (unsigned char c : s) Escape(c);
    out_ += '"';
  }
  void Escape(unsigned char c) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        return;
      case '\\':
        out_ += "\\\\";
        return;
      case '\n':
        out_ += "\\n";
        return;
      case '\r':
        out_ += "\\r";
        return;
      case '\t':
        out_ += "\\t";
        return;
    }
    if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out_ += "\\u00";
      out_ += kHex[c >> 4];
      out_ += kHex[c & 0xF];
    } else {
      out_ += static_cast<char>(c);
    }
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

void WriteVolume(const VolumeStats& v, JsonWriter* w) {
  w->BeginObject();
  w->UintField("id", v.id);
  w->StringField("drive", v.drive);
  w->BoolField("ok", v.ok);
  w->StringField("error", v.error);
  w->BoolField("read_only", v.read_only);
  w->BoolField("sealed", v.sealed);
  w->UintField("revision", v.revision);
  w->UintField("needles", v.needles);
  w->UintField("file_bytes", v.file_bytes);
  w->UintField("live_bytes", v.live_bytes);
  w->UintField("size_limit", v.size_limit);
  w->DoubleField("garbage_ratio", v.garbage_ratio);
  w->UintField("index_bytes", v.index_bytes);
  w->BoolField("compacting", v.compacting);
  w->DoubleField("compaction_progress", v.compaction_progress);
  w->EndObject();
}

// Reads the fields of one JSON object into C++ values. Absent fields leave
// the value untouched; the first field of the wrong type is remembered.
class FieldReader {
 public:
  explicit FieldReader(const json::object& o) : o_(o) {}

  template <typename T>
  void Number(std::string_view name, T* out) {
    const json::value* v = Find(name);
    if (v == nullptr) return;
    boost::system::error_code ec;
    T n = v->to_number<T>(ec);
    if (ec) return Fail(name);
    *out = n;
  }
  void Bool(std::string_view name, bool* out) {
    const json::value* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_bool()) return Fail(name);
    *out = v->get_bool();
  }
  void String(std::string_view name, std::string* out) {
    const json::value* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_string()) return Fail(name);
    *out = std::string(v->get_string().data(), v->get_string().size());
  }
  bool Has(std::string_view name) const { return o_.contains(Key(name)); }
  const std::string& bad_field() const { return bad_field_; }

 private:
  static json::string_view Key(std::string_view name) { return {name.data(), name.size()}; }
  const json::value* Find(std::string_view name) const { return o_.if_contains(Key(name)); }
  void Fail(std::string_view name) {
    if (bad_field_.empty()) bad_field_ = name;
  }

  const json::object& o_;
  std::string bad_field_;
};

Result<VolumeStats> ReadVolume(const json::value& value) {
  const json::object* o = value.if_object();
  if (o == nullptr) return InternalError("status JSON: a volume is not an object");
  FieldReader r(*o);
  if (!r.Has("id")) return InternalError("status JSON: a volume has no id");
  VolumeStats v;
  r.Number("id", &v.id);
  r.String("drive", &v.drive);
  r.Bool("ok", &v.ok);
  r.String("error", &v.error);
  r.Bool("read_only", &v.read_only);
  r.Bool("sealed", &v.sealed);
  r.Number("revision", &v.revision);
  r.Number("needles", &v.needles);
  r.Number("file_bytes", &v.file_bytes);
  r.Number("live_bytes", &v.live_bytes);
  r.Number("size_limit", &v.size_limit);
  r.Number("garbage_ratio", &v.garbage_ratio);
  r.Number("index_bytes", &v.index_bytes);
  r.Bool("compacting", &v.compacting);
  r.Number("compaction_progress", &v.compaction_progress);
  if (!r.bad_field().empty()) {
    return InternalError("status JSON: volume field \"" + r.bad_field() + "\" has the wrong type");
  }
  return v;
}

Result<json::object> ParseObject(std::string_view body, std::string_view what) {
  json::parse_options options;
  options.allow_invalid_utf8 = true;  // the encoder passes raw bytes through
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(body.data(), body.size()), ec, {}, options);
  if (ec) return InternalError(std::string(what) + ": bad JSON: " + ec.message());
  if (!v.is_object()) return InternalError(std::string(what) + ": not a JSON object");
  return std::move(v.get_object());
}

}  // namespace

int HttpStatusForCode(Code code) {
  for (const CodeRow& row : kCodeTable) {
    if (row.code == code) return row.http_status;
  }
  return 500;
}

Code CodeForHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return Code::kInvalidArgument;
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 405:
      return Code::kUnimplemented;
    case 409:
      return Code::kFailedPrecondition;  // or kAlreadyExists; the body tells
    case 413:
      return Code::kInvalidArgument;
    case 501:
      return Code::kUnimplemented;
    case 503:
      return Code::kUnavailable;
    case 504:
      return Code::kDeadlineExceeded;
    case 507:
      return Code::kResourceExhausted;
  }
  if (http_status >= 500) return Code::kInternal;
  return Code::kUnknown;
}

bool ParseCodeName(std::string_view name, Code* code) {
  for (int i = static_cast<int>(Code::kOk); i <= static_cast<int>(Code::kUnauthenticated); ++i) {
    if (CodeName(static_cast<Code>(i)) == name) {
      *code = static_cast<Code>(i);
      return true;
    }
  }
  return false;
}

std::string EncodeErrorJson(Code code, std::string_view message) {
  JsonWriter w;
  w.BeginObject();
  w.StringField("code", CodeName(code));
  w.StringField("message", message);
  w.EndObject();
  return w.Take();
}

bool DecodeErrorJson(std::string_view body, Code* code, std::string* message) {
  Result<json::object> o = ParseObject(body, "error");
  if (!o.ok()) return false;
  FieldReader r(*o);
  std::string name;
  r.String("code", &name);
  r.String("message", message);
  return r.bad_field().empty() && ParseCodeName(name, code) && *code != Code::kOk;
}

std::string EscapeHeaderValue(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '%') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string UnescapeHeaderValue(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned int byte = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, byte, 16).ptr == s.data() + i + 3) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string EncodeSizeJson(uint64_t size) { return "{\"size\":" + std::to_string(size) + "}"; }

Result<uint64_t> DecodeSizeJson(std::string_view body) {
  ASSIGN_OR_RETURN(json::object o, ParseObject(body, "PUT response"));
  FieldReader r(o);
  uint64_t size = 0;
  r.Number("size", &size);
  if (!r.Has("size") || !r.bad_field().empty()) {
    return InternalError("PUT response: no numeric \"size\"");
  }
  return size;
}

std::string EncodeStatusJson(const std::vector<VolumeStats>& volumes) {
  JsonWriter w;
  w.BeginObject();
  w.Key("volumes");
  w.BeginArray();
  for (const VolumeStats& v : volumes) WriteVolume(v, &w);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

Result<std::vector<VolumeStats>> DecodeStatusJson(std::string_view body) {
  ASSIGN_OR_RETURN(json::object o, ParseObject(body, "status JSON"));
  const json::value* list = o.if_contains("volumes");
  if (list == nullptr || !list->is_array()) {
    return InternalError("status JSON: no \"volumes\" array");
  }
  std::vector<VolumeStats> volumes;
  for (const json::value& v : list->get_array()) {
    ASSIGN_OR_RETURN(VolumeStats stats, ReadVolume(v));
    volumes.push_back(std::move(stats));
  }
  return volumes;
}

}  // namespace bale::store_http
