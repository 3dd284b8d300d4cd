// Live tailing for apps sparkplane runs: the model follows a growing event log, reading only
// the bytes appended since the last poll. The same AppLog can be registered with a Catalog so
// the History Server API answers from the live model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "eventlog/catalog.hpp"

namespace sparkplane::eventlog {

// What the app object's metrics.spark and cores fields show (Ocean Spark's names in comments).
struct LiveSummary {
  std::string app_id;
  bool started = false;                     // ApplicationStart seen
  bool completed = false;                   // log finished (no longer .inprogress)
  double spark_cores_duration_seconds = 0;  // sparkCoresDurationSeconds: Σ cores × uptime
  int64_t input_data_bytes = 0;             // inputDataBytes
  int64_t output_data_bytes = 0;            // outputDataBytes
  double efficiency_percent = 0;            // efficiencyPercent: task time / core time × 100
  int32_t cores = 0;                        // cores of executors alive now
  int32_t executors = 0;                    // executors alive now (driver excluded)
  int32_t jobs = 0, completed_jobs = 0, stages = 0, tasks = 0, running_tasks = 0;
  uint64_t events = 0;
  uint64_t decoded_bytes = 0;  // uncompressed log bytes consumed so far
};

class LiveApp {
 public:
  // `log` may not exist yet (the app has not started writing); Poll() then reports nothing.
  explicit LiveApp(std::filesystem::path log);

  // Consumes new bytes and returns the summary. For a running app, executor uptime runs to
  // `now_ms` (default: the wall clock). Thread-safe.
  Result<LiveSummary> Poll(std::optional<int64_t> now_ms = std::nullopt);

  // The underlying log, e.g. for Catalog::Register(app.log()).
  std::shared_ptr<AppLog> log() const { return log_; }

 private:
  std::shared_ptr<AppLog> log_;
};

// The summary of a model (exposed for tests and `eventlog stats`).
LiveSummary Summarize(const AppModel& app, bool completed, int64_t now_ms);

}  // namespace sparkplane::eventlog
