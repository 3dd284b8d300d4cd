#include "eventlog/live.hpp"

#include <algorithm>

#include "common/util.hpp"

namespace sparkplane::eventlog {

LiveSummary Summarize(const AppModel& app, bool completed, int64_t now_ms) {
  LiveSummary s;
  s.app_id = app.app_id;
  s.started = app.start_time >= 0 && !app.app_id.empty();
  s.completed = completed;
  int64_t end = app.ended
                    ? app.end_time
                    : (completed ? app.last_event_time : std::max(now_ms, app.last_event_time));
  double core_seconds = 0;
  for (const auto& [id, e] : app.executors) {
    int64_t stop = e.remove_time ? *e.remove_time : end;
    core_seconds +=
        e.total_cores * static_cast<double>(std::max<int64_t>(0, stop - e.add_time)) / 1000.0;
    if (!e.remove_time && e.active) {
      s.cores += e.total_cores;
      if (id != "driver") ++s.executors;
    }
  }
  int64_t run_ms = 0;
  for (const auto& [key, st] : app.stages) {
    s.input_data_bytes += st.metrics[kInputBytesRead];
    s.output_data_bytes += st.metrics[kOutputBytesWritten];
    run_ms += st.metrics[kExecutorRunTime];
    s.running_tasks += std::max(0, st.active_tasks);
  }
  s.spark_cores_duration_seconds = core_seconds;
  s.efficiency_percent =
      core_seconds > 0 ? 100.0 * static_cast<double>(run_ms) / 1000.0 / core_seconds : 0;
  s.jobs = static_cast<int32_t>(app.jobs.size());
  for (const auto& [id, j] : app.jobs) {
    if (j.status != JobStatus::kRunning) ++s.completed_jobs;
  }
  s.stages = static_cast<int32_t>(app.stages.size());
  s.tasks = static_cast<int32_t>(app.tasks.size());
  s.events = app.counters.events;
  return s;
}

LiveApp::LiveApp(std::filesystem::path log) : log_(std::make_shared<AppLog>(std::move(log))) {}

Result<LiveSummary> LiveApp::Poll(std::optional<int64_t> now_ms) {
  LiveSummary out;
  int64_t now = now_ms.value_or(NowMillis());
  auto st = log_->With([&](const AppModel& app, const LogLayout& layout) {
    out = Summarize(app, !layout.in_progress, now);
  });
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return LiveSummary{};  // not written yet
    return tl::unexpected(st.error());
  }
  out.decoded_bytes = log_->decoded_bytes();
  return out;
}

}  // namespace sparkplane::eventlog
