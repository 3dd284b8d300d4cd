// Streaming event-log parser: one JSON line at a time (simdjson On-Demand) into an AppModel,
// with the semantics of Spark's AppStatusListener. Unknown events and fields are skipped and
// counted; a line that fails to parse is counted and never half-applied.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "eventlog/log_files.hpp"
#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

struct BuilderOptions {
  bool keep_tasks = true;  // false: per-task rows are dropped once aggregated (summary mode)
  // Threads parsing TaskStart/TaskEnd lines of large texts (applied in log order on the
  // calling thread, which parses too). 1 = everything on the calling thread. Large texts are
  // parsed in chunks (task lines find their own ends) with any number of threads.
  int parse_threads = 1;
  size_t parallel_min_bytes = 1 << 20;      // smaller texts are split into lines first
  size_t parallel_chunk_bytes = 256 << 10;  // texts are cut into chunks of about this size
  size_t chunks_ahead = 8;                  // parsed chunks waiting to be applied, at most
  // TaskStart and successful TaskEnd lines in Spark's own layout are read without the JSON
  // parser (same model; off only to compare both paths).
  bool fast_task_events = true;
  // ... and through templates learned from the lines before them (same model; off only to
  // compare).
  bool task_line_templates = true;
};

class AppBuilder final : public LineSink {
 public:
  explicit AppBuilder(BuilderOptions options = {});
  ~AppBuilder() override;
  AppBuilder(const AppBuilder&) = delete;
  AppBuilder& operator=(const AppBuilder&) = delete;

  // `line` must be followed by kLinePadding readable bytes (LogReader guarantees it).
  void OnLine(std::string_view line) override;
  // Big texts are parsed in chunks, in parallel with parse_threads > 1 (same model as lines).
  void OnText(std::string_view text) override;
  // Same, for a line without that guarantee (copies it).
  void OnUnpaddedLine(std::string_view line);
  // Stops the parsing threads and frees their buffers; the next big text starts them again.
  // For builders kept after their log is complete, so idle apps hold no threads.
  void ReleaseParser();

  const AppModel& model() const { return *model_; }
  AppModel& mutable_model() { return *model_; }

 private:
  struct Impl;
  std::unique_ptr<AppModel> model_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparkplane::eventlog
