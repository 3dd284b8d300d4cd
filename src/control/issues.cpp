#include "control/issues.hpp"

#include <cctype>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace sparkplane::control {
namespace json = boost::json;
namespace {

constexpr size_t kMaxIssues = 100;
constexpr size_t kMaxStackLines = 60;

// "26/11/24 05:53:57 ERROR Logger: message" → level and the rest, else false.
bool ParseLog4jLine(std::string_view line, std::string_view& level, std::string_view& rest) {
  // yy/MM/dd HH:mm:ss
  if (line.size() < 20 || line[2] != '/' || line[5] != '/' || line[8] != ' ' || line[11] != ':') return false;
  std::string_view tail = line.substr(18);
  size_t space = tail.find(' ');
  if (space == std::string_view::npos) return false;
  level = tail.substr(0, space);
  rest = tail.substr(space + 1);
  return true;
}

bool IsStackLine(std::string_view line) {
  return line.rfind("\tat ", 0) == 0 || line.rfind("    at ", 0) == 0 || line.rfind("Caused by: ", 0) == 0 ||
         line.rfind("\t... ", 0) == 0 || line.rfind("Suppressed: ", 0) == 0 || line.rfind("\tSuppressed: ", 0) == 0;
}

// "java.lang.IllegalStateException: msg" → "java.lang.IllegalStateException".
std::string ExceptionClass(std::string_view line) {
  size_t colon = line.find(':');
  std::string_view head = line.substr(0, colon);
  if (head.empty() || head.find(' ') != std::string_view::npos) return "";
  bool looks_like_class = head.find('.') != std::string_view::npos || head.find("Error") != std::string_view::npos ||
                          head.find("Exception") != std::string_view::npos;
  return looks_like_class ? std::string(head) : "";
}

// "a: b: c" → {"a", "b: c"}; no separator → {text, text}.
std::pair<std::string_view, std::string_view> SplitAt(std::string_view text, std::string_view separator) {
  size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, text};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

json::array ExtractIssues(std::string_view driver_log) {
  json::array issues;
  auto lines = Lines(driver_log);
  for (size_t i = 0; i < lines.size() && issues.size() < kMaxIssues; ++i) {
    std::string_view level, rest;
    if (ParseLog4jLine(lines[i], level, rest) && (level == "ERROR" || level == "WARN")) {
      std::string stack, type;
      size_t j = i + 1;
      for (; j < lines.size(); ++j) {
        std::string_view next_level, next_rest;
        if (ParseLog4jLine(lines[j], next_level, next_rest)) break;
        std::string exception = ExceptionClass(lines[j]);
        if (!IsStackLine(lines[j]) && exception.empty()) break;
        if (type.empty()) type = exception;
        if (j - i <= kMaxStackLines) {
          stack += lines[j];
          stack += '\n';
        }
      }
      bool warn = level == "WARN";
      if (!warn || !stack.empty()) {
        auto [logger, message] = SplitAt(rest, ": ");
        issues.push_back({{"errorType", type.empty() ? std::string(logger) : type},
                          {"severity", warn ? "WARNING" : "ERROR"},
                          {"abstract", std::string(message)},
                          {"stacktrace", stack}});
      }
      i = j - 1;
    } else if (lines[i].rfind("Traceback (most recent call last)", 0) == 0) {
      // Indented frames follow; the first unindented line is "ValueError: message".
      std::string stack(lines[i]);
      stack += '\n';
      size_t j = i + 1;
      while (j < lines.size() && !lines[j].empty() && (lines[j][0] == ' ' || lines[j][0] == '\t')) {
        if (j - i < kMaxStackLines) {
          stack += lines[j];
          stack += '\n';
        }
        ++j;
      }
      std::string_view last = j < lines.size() ? lines[j] : std::string_view();
      stack += last;
      auto [type, message] = SplitAt(last, ": ");
      issues.push_back({{"errorType", std::string(type)},
                        {"severity", "ERROR"},
                        {"abstract", std::string(message)},
                        {"stacktrace", stack}});
      i = j;
    }
  }
  return issues;
}

json::array ConfigIssues(const std::vector<std::string>& warnings) {
  json::array issues;
  for (const auto& w : warnings) {
    issues.push_back(json::object{{"errorType", "CONFIG"}, {"severity", "WARNING"}, {"abstract", w}, {"stacktrace", ""}});
  }
  return issues;
}

json::array KeptConfigIssues(std::string_view issues_json) {
  json::error_code ec;
  json::value stored = json::parse(issues_json, ec);
  json::array kept;
  if (ec || !stored.is_array()) return kept;
  for (auto& issue : stored.as_array()) {
    if (issue.is_object() && issue.as_object().contains("errorType") && issue.at("errorType") == "CONFIG") {
      kept.push_back(issue);
    }
  }
  return kept;
}

bool HasErrors(const json::array& issues) {
  for (auto& issue : issues)
    if (issue.is_object() && issue.as_object().contains("severity") && issue.at("severity") == "ERROR") return true;
  return false;
}

}  // namespace sparkplane::control
