// Streaming event-log parser: one JSON line at a time (simdjson On-Demand) into an AppModel,
// with the semantics of Spark's AppStatusListener. Unknown events and fields are skipped and
// counted; a line that fails to parse is counted and never half-applied.
#pragma once

#include <memory>
#include <string_view>

#include "eventlog/log_files.hpp"
#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

struct BuilderOptions {
  bool keep_tasks = true;  // false: per-task rows are dropped once aggregated (summary mode)
};

class AppBuilder final : public LineSink {
 public:
  explicit AppBuilder(BuilderOptions options = {});
  ~AppBuilder() override;
  AppBuilder(const AppBuilder&) = delete;
  AppBuilder& operator=(const AppBuilder&) = delete;

  // `line` must be followed by kLinePadding readable bytes (LogReader guarantees it).
  void OnLine(std::string_view line) override;
  // Same, for a line without that guarantee (copies it).
  void OnUnpaddedLine(std::string_view line);

  const AppModel& model() const { return *model_; }
  AppModel& mutable_model() { return *model_; }

 private:
  struct Impl;
  std::unique_ptr<AppModel> model_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparkplane::eventlog
