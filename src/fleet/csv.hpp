// Minimal CSV reading for fleet inputs: header lookup and per-line field access with
// errors that name file and line. No quoting beyond plain "..." fields without commas inside.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::fleet {

class CsvTable {
 public:
  // Splits text into lines; the first non-empty line is the header.
  static Result<CsvTable> Parse(std::string_view text, std::string_view file_name);

  // Column index of name, or -1.
  int Column(std::string_view name) const;
  // Fails naming the missing column if any of names is absent.
  Status Require(const std::vector<std::string_view>& names) const;

  size_t RowCount() const { return rows_.size(); }
  const std::vector<std::string_view>& Row(size_t i) const { return rows_[i]; }

  // Field accessors: fail with "file:line: column 'x': ..." on bad values.
  Result<double> Double(size_t row, int column) const;
  Result<int64_t> Int(size_t row, int column) const;
  std::string_view Text(size_t row, int column) const;
  Error RowError(size_t row, std::string_view what) const;

 private:
  std::string file_name_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string_view>> rows_;
  std::vector<int> lines_;
};

}  // namespace sparkplane::fleet
