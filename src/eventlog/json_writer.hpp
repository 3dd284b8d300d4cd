// Minimal streaming JSON writer in Jackson's pretty-print layout (what Spark's REST API emits):
// doubles always carry a fraction or exponent ("21.0", "1.0E7"), integers never do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparkplane::eventlog {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t v);
  void Double(double v);
  void Bool(bool v);
  void Null();

  // Key + value helpers.
  void Field(std::string_view k, std::string_view v) { Key(k), String(v); }
  void Field(std::string_view k, const char* v) { Key(k), String(v); }
  void Field(std::string_view k, const std::string& v) { Key(k), String(v); }
  void Field(std::string_view k, int64_t v) { Key(k), Int(v); }
  void Field(std::string_view k, int32_t v) { Key(k), Int(v); }
  void Field(std::string_view k, uint64_t v) { Key(k), Int(static_cast<int64_t>(v)); }
  void Field(std::string_view k, double v) { Key(k), Double(v); }
  void Field(std::string_view k, bool v) { Key(k), Bool(v); }
  void OptField(std::string_view k, const std::optional<std::string>& v) {
    if (v) Field(k, *v);
  }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  void WriteQuoted(std::string_view s);
  void Newline();

  struct Level {
    bool object;
    int count;
  };
  bool pretty_;
  bool after_key_ = false;
  std::vector<Level> stack_;
  std::string out_;
};

// Java's Double.toString layout for finite values.
std::string FormatJavaDouble(double v);
// Spark REST date: "2015-02-03T16:42:59.720GMT".
std::string FormatSparkDate(int64_t epoch_millis);

}  // namespace sparkplane::eventlog
