#include "fleet/csv.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace sparkplane::fleet {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(Trim(line.substr(start)));
      return out;
    }
    out.push_back(Trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

}  // namespace

Result<CsvTable> CsvTable::Parse(std::string_view text, std::string_view file_name) {
  CsvTable table;
  table.file_name_ = std::string(file_name);
  size_t pos = 0;
  int line_no = 0;
  bool have_header = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (Trim(line).empty() || line.front() == '#') continue;
    auto fields = Split(line);
    if (!have_header) {
      for (auto f : fields) table.header_.emplace_back(f);
      have_header = true;
      continue;
    }
    if (fields.size() != table.header_.size()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}:{}: expected {} fields, found {}", file_name, line_no,
                              table.header_.size(), fields.size()));
    }
    table.rows_.push_back(std::move(fields));
    table.lines_.push_back(line_no);
  }
  if (!have_header) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: empty file, no header", file_name));
  }
  return table;
}

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Status CsvTable::Require(const std::vector<std::string_view>& names) const {
  for (auto n : names) {
    if (Column(n) < 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}:1: missing column '{}' in header", file_name_, n));
    }
  }
  return Ok();
}

Error CsvTable::RowError(size_t row, std::string_view what) const {
  return Error{ErrorCode::kInvalidArgument, fmt::format("{}:{}: {}", file_name_, lines_[row], what),
               {}};
}

std::string_view CsvTable::Text(size_t row, int column) const { return rows_[row][column]; }

Result<double> CsvTable::Double(size_t row, int column) const {
  std::string_view s = rows_[row][column];
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    return tl::unexpected(
        RowError(row, fmt::format("column '{}': not a number: '{}'", header_[column], s)));
  }
  return v;
}

Result<int64_t> CsvTable::Int(size_t row, int column) const {
  std::string_view s = rows_[row][column];
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return tl::unexpected(
        RowError(row, fmt::format("column '{}': not an integer: '{}'", header_[column], s)));
  }
  return v;
}

}  // namespace sparkplane::fleet
