// Derived application metrics (definitions fixed in DESIGN.md "Observability numbers"):
// core-seconds = Σ executors cores × uptime; task-seconds = Σ task run time;
// efficiency = task-seconds / core-seconds; CPU utilisation = Σ executor CPU time / core-seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

struct IoTotals {
  int64_t input_bytes = 0, input_records = 0, output_bytes = 0, output_records = 0;
  int64_t shuffle_read_local_bytes = 0, shuffle_read_remote_bytes = 0, shuffle_read_records = 0,
          shuffle_fetch_wait_ms = 0;
  int64_t shuffle_write_bytes = 0, shuffle_write_records = 0, shuffle_write_time_ns = 0;
  int64_t memory_spilled_bytes = 0, disk_spilled_bytes = 0;
};

struct StageMetrics {
  int32_t stage_id = 0, attempt_id = 0;
  std::string name;
  std::string status;
  int32_t tasks = 0;
  double task_seconds = 0, cpu_seconds = 0, gc_seconds = 0;
  int64_t duration_ms = 0;
  IoTotals io;
};

struct ExecutorMemory {
  std::string id;
  int32_t cores = 0;
  double uptime_seconds = 0;
  int64_t request_bytes = 0;  // heap + overhead requested (0 if unknown)
  int64_t peak_jvm_heap = 0, peak_jvm_off_heap = 0, peak_rss_jvm = 0, peak_rss_python = 0,
          peak_rss_other = 0;
  bool has_peaks = false;
};

struct AppMetrics {
  std::string app_id;
  std::optional<std::string> attempt_id;
  bool completed = false;
  int64_t start_time = 0, end_time = 0, duration_ms = 0;
  double core_seconds = 0, task_seconds = 0, cpu_seconds = 0, gc_seconds = 0;
  double efficiency = 0;       // task-seconds / core-seconds, 0..1 (0 if no cores)
  double cpu_utilisation = 0;  // CPU seconds / core-seconds
  double gc_share = 0;         // GC time / task time
  int32_t active_cores = 0;    // cores of executors alive at the end of the log
  int32_t jobs = 0, stages = 0, tasks = 0, failed_tasks = 0, executors = 0;
  IoTotals io;
  std::vector<StageMetrics> per_stage;
  std::vector<ExecutorMemory> memory;
  // Time series from start_time in buckets of bucket_ms: average running tasks and active
  // executor cores in each bucket.
  int64_t bucket_ms = 1000;
  std::vector<double> running_tasks;
  std::vector<double> active_executor_cores;
};

// `completed`: the log is finished (end = ApplicationEnd, else the last event seen).
AppMetrics ComputeAppMetrics(const AppModel& app, bool completed);
std::string AppMetricsJson(const AppMetrics& m);

// Spark memory strings ("4g", "512m", "1024k", "100") to bytes; plain numbers are MiB for
// executor/driver memory settings, like Spark.
std::optional<int64_t> ParseSparkMemory(std::string_view text, bool default_mib = true);

}  // namespace sparkplane::eventlog
