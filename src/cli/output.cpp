#include "cli/output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <iostream>

#include "common/util.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace {

int64_t MillisOf(const json::value& app, std::string_view key) {
  auto t = ParseIsoMillis(Str(app, key));
  return t ? *t : 0;
}

}  // namespace

std::string Str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  auto* m = v.as_object().if_contains(key);
  if (!m || m->is_null()) return "";
  if (m->is_string()) return std::string(m->as_string());
  return json::serialize(*m);
}

std::string Str2(const json::value& v, std::string_view outer, std::string_view inner) {
  if (!v.is_object()) return "";
  auto* m = v.as_object().if_contains(outer);
  return m ? Str(*m, inner) : "";
}

std::string Duration(const json::value& app) {
  int64_t start = MillisOf(app, "startedAt");
  if (start == 0) return "-";
  int64_t end = MillisOf(app, "endedAt");
  int64_t seconds = std::max<int64_t>(0, ((end ? end : NowMillis()) - start) / 1000);
  return seconds >= 60 ? fmt::format("{}m{:02}s", seconds / 60, seconds % 60)
                       : fmt::format("{}s", seconds);
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::cout << FormatTable(rows);
}

void PrintJson(const json::value& v) { std::cout << json::serialize(v) << "\n"; }

void PrintApp(const json::value& app) {
  std::vector<std::vector<std::string>> rows = {
      {"id", Str(app, "id")},
      {"job", Str2(app, "job", "id")},
      {"state", Str(app, "appState")},
      {"created", Str(app, "createdAt")},
      {"started", Str(app, "startedAt")},
      {"ended", Str(app, "endedAt")},
      {"duration", Duration(app)},
  };
  if (auto t = Str2(app, "configurationTemplate", "id"); !t.empty())
    rows.push_back({"template", t});
  if (auto id = Str(app, "sparkAppId"); !id.empty()) rows.push_back({"spark app", id});
  if (auto code = Str(app, "exitCode"); !code.empty()) rows.push_back({"exit code", code});
  PrintTable(rows);
  if (auto error = Str(app, "errorMessage"); !error.empty()) {
    std::cout << "error:\n" << error << (error.back() == '\n' ? "" : "\n");
  }
}

}  // namespace sparkplane::cli
