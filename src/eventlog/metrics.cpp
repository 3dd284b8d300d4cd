#include "eventlog/metrics.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "eventlog/json_writer.hpp"

namespace sparkplane::eventlog {
namespace {

constexpr size_t kMaxBuckets = 20000;

void AddIo(IoTotals& io, const TaskMetricValues& m) {
  io.input_bytes += m[kInputBytesRead];
  io.input_records += m[kInputRecordsRead];
  io.output_bytes += m[kOutputBytesWritten];
  io.output_records += m[kOutputRecordsWritten];
  io.shuffle_read_local_bytes += m[kShuffleLocalBytesRead];
  io.shuffle_read_remote_bytes += m[kShuffleRemoteBytesRead];
  io.shuffle_read_records += m[kShuffleRecordsRead];
  io.shuffle_fetch_wait_ms += m[kShuffleFetchWaitTime];
  io.shuffle_write_bytes += m[kShuffleBytesWritten];
  io.shuffle_write_records += m[kShuffleRecordsWritten];
  io.shuffle_write_time_ns += m[kShuffleWriteTime];
  io.memory_spilled_bytes += m[kMemoryBytesSpilled];
  io.disk_spilled_bytes += m[kDiskBytesSpilled];
}

const std::string* Prop(const AppModel& app, std::string_view key) {
  for (const auto& [k, v] : app.environment.spark) {
    if (k == key) return &v;
  }
  return nullptr;
}

// Adds `weight` × overlap of [begin, end) with each bucket, in bucket units.
void Spread(std::vector<double>& series, int64_t origin, int64_t bucket_ms, int64_t begin,
            int64_t end, double weight) {
  if (end <= begin || series.empty()) return;
  begin = std::max(begin, origin);
  int64_t limit = origin + static_cast<int64_t>(series.size()) * bucket_ms;
  end = std::min(end, limit);
  while (begin < end) {
    size_t b = static_cast<size_t>((begin - origin) / bucket_ms);
    int64_t bucket_end = origin + static_cast<int64_t>(b + 1) * bucket_ms;
    int64_t stop = std::min(end, bucket_end);
    series[b] += weight * static_cast<double>(stop - begin) / static_cast<double>(bucket_ms);
    begin = stop;
  }
}

void WriteIo(JsonWriter& w, const IoTotals& io) {
  w.Key("io");
  w.BeginObject();
  w.Field("inputBytes", io.input_bytes);
  w.Field("inputRecords", io.input_records);
  w.Field("outputBytes", io.output_bytes);
  w.Field("outputRecords", io.output_records);
  w.Field("shuffleReadLocalBytes", io.shuffle_read_local_bytes);
  w.Field("shuffleReadRemoteBytes", io.shuffle_read_remote_bytes);
  w.Field("shuffleReadRecords", io.shuffle_read_records);
  w.Field("shuffleFetchWaitMs", io.shuffle_fetch_wait_ms);
  w.Field("shuffleWriteBytes", io.shuffle_write_bytes);
  w.Field("shuffleWriteRecords", io.shuffle_write_records);
  w.Field("shuffleWriteTimeNs", io.shuffle_write_time_ns);
  w.Field("memorySpilledBytes", io.memory_spilled_bytes);
  w.Field("diskSpilledBytes", io.disk_spilled_bytes);
  w.EndObject();
}

}  // namespace

std::optional<int64_t> ParseSparkMemory(std::string_view text, bool default_mib) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  std::string unit(p, text.data() + text.size());
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.ends_with("b") && unit.size() == 2) unit.pop_back();
  int64_t mult;
  if (unit.empty())
    mult = default_mib ? (1 << 20) : 1;
  else if (unit == "b")
    mult = 1;
  else if (unit == "k")
    mult = int64_t{1} << 10;
  else if (unit == "m")
    mult = int64_t{1} << 20;
  else if (unit == "g")
    mult = int64_t{1} << 30;
  else if (unit == "t")
    mult = int64_t{1} << 40;
  else
    return std::nullopt;
  return value * mult;
}

