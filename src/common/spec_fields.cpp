#include "common/spec_fields.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace sparkplane {
namespace json = boost::json;

Result<int64_t> ParseMemoryMiB(std::string_view text) {
  auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not a memory size; use e.g. 512m, 4g or 8.5g", text));
  };
  std::string s(text);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0 || i > 20) return bad();
  std::string number = s.substr(0, i);
  if (std::count(number.begin(), number.end(), '.') > 1 || number.front() == '.' || number.back() == '.')
    return bad();
  std::string unit = s.substr(i);
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double value = std::strtod(number.c_str(), nullptr);
  double mib;
  if (unit.empty()) {
    mib = value;  // Spark reads a bare number as MiB
  } else if (unit == "k" || unit == "kb" || unit == "ki") {
    mib = value / 1024.0;
  } else if (unit == "m" || unit == "mb" || unit == "mi") {
    mib = value;
  } else if (unit == "g" || unit == "gb" || unit == "gi") {
    mib = value * 1024.0;
  } else if (unit == "t" || unit == "tb" || unit == "ti") {
    mib = value * 1024.0 * 1024.0;
  } else {
    return bad();
  }
  if (!(mib > 0) || mib > 1e9) return bad();
  return static_cast<int64_t>(std::ceil(mib));
}

std::optional<std::string> GetString(const json::object& o, std::string_view key) {
  auto v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<double> GetNumber(const json::object& o, std::string_view key) {
  auto v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

const json::object* GetObject(const json::object& o, std::string_view key) {
  auto v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

Status CheckKnownKeys(const json::object& body, std::initializer_list<std::string_view> allowed) {
  for (auto& [key, unused] : body) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) != allowed.end()) continue;
    std::string field = key.empty() ? "\"\"" : std::string(key);
    std::string expected;
    for (auto a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: unknown key; expected {}", field, expected), {field});
  }
  return Ok();
}

}  // namespace sparkplane
