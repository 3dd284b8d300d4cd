// Columnar time series of one application for the console's charts, bucketed on the server to a
// requested width (console.md §4.2 A1, A2, A4):
// - cores / tasks: the peak (max) allocated executor cores and running tasks within each bucket;
// - core usage breakdown: average cores busy in each category per bucket, from task metrics
//   spread evenly over each task's run (CPU = executor CPU time; GC = JVM GC time; shuffle =
//   fetch wait + shuffle write time; internals = deserialization + result serialization +
//   getting result + scheduler delay; I/O = the rest of the run time; running = tasks not yet
//   finished, whose breakdown is unknown), then idle = allocated − busy, split into "all cores
//   idle" (no task running) and "some cores idle";
// - the job and stage spans for the Gantt on the same axis.
// Times are milliseconds from the app's start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

struct Span {
  int32_t id = 0;
  int32_t attempt = 0;
  std::string name;
  std::string status;
  int64_t start = 0, end = 0;    // end = the series end while still running
  std::vector<int32_t> parents;  // a stage's job ids
};

struct AppSeries {
  int64_t start_time = 0;  // epoch millis of t = 0
  int64_t duration_ms = 0;
  int64_t bucket_ms = 1;
  std::vector<int64_t> t;  // bucket starts, ms from start_time
  std::vector<double> cores, tasks;
  std::vector<double> cpu, io, shuffle, gc, internals, running, some_idle, all_idle;
  // Totals of each category over the whole app in core-milliseconds (the 100 % bar).
  double total_cpu = 0, total_io = 0, total_shuffle = 0, total_gc = 0, total_internals = 0,
         total_running = 0, total_some_idle = 0, total_all_idle = 0;
  double peak_cores = 0, peak_tasks = 0;
  std::vector<Span> jobs, stages;
};

// `width`: the number of buckets wanted (at least 1); fewer when the app is shorter than
// `width` milliseconds. `completed`: the log is finished (else the series ends at its last
// event).
AppSeries ComputeAppSeries(const AppModel& app, bool completed, int width);
std::string AppSeriesJson(const AppSeries& series);

}  // namespace sparkplane::eventlog