AppMetrics ComputeAppMetrics(const AppModel& app, bool completed) {
  AppMetrics m;
  m.app_id = app.app_id;
  m.attempt_id = app.attempt_id;
  m.completed = completed;
  m.start_time = app.start_time;
  m.end_time = app.ended ? app.end_time : app.last_event_time;
  if (m.start_time < 0) m.start_time = m.end_time;
  m.duration_ms = std::max<int64_t>(0, m.end_time - m.start_time);
  m.jobs = static_cast<int32_t>(app.jobs.size());
  m.stages = static_cast<int32_t>(app.stages.size());
  m.executors = static_cast<int32_t>(app.executors.size());

  int64_t run_ms = 0, cpu_ns = 0, gc_ms = 0;
  for (const auto& [key, s] : app.stages) {
    StageMetrics sm;
    sm.stage_id = key.first;
    sm.attempt_id = key.second;
    sm.name = s.name;
    sm.status = std::string(StageStatusName(s.status));
    sm.tasks = s.completed_tasks + s.failed_tasks + s.killed_tasks + s.active_tasks;
    sm.task_seconds = static_cast<double>(s.metrics[kExecutorRunTime]) / 1000.0;
    sm.cpu_seconds = static_cast<double>(s.metrics[kExecutorCpuTime]) / 1e9;
    sm.gc_seconds = static_cast<double>(s.metrics[kJvmGcTime]) / 1000.0;
    if (s.submission_time && s.completion_time)
      sm.duration_ms = *s.completion_time - *s.submission_time;
    AddIo(sm.io, s.metrics);
    AddIo(m.io, s.metrics);
    run_ms += s.metrics[kExecutorRunTime];
    cpu_ns += s.metrics[kExecutorCpuTime];
    gc_ms += s.metrics[kJvmGcTime];
    m.tasks += sm.tasks;
    m.failed_tasks += s.failed_tasks;
    m.per_stage.push_back(std::move(sm));
  }
  m.task_seconds = static_cast<double>(run_ms) / 1000.0;
  m.cpu_seconds = static_cast<double>(cpu_ns) / 1e9;
  m.gc_seconds = static_cast<double>(gc_ms) / 1000.0;

  int64_t exec_request = 0, driver_request = 0;
  if (auto* mem = Prop(app, "spark.executor.memory")) {
    int64_t heap = ParseSparkMemory(*mem).value_or(0);
    int64_t overhead = std::max<int64_t>(int64_t{384} << 20, heap / 10);
    if (auto* o = Prop(app, "spark.executor.memoryOverhead"))
      overhead = ParseSparkMemory(*o).value_or(overhead);
    exec_request = heap + overhead;
  }
  if (auto* mem = Prop(app, "spark.driver.memory"))
    driver_request = ParseSparkMemory(*mem).value_or(0);

  while (m.duration_ms / m.bucket_ms > static_cast<int64_t>(kMaxBuckets)) m.bucket_ms *= 2;
  size_t buckets = static_cast<size_t>((m.duration_ms + m.bucket_ms - 1) / m.bucket_ms);
  m.running_tasks.assign(buckets, 0.0);
  m.active_executor_cores.assign(buckets, 0.0);

  for (const auto& [id, e] : app.executors) {
    int64_t end = e.remove_time ? *e.remove_time : m.end_time;
    double uptime = static_cast<double>(std::max<int64_t>(0, end - e.add_time)) / 1000.0;
    m.core_seconds += e.total_cores * uptime;
    if (!e.remove_time) m.active_cores += e.total_cores;
    Spread(m.active_executor_cores, m.start_time, m.bucket_ms, e.add_time, end, e.total_cores);
    ExecutorMemory em;
    em.id = id;
    em.cores = e.total_cores;
    em.uptime_seconds = uptime;
    em.request_bytes = id == "driver" ? driver_request : exec_request;
    em.has_peaks = e.peak.set;
    if (e.peak.set) {
      const auto& v = e.peak.values;
      em.peak_jvm_heap = v[0];
      em.peak_jvm_off_heap = v[1];
      em.peak_rss_jvm = v[11];
      em.peak_rss_python = v[13];
      em.peak_rss_other = v[15];
    }
    m.memory.push_back(std::move(em));
  }
  for (const Task& t : app.tasks) {
    int64_t end = t.finished() ? t.finish_time : m.end_time;
    Spread(m.running_tasks, m.start_time, m.bucket_ms, t.launch_time, end, 1.0);
  }
  if (m.core_seconds > 0) {
    m.efficiency = m.task_seconds / m.core_seconds;
    m.cpu_utilisation = m.cpu_seconds / m.core_seconds;
  }
  if (run_ms > 0) m.gc_share = static_cast<double>(gc_ms) / static_cast<double>(run_ms);
  return m;
}

