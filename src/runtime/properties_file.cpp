#include "runtime/properties_file.hpp"

#include <fmt/format.h>

#include "common/util.hpp"

namespace sparkplane::runtime {

void SparkProperties::Set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = value;
      return;
    }
  }
  entries_.emplace_back(key, value);
}

const std::string* SparkProperties::Find(std::string_view key) const {
  for (auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

namespace {

// Decodes one UTF-8 sequence at text[i] and advances i; an invalid byte decodes as itself
// (Latin-1), so nothing is ever dropped.
char32_t NextCodePoint(std::string_view text, size_t& i) {
  auto lead = static_cast<unsigned char>(text[i]);
  int extra = lead >= 0xF0 && lead <= 0xF4  ? 3
              : lead >= 0xE0 && lead < 0xF0 ? 2
              : lead >= 0xC2 && lead < 0xE0 ? 1
                                            : 0;
  if (extra == 0 || i + extra >= text.size()) {
    ++i;
    return lead;
  }
  char32_t cp = lead & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return lead;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += extra + 1;
  return cp;
}

void AppendEscaped(std::string& out, std::string_view text, bool is_key) {
  for (size_t i = 0; i < text.size();) {
    bool first = i == 0;
    char32_t cp = NextCodePoint(text, i);
    switch (cp) {
      case '\\':
        out += "\\\\";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '=':
      case ':':
      case '#':
      case '!':
        out += '\\';
        out += static_cast<char>(cp);
        continue;
      case ' ':
        if (is_key || first) out += '\\';
        out += ' ';
        continue;
      default:
        break;
    }
    if (cp >= 0x20 && cp <= 0x7E) {
      out += static_cast<char>(cp);
    } else if (cp <= 0xFFFF) {
      out += fmt::format("\\u{:04X}", static_cast<uint32_t>(cp));
    } else {  // a UTF-16 surrogate pair, as Java strings hold it
      char32_t v = cp - 0x10000;
      out += fmt::format("\\u{:04X}\\u{:04X}", static_cast<uint32_t>(0xD800 + (v >> 10)),
                         static_cast<uint32_t>(0xDC00 + (v & 0x3FF)));
    }
  }
}

}  // namespace

std::string FormatPropertiesFile(const SparkProperties& properties) {
  std::string out = "# Written by sparkplane for spark-submit --properties-file; mode 0600.\n";
  for (auto& [key, value] : properties.entries()) {
    AppendEscaped(out, key, true);
    out += '=';
    AppendEscaped(out, value, false);
    out += '\n';
  }
  return out;
}

Status WritePropertiesFile(const std::filesystem::path& path, const SparkProperties& properties) {
  return WriteFileAtomic(path, FormatPropertiesFile(properties), 0600);
}

}  // namespace sparkplane::runtime
