#include "eventlog/json_writer.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <ctime>

namespace sparkplane::eventlog {

void JsonWriter::Newline() {
  if (!pretty_) return;
  out_.push_back('\n');
  out_.append(stack_.size() * 2, ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& level = stack_.back();
  if (level.count > 0) out_.push_back(',');
  if (pretty_) out_.push_back(' ');
  ++level.count;
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  stack_.push_back({true, 0});
}

void JsonWriter::EndObject() {
  bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (empty) {
    if (pretty_) out_.push_back(' ');
  } else {
    Newline();
  }
  out_.push_back('}');
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  stack_.push_back({false, 0});
}

void JsonWriter::EndArray() {
  stack_.pop_back();
  if (pretty_) out_.push_back(' ');
  out_.push_back(']');
}

void JsonWriter::Key(std::string_view key) {
  Level& level = stack_.back();
  if (level.count > 0) out_.push_back(',');
  ++level.count;
  Newline();
  WriteQuoted(key);
  out_.append(pretty_ ? " : " : ":");
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  WriteQuoted(s);
}

void JsonWriter::WriteQuoted(std::string_view s) {
  out_.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out_.append("\\\"");
        break;
      case '\\':
        out_.append("\\\\");
        break;
      case '\n':
        out_.append("\\n");
        break;
      case '\r':
        out_.append("\\r");
        break;
      case '\t':
        out_.append("\\t");
        break;
      case '\b':
        out_.append("\\b");
        break;
      case '\f':
        out_.append("\\f");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out_.append(fmt::format("\\u{:04x}", static_cast<unsigned char>(c)));
        } else {
          out_.push_back(c);
        }
    }
  }
  out_.push_back('"');
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out_.append(buf, end);
}

void JsonWriter::Double(double v) {
  BeforeValue();
  if (!std::isfinite(v)) {
    out_.append(std::isnan(v) ? "\"NaN\"" : (v > 0 ? "\"Infinity\"" : "\"-Infinity\""));
    return;
  }
  out_.append(FormatJavaDouble(v));
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  out_.append(v ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
}

std::string FormatJavaDouble(double v) {
  char buf[64];
  double a = std::fabs(v);
  if (v == 0 || (a >= 1e-3 && a < 1e7)) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    (void)ec;
    std::string s(buf, end);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  (void)ec;
  std::string s(buf, end);
  size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  int exponent = std::stoi(s.substr(e + 1));
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  return fmt::format("{}E{}", mantissa, exponent);
}

std::string FormatSparkDate(int64_t epoch_millis) {
  int64_t secs = epoch_millis >= 0 ? epoch_millis / 1000 : (epoch_millis - 999) / 1000;
  int64_t millis = epoch_millis - secs * 1000;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}GMT", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

}  // namespace sparkplane::eventlog