std::string AppMetricsJson(const AppMetrics& m) {
  JsonWriter w;
  w.BeginObject();
  w.Field("appId", m.app_id);
  w.OptField("attemptId", m.attempt_id);
  w.Field("completed", m.completed);
  w.Field("startTime", m.start_time);
  w.Field("endTime", m.end_time);
  w.Field("durationMs", m.duration_ms);
  w.Field("coreSeconds", m.core_seconds);
  w.Field("taskSeconds", m.task_seconds);
  w.Field("cpuSeconds", m.cpu_seconds);
  w.Field("gcSeconds", m.gc_seconds);
  w.Field("efficiency", m.efficiency);
  w.Field("cpuUtilisation", m.cpu_utilisation);
  w.Field("gcShare", m.gc_share);
  w.Field("activeCores", m.active_cores);
  w.Field("jobs", m.jobs);
  w.Field("stages", m.stages);
  w.Field("tasks", m.tasks);
  w.Field("failedTasks", m.failed_tasks);
  w.Field("executors", m.executors);
  WriteIo(w, m.io);
  w.Key("memory");
  w.BeginArray();
  for (const auto& e : m.memory) {
    w.BeginObject();
    w.Field("executorId", e.id);
    w.Field("cores", e.cores);
    w.Field("uptimeSeconds", e.uptime_seconds);
    w.Field("requestBytes", e.request_bytes);
    if (e.has_peaks) {
      w.Field("peakJvmHeapBytes", e.peak_jvm_heap);
      w.Field("peakJvmOffHeapBytes", e.peak_jvm_off_heap);
      w.Field("peakRssJvmBytes", e.peak_rss_jvm);
      w.Field("peakRssPythonBytes", e.peak_rss_python);
      w.Field("peakRssOtherBytes", e.peak_rss_other);
      int64_t rss = e.peak_rss_jvm + e.peak_rss_python + e.peak_rss_other;
      if (e.request_bytes > 0 && rss > 0) {
        w.Field("peakRssOfRequest",
                static_cast<double>(rss) / static_cast<double>(e.request_bytes));
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("stages");
  w.BeginArray();
  for (const auto& s : m.per_stage) {
    w.BeginObject();
    w.Field("stageId", s.stage_id);
    w.Field("attemptId", s.attempt_id);
    w.Field("name", s.name);
    w.Field("status", s.status);
    w.Field("tasks", s.tasks);
    w.Field("durationMs", s.duration_ms);
    w.Field("taskSeconds", s.task_seconds);
    w.Field("cpuSeconds", s.cpu_seconds);
    w.Field("gcSeconds", s.gc_seconds);
    WriteIo(w, s.io);
    w.EndObject();
  }
  w.EndArray();
  w.Key("timeSeries");
  w.BeginObject();
  w.Field("startTime", m.start_time);
  w.Field("bucketMs", m.bucket_ms);
  w.Key("runningTasks");
  w.BeginArray();
  for (double v : m.running_tasks) w.Double(v);
  w.EndArray();
  w.Key("activeExecutorCores");
  w.BeginArray();
  for (double v : m.active_executor_cores) w.Double(v);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return w.Take();
}

}  // namespace sparkplane::eventlog
