#include "eventlog/history_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <optional>

#include "eventlog/json_writer.hpp"
#include "eventlog/metrics.hpp"
#include "eventlog/sql_plan.hpp"
#include "eventlog/storage.hpp"
#include "eventlog/zip_stream.hpp"

namespace sparkplane::eventlog {
namespace {

using Segments = std::vector<std::string_view>;

net::Response JsonResponse(std::string body) {
  net::Response r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

net::Response TextError(int status, std::string message) {
  net::Response r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(message);
  return r;
}

Segments SplitPath(std::string_view path) {
  Segments out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::string> QueryFirst(const net::Request& req, std::string_view name) {
  auto it = req.query.find(std::string(name));
  if (it == req.query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> QueryAll(const net::Request& req, std::string_view name) {
  std::vector<std::string> out;
  auto [b, e] = req.query.equal_range(std::string(name));
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

template <class T>
std::optional<T> ParseNumber(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "yyyy-MM-dd'T'HH:mm:ss.SSSz" (zone GMT/UTC/Z) or "yyyy-MM-dd" (GMT).
std::optional<int64_t> ParseQueryDate(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (s.size() < 10) return std::nullopt;
  auto num = [&](size_t pos, size_t len, int& out) {
    auto v = ParseNumber<int>(s.substr(pos, len));
    if (!v) return false;
    out = *v;
    return true;
  };
  if (!num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d)) {
    return std::nullopt;
  }
  if (s.size() > 10) {
    if (s.size() < 23 || s[10] != 'T' || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, sec) ||
        !num(20, 3, ms)) {
      return std::nullopt;
    }
    std::string_view zone = s.substr(23);
    if (!zone.empty() && zone != "GMT" && zone != "UTC" && zone != "Z") return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

void WriteDateField(JsonWriter& w, std::string_view key, std::optional<int64_t> t) {
  if (t) w.Field(key, FormatSparkDate(*t));
}

void WriteStringMap(JsonWriter& w, std::string_view key,
                    const std::vector<std::pair<std::string, std::string>>& m) {
  w.Key(key);
  w.BeginObject();
  for (const auto& [k, v] : m) w.Field(k, v);
  w.EndObject();
}

void WritePairs(JsonWriter& w, std::string_view key, const Properties& props) {
  w.Key(key);
  w.BeginArray();
  for (const auto& [k, v] : props) {
    w.BeginArray();
    w.String(k);
    w.String(v);
    w.EndArray();
  }
  w.EndArray();
}

void WriteExecutorMetrics(JsonWriter& w, std::string_view key, const PeakMetrics& peak) {
  if (!peak.set) return;
  w.Key(key);
  w.BeginObject();
  for (size_t i = 0; i < kExecutorMetricCount; ++i)
    w.Field(kExecutorMetricNames[i], peak.values[i]);
  w.EndObject();
}

void WriteAccumulables(JsonWriter& w, const std::vector<AccumulableUpdate>& accums) {
  w.Key("accumulatorUpdates");
  w.BeginArray();
  for (const auto& a : accums) {
    w.BeginObject();
    w.Field("id", a.id);
    w.Field("name", a.name);
    w.OptField("update", a.update);
    w.Field("value", a.value);
    w.EndObject();
  }
  w.EndArray();
}

// ---- applications ----

struct AppGroup {
  std::string id;
  std::vector<AttemptSummary> attempts;  // start time descending
};

std::vector<AppGroup> GroupApps(std::vector<AttemptSummary> attempts) {
  std::map<std::string, AppGroup> groups;
  for (auto& a : attempts) {
    auto& g = groups[a.app_id];
    g.id = a.app_id;
    g.attempts.push_back(std::move(a));
  }
  std::vector<AppGroup> out;
  for (auto& [id, g] : groups) {
    std::sort(g.attempts.begin(), g.attempts.end(),
              [](const AttemptSummary& a, const AttemptSummary& b) {
                return a.start_time > b.start_time;
              });
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const AppGroup& a, const AppGroup& b) {
    int64_t ea = a.attempts.front().end_time, eb = b.attempts.front().end_time;
    if (ea != eb) return ea > eb;
    return a.id > b.id;
  });
  return out;
}

void WriteApp(JsonWriter& w, const AppGroup& g) {
  w.BeginObject();
  w.Field("id", g.id);
  w.Field("name", g.attempts.front().app_name);
  w.Key("attempts");
  w.BeginArray();
  for (const auto& a : g.attempts) {
    w.BeginObject();
    w.OptField("attemptId", a.attempt_id);
    w.Field("startTime", FormatSparkDate(a.start_time));
    w.Field("endTime", FormatSparkDate(a.end_time));
    w.Field("lastUpdated", FormatSparkDate(a.last_updated));
    w.Field("duration", a.end_time > 0 ? a.end_time - a.start_time : int64_t{0});
    w.Field("sparkUser", a.user);
    w.Field("completed", a.completed);
    w.Field("appSparkVersion", a.spark_version);
    w.Field("startTimeEpoch", a.start_time);
    w.Field("endTimeEpoch", a.end_time);
    w.Field("lastUpdatedEpoch", a.last_updated);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

net::Response ListApplications(Catalog& catalog, const net::Request& req) {
  auto statuses = QueryAll(req, "status");
  bool include_completed = statuses.empty(), include_running = statuses.empty();
  for (const auto& s : statuses) {
    std::string u = Upper(s);
    if (u == "COMPLETED")
      include_completed = true;
    else if (u == "RUNNING")
      include_running = true;
    else
      return TextError(404, fmt::format("unknown status: {}", s));
  }
  auto date_param = [&](std::string_view name, int64_t def) -> std::optional<int64_t> {
    auto v = QueryFirst(req, name);
    if (!v) return def;
    return ParseQueryDate(*v);
  };
  constexpr int64_t kMin = 1262304000000;   // 2010-01-01
  constexpr int64_t kMax = 32503680000000;  // 3000-01-01
  auto min_date = date_param("minDate", kMin), max_date = date_param("maxDate", kMax);
  auto min_end = date_param("minEndDate", kMin), max_end = date_param("maxEndDate", kMax);
  for (auto [name, v] : {std::pair{"minDate", min_date},
                         {"maxDate", max_date},
                         {"minEndDate", min_end},
                         {"maxEndDate", max_end}}) {
    if (!v) {
      return TextError(404,
                       fmt::format("Couldn't parse date: {}", QueryFirst(req, name).value_or("")));
    }
  }
  int64_t limit = std::numeric_limits<int64_t>::max();
  if (auto l = QueryFirst(req, "limit")) {
    auto v = ParseNumber<int64_t>(*l);
    if (!v) return TextError(404, fmt::format("Bad value for parameter \"limit\": {}", *l));
    limit = *v;
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
  JsonWriter w;
  w.BeginArray();
  int64_t count = 0;
  for (const auto& g : GroupApps(catalog.List())) {
    if (count >= limit) break;
    bool any_running = !g.attempts.front().completed;
    if (!((!any_running && include_completed) || (any_running && include_running))) continue;
    bool in_range = std::any_of(g.attempts.begin(), g.attempts.end(), [&](const AttemptSummary& a) {
      bool start_ok = a.start_time >= *min_date && a.start_time <= *max_date;
      bool end_ok =
          any_running ? *max_end > now : (a.end_time >= *min_end && a.end_time <= *max_end);
      return start_ok && end_ok;
    });
    if (!in_range) continue;
    WriteApp(w, g);
    ++count;
  }
  w.EndArray();
  return JsonResponse(w.Take());
}

// ---- jobs ----

void WriteJob(JsonWriter& w, const Job& j) {
  w.BeginObject();
  w.Field("jobId", j.job_id);
  w.Field("name", j.name);
  w.OptField("description", j.description);
  WriteDateField(w, "submissionTime", j.submission_time);
  WriteDateField(w, "completionTime", j.completion_time);
  w.Key("stageIds");
  w.BeginArray();
  for (int32_t id : j.stage_ids) w.Int(id);
  w.EndArray();
  w.OptField("jobGroup", j.job_group);
  w.Key("jobTags");
  w.BeginArray();
  for (const auto& t : j.job_tags) w.String(t);
  w.EndArray();
  w.Field("status", JobStatusName(j.status));
  w.Field("numTasks", j.num_tasks);
  w.Field("numActiveTasks", j.active_tasks);
  w.Field("numCompletedTasks", j.completed_tasks);
  w.Field("numSkippedTasks", j.skipped_tasks);
  w.Field("numFailedTasks", j.failed_tasks);
  w.Field("numKilledTasks", j.killed_tasks);
  w.Field("numCompletedIndices", j.num_completed_indices);
  w.Field("numActiveStages", j.active_stages);
  w.Field("numCompletedStages", static_cast<int64_t>(j.completed_stages.size()));
  w.Field("numSkippedStages", static_cast<int64_t>(j.skipped_stages.size()));
  w.Field("numFailedStages", j.failed_stages);
  w.Key("killedTasksSummary");
  w.BeginObject();
  for (const auto& [k, v] : j.killed_summary) w.Field(k, v);
  w.EndObject();
  w.EndObject();
}

// ---- tasks ----

void WriteTaskMetricsObject(JsonWriter& w, const TaskMetricValues& m) {
  w.Key("taskMetrics");
  w.BeginObject();
  w.Field("executorDeserializeTime", m[kExecutorDeserializeTime]);
  w.Field("executorDeserializeCpuTime", m[kExecutorDeserializeCpuTime]);
  w.Field("executorRunTime", m[kExecutorRunTime]);
  w.Field("executorCpuTime", m[kExecutorCpuTime]);
  w.Field("resultSize", m[kResultSize]);
  w.Field("jvmGcTime", m[kJvmGcTime]);
  w.Field("resultSerializationTime", m[kResultSerializationTime]);
  w.Field("memoryBytesSpilled", m[kMemoryBytesSpilled]);
  w.Field("diskBytesSpilled", m[kDiskBytesSpilled]);
  w.Field("peakExecutionMemory", m[kPeakExecutionMemory]);
  w.Key("inputMetrics");
  w.BeginObject();
  w.Field("bytesRead", m[kInputBytesRead]);
  w.Field("recordsRead", m[kInputRecordsRead]);
  w.EndObject();
  w.Key("outputMetrics");
  w.BeginObject();
  w.Field("bytesWritten", m[kOutputBytesWritten]);
  w.Field("recordsWritten", m[kOutputRecordsWritten]);
  w.EndObject();
  w.Key("shuffleReadMetrics");
  w.BeginObject();
  w.Field("remoteBlocksFetched", m[kShuffleRemoteBlocksFetched]);
  w.Field("localBlocksFetched", m[kShuffleLocalBlocksFetched]);
  w.Field("fetchWaitTime", m[kShuffleFetchWaitTime]);
  w.Field("remoteBytesRead", m[kShuffleRemoteBytesRead]);
  w.Field("remoteBytesReadToDisk", m[kShuffleRemoteBytesReadToDisk]);
  w.Field("localBytesRead", m[kShuffleLocalBytesRead]);
  w.Field("recordsRead", m[kShuffleRecordsRead]);
  w.Field("remoteReqsDuration", m[kShuffleRemoteReqsDuration]);
  w.Key("shufflePushReadMetrics");
  w.BeginObject();
  w.Field("corruptMergedBlockChunks", m[kPushCorruptMergedBlockChunks]);
  w.Field("mergedFetchFallbackCount", m[kPushMergedFetchFallbackCount]);
  w.Field("remoteMergedBlocksFetched", m[kPushMergedRemoteBlocksFetched]);
  w.Field("localMergedBlocksFetched", m[kPushMergedLocalBlocksFetched]);
  w.Field("remoteMergedChunksFetched", m[kPushMergedRemoteChunksFetched]);
  w.Field("localMergedChunksFetched", m[kPushMergedLocalChunksFetched]);
  w.Field("remoteMergedBytesRead", m[kPushMergedRemoteBytesRead]);
  w.Field("localMergedBytesRead", m[kPushMergedLocalBytesRead]);
  w.Field("remoteMergedReqsDuration", m[kPushMergedRemoteReqsDuration]);
  w.EndObject();
  w.EndObject();
  w.Key("shuffleWriteMetrics");
  w.BeginObject();
  w.Field("bytesWritten", m[kShuffleBytesWritten]);
  w.Field("writeTime", m[kShuffleWriteTime]);
  w.Field("recordsWritten", m[kShuffleRecordsWritten]);
  w.EndObject();
  w.EndObject();
}

int64_t TaskDuration(const AppModel& app, const Task& t) {
  if (t.finished()) return t.Duration();
  return std::max<int64_t>(0, app.last_event_time - t.launch_time);
}

void WriteTask(JsonWriter& w, const AppModel& app, const Task& t) {
  w.BeginObject();
  w.Field("taskId", t.task_id);
  w.Field("index", t.index);
  w.Field("attempt", t.attempt);
  w.Field("partitionId", t.partition_id);
  w.Field("launchTime", FormatSparkDate(t.launch_time));
  if (t.fetch_start_time > 0) w.Field("resultFetchStart", FormatSparkDate(t.fetch_start_time));
  w.Field("duration", TaskDuration(app, t));
  const std::string& exec = app.Str(t.executor);
  w.Field("executorId", exec);
  w.Field("host", app.Str(t.host));
  w.Field("status", t.Status());
  w.Field("taskLocality", app.Str(t.locality));
  w.Field("speculative", t.speculative);
  WriteAccumulables(w, t.accumulables);
  w.OptField("errorMessage", t.error_message);
  if (t.has_metrics) WriteTaskMetricsObject(w, t.metrics);
  const Executor* e = app.FindExecutor(exec);
  WriteStringMap(w, "executorLogs", e ? e->log_urls : Properties{});
  w.Field("schedulerDelay", t.SchedulerDelay());
  w.Field("gettingResultTime", t.GettingResultTime());
  w.EndObject();
}

bool TaskMatchesStatus(const Task& t, const std::vector<std::string>& statuses) {
  if (statuses.empty()) return true;
  std::string_view status = t.Status();
  for (const auto& s : statuses) {
    std::string u = Upper(s);
    if (u == status || (u == "GET_RESULT" && status == "GET RESULT")) return true;
  }
  return false;
}

// Spark's run-time index: successful tasks by run time; others sort below (negated).
int64_t RunTimeIndex(const Task& t) {
  if (!t.has_metrics) return -1;
  int64_t v = t.metrics[kExecutorRunTime];
  return t.successful() ? v : -v - 1;
}

// ---- distributions ----

std::vector<double> Quantiles(std::vector<double> values, const std::vector<double>& qs) {
  std::sort(values.begin(), values.end());
  std::vector<double> out;
  if (values.empty()) return out;
  int64_t n = static_cast<int64_t>(values.size());
  for (double q : qs) {
    int64_t idx = std::min<int64_t>(static_cast<int64_t>(q * static_cast<double>(n)), n - 1);
    out.push_back(values[static_cast<size_t>(std::max<int64_t>(idx, 0))]);
  }
  return out;
}

void WriteDoubles(JsonWriter& w, std::string_view key, const std::vector<double>& v) {
  w.Key(key);
  w.BeginArray();
  for (double d : v) w.Double(d);
  w.EndArray();
}

// Returns false when there is no successful task with metrics (Spark answers 404).
bool WriteTaskSummary(JsonWriter& w, const AppModel& app, const Stage& stage,
                      const std::vector<double>& qs) {
  std::vector<const Task*> tasks;
  for (uint32_t i : stage.tasks) {
    const Task& t = app.tasks[i];
    if (t.has_metrics && t.successful()) tasks.push_back(&t);
  }
  if (tasks.empty()) return false;
  auto dist = [&](auto fn) {
    std::vector<double> v;
    v.reserve(tasks.size());
    for (const Task* t : tasks) v.push_back(static_cast<double>(fn(*t)));
    return Quantiles(std::move(v), qs);
  };
  auto metric = [&](TaskMetric m) { return dist([m](const Task& t) { return t.metrics[m]; }); };
  w.BeginObject();
  WriteDoubles(w, "quantiles", qs);
  WriteDoubles(w, "duration", dist([](const Task& t) { return t.Duration(); }));
  WriteDoubles(w, "executorDeserializeTime", metric(kExecutorDeserializeTime));
  WriteDoubles(w, "executorDeserializeCpuTime", metric(kExecutorDeserializeCpuTime));
  WriteDoubles(w, "executorRunTime", metric(kExecutorRunTime));
  WriteDoubles(w, "executorCpuTime", metric(kExecutorCpuTime));
  WriteDoubles(w, "resultSize", metric(kResultSize));
  WriteDoubles(w, "jvmGcTime", metric(kJvmGcTime));
  WriteDoubles(w, "resultSerializationTime", metric(kResultSerializationTime));
  WriteDoubles(w, "gettingResultTime", dist([](const Task& t) { return t.GettingResultTime(); }));
  WriteDoubles(w, "schedulerDelay", dist([](const Task& t) { return t.SchedulerDelay(); }));
  WriteDoubles(w, "peakExecutionMemory", metric(kPeakExecutionMemory));
  WriteDoubles(w, "memoryBytesSpilled", metric(kMemoryBytesSpilled));
  WriteDoubles(w, "diskBytesSpilled", metric(kDiskBytesSpilled));
  w.Key("inputMetrics");
  w.BeginObject();
  WriteDoubles(w, "bytesRead", metric(kInputBytesRead));
  WriteDoubles(w, "recordsRead", metric(kInputRecordsRead));
  w.EndObject();
  w.Key("outputMetrics");
  w.BeginObject();
  WriteDoubles(w, "bytesWritten", metric(kOutputBytesWritten));
  WriteDoubles(w, "recordsWritten", metric(kOutputRecordsWritten));
  w.EndObject();
  w.Key("shuffleReadMetrics");
  w.BeginObject();
  WriteDoubles(w, "readBytes", dist([](const Task& t) {
                 return t.metrics[kShuffleRemoteBytesRead] + t.metrics[kShuffleLocalBytesRead];
               }));
  WriteDoubles(w, "readRecords", metric(kShuffleRecordsRead));
  WriteDoubles(w, "remoteBlocksFetched", metric(kShuffleRemoteBlocksFetched));
  WriteDoubles(w, "localBlocksFetched", metric(kShuffleLocalBlocksFetched));
  WriteDoubles(w, "fetchWaitTime", metric(kShuffleFetchWaitTime));
  WriteDoubles(w, "remoteBytesRead", metric(kShuffleRemoteBytesRead));
  WriteDoubles(w, "remoteBytesReadToDisk", metric(kShuffleRemoteBytesReadToDisk));
  WriteDoubles(w, "totalBlocksFetched", dist([](const Task& t) {
                 return t.metrics[kShuffleRemoteBlocksFetched] +
                        t.metrics[kShuffleLocalBlocksFetched];
               }));
  WriteDoubles(w, "remoteReqsDuration", metric(kShuffleRemoteReqsDuration));
  w.Key("shufflePushReadMetricsDist");
  w.BeginObject();
  WriteDoubles(w, "corruptMergedBlockChunks", metric(kPushCorruptMergedBlockChunks));
  WriteDoubles(w, "mergedFetchFallbackCount", metric(kPushMergedFetchFallbackCount));
  WriteDoubles(w, "remoteMergedBlocksFetched", metric(kPushMergedRemoteBlocksFetched));
  WriteDoubles(w, "localMergedBlocksFetched", metric(kPushMergedLocalBlocksFetched));
  WriteDoubles(w, "remoteMergedChunksFetched", metric(kPushMergedRemoteChunksFetched));
  WriteDoubles(w, "localMergedChunksFetched", metric(kPushMergedLocalChunksFetched));
  WriteDoubles(w, "remoteMergedBytesRead", metric(kPushMergedRemoteBytesRead));
  WriteDoubles(w, "localMergedBytesRead", metric(kPushMergedLocalBytesRead));
  WriteDoubles(w, "remoteMergedReqsDuration", metric(kPushMergedRemoteReqsDuration));
  w.EndObject();
  w.EndObject();
  w.Key("shuffleWriteMetrics");
  w.BeginObject();
  WriteDoubles(w, "writeBytes", metric(kShuffleBytesWritten));
  WriteDoubles(w, "writeRecords", metric(kShuffleRecordsWritten));
  WriteDoubles(w, "writeTime", metric(kShuffleWriteTime));
  w.EndObject();
  w.EndObject();
  return true;
}

void WriteExecutorDistributions(JsonWriter& w, const Stage& stage, const std::vector<double>& qs) {
  std::vector<const ExecutorStageSummary*> es;
  for (const auto& [id, s] : stage.executor_summaries) es.push_back(&s);
  auto dist = [&](auto fn) {
    std::vector<double> v;
    for (const auto* s : es) v.push_back(static_cast<double>(fn(*s)));
    return Quantiles(std::move(v), qs);
  };
  auto metric = [&](TaskMetric m) {
    return dist([m](const ExecutorStageSummary& s) { return s.metrics[m]; });
  };
  w.Key("executorMetricsDistributions");
  w.BeginObject();
  WriteDoubles(w, "quantiles", qs);
  WriteDoubles(w, "taskTime", dist([](const ExecutorStageSummary& s) { return s.task_time; }));
  WriteDoubles(w, "failedTasks",
               dist([](const ExecutorStageSummary& s) { return s.failed_tasks; }));
  WriteDoubles(w, "succeededTasks",
               dist([](const ExecutorStageSummary& s) { return s.succeeded_tasks; }));
  WriteDoubles(w, "killedTasks",
               dist([](const ExecutorStageSummary& s) { return s.killed_tasks; }));
  WriteDoubles(w, "inputBytes", metric(kInputBytesRead));
  WriteDoubles(w, "inputRecords", metric(kInputRecordsRead));
  WriteDoubles(w, "outputBytes", metric(kOutputBytesWritten));
  WriteDoubles(w, "outputRecords", metric(kOutputRecordsWritten));
  WriteDoubles(w, "shuffleRead", dist([](const ExecutorStageSummary& s) {
                 return s.metrics[kShuffleRemoteBytesRead] + s.metrics[kShuffleLocalBytesRead];
               }));
  WriteDoubles(w, "shuffleReadRecords", metric(kShuffleRecordsRead));
  WriteDoubles(w, "shuffleWrite", metric(kShuffleBytesWritten));
  WriteDoubles(w, "shuffleWriteRecords", metric(kShuffleRecordsWritten));
  WriteDoubles(w, "memoryBytesSpilled", metric(kMemoryBytesSpilled));
  WriteDoubles(w, "diskBytesSpilled", metric(kDiskBytesSpilled));
  w.Key("peakMemoryMetrics");
  w.BeginObject();
  for (size_t i = 0; i < kExecutorMetricCount; ++i) {
    std::vector<double> v;
    for (const auto* s : es) {
      if (s->peak.set) v.push_back(static_cast<double>(s->peak.values[i]));
    }
    WriteDoubles(w, kExecutorMetricNames[i], Quantiles(std::move(v), qs));
  }
  w.EndObject();
  w.EndObject();
}

// ---- stages ----

struct StageOptions {
  bool details = false;
  bool with_summaries = false;
  std::vector<std::string> task_status;
  std::vector<double> quantiles{0.0, 0.25, 0.5, 0.75, 1.0};
};

void WriteExecutorStageSummary(JsonWriter& w, const ExecutorStageSummary& s) {
  const auto& m = s.metrics;
  w.BeginObject();
  w.Field("taskTime", s.task_time);
  w.Field("failedTasks", s.failed_tasks);
  w.Field("succeededTasks", s.succeeded_tasks);
  w.Field("killedTasks", s.killed_tasks);
  w.Field("inputBytes", m[kInputBytesRead]);
  w.Field("inputRecords", m[kInputRecordsRead]);
  w.Field("outputBytes", m[kOutputBytesWritten]);
  w.Field("outputRecords", m[kOutputRecordsWritten]);
  w.Field("shuffleRead", m[kShuffleRemoteBytesRead] + m[kShuffleLocalBytesRead]);
  w.Field("shuffleReadRecords", m[kShuffleRecordsRead]);
  w.Field("shuffleWrite", m[kShuffleBytesWritten]);
  w.Field("shuffleWriteRecords", m[kShuffleRecordsWritten]);
  w.Field("memoryBytesSpilled", m[kMemoryBytesSpilled]);
  w.Field("diskBytesSpilled", m[kDiskBytesSpilled]);
  w.Field("isBlacklistedForStage", s.excluded);
  WriteExecutorMetrics(w, "peakMemoryMetrics", s.peak);
  w.Field("isExcludedForStage", s.excluded);
  w.EndObject();
}

void WriteStage(JsonWriter& w, const AppModel& app, const Stage& s, const StageOptions& o) {
  const auto& m = s.metrics;
  w.BeginObject();
  w.Field("status", StageStatusName(s.status));
  w.Field("stageId", s.stage_id);
  w.Field("attemptId", s.attempt_id);
  w.Field("numTasks", s.num_tasks);
  w.Field("numActiveTasks", s.active_tasks);
  w.Field("numCompleteTasks", s.completed_tasks);
  w.Field("numFailedTasks", s.failed_tasks);
  w.Field("numKilledTasks", s.killed_tasks);
  w.Field("numCompletedIndices", static_cast<int64_t>(s.completed_indices.size()));
  WriteDateField(w, "submissionTime", s.submission_time);
  WriteDateField(w, "firstTaskLaunchedTime", s.first_task_launched_time);
  WriteDateField(w, "completionTime", s.completion_time);
  w.OptField("failureReason", s.failure_reason);
  w.Field("executorDeserializeTime", m[kExecutorDeserializeTime]);
  w.Field("executorDeserializeCpuTime", m[kExecutorDeserializeCpuTime]);
  w.Field("executorRunTime", m[kExecutorRunTime]);
  w.Field("executorCpuTime", m[kExecutorCpuTime]);
  w.Field("resultSize", m[kResultSize]);
  w.Field("jvmGcTime", m[kJvmGcTime]);
  w.Field("resultSerializationTime", m[kResultSerializationTime]);
  w.Field("memoryBytesSpilled", m[kMemoryBytesSpilled]);
  w.Field("diskBytesSpilled", m[kDiskBytesSpilled]);
  w.Field("peakExecutionMemory", m[kPeakExecutionMemory]);
  w.Field("inputBytes", m[kInputBytesRead]);
  w.Field("inputRecords", m[kInputRecordsRead]);
  w.Field("outputBytes", m[kOutputBytesWritten]);
  w.Field("outputRecords", m[kOutputRecordsWritten]);
  w.Field("shuffleRemoteBlocksFetched", m[kShuffleRemoteBlocksFetched]);
  w.Field("shuffleLocalBlocksFetched", m[kShuffleLocalBlocksFetched]);
  w.Field("shuffleFetchWaitTime", m[kShuffleFetchWaitTime]);
  w.Field("shuffleRemoteBytesRead", m[kShuffleRemoteBytesRead]);
  w.Field("shuffleRemoteBytesReadToDisk", m[kShuffleRemoteBytesReadToDisk]);
  w.Field("shuffleLocalBytesRead", m[kShuffleLocalBytesRead]);
  w.Field("shuffleReadBytes", m[kShuffleRemoteBytesRead] + m[kShuffleLocalBytesRead]);
  w.Field("shuffleReadRecords", m[kShuffleRecordsRead]);
  w.Field("shuffleCorruptMergedBlockChunks", m[kPushCorruptMergedBlockChunks]);
  w.Field("shuffleMergedFetchFallbackCount", m[kPushMergedFetchFallbackCount]);
  w.Field("shuffleMergedRemoteBlocksFetched", m[kPushMergedRemoteBlocksFetched]);
  w.Field("shuffleMergedLocalBlocksFetched", m[kPushMergedLocalBlocksFetched]);
  w.Field("shuffleMergedRemoteChunksFetched", m[kPushMergedRemoteChunksFetched]);
  w.Field("shuffleMergedLocalChunksFetched", m[kPushMergedLocalChunksFetched]);
  w.Field("shuffleMergedRemoteBytesRead", m[kPushMergedRemoteBytesRead]);
  w.Field("shuffleMergedLocalBytesRead", m[kPushMergedLocalBytesRead]);
  w.Field("shuffleRemoteReqsDuration", m[kShuffleRemoteReqsDuration]);
  w.Field("shuffleMergedRemoteReqsDuration", m[kPushMergedRemoteReqsDuration]);
  w.Field("shuffleWriteBytes", m[kShuffleBytesWritten]);
  w.Field("shuffleWriteTime", m[kShuffleWriteTime]);
  w.Field("shuffleWriteRecords", m[kShuffleRecordsWritten]);
  w.Field("name", s.name);
  w.OptField("description", s.description);
  w.Field("details", s.details);
  w.Field("schedulingPool", s.scheduling_pool);
  w.Key("rddIds");
  w.BeginArray();
  for (int32_t id : s.rdd_ids) w.Int(id);
  w.EndArray();
  WriteAccumulables(w, s.accumulables);
  if (o.details) {
    w.Key("tasks");
    w.BeginObject();
    std::vector<const Task*> tasks;
    for (uint32_t i : s.tasks) {
      if (TaskMatchesStatus(app.tasks[i], o.task_status)) tasks.push_back(&app.tasks[i]);
    }
    std::sort(tasks.begin(), tasks.end(),
              [](const Task* a, const Task* b) { return a->task_id < b->task_id; });
    for (const Task* t : tasks) {
      w.Key(std::to_string(t->task_id));
      WriteTask(w, app, *t);
    }
    w.EndObject();
    w.Key("executorSummary");
    w.BeginObject();
    for (const auto& [id, es] : s.executor_summaries) {
      w.Key(id);
      WriteExecutorStageSummary(w, es);
    }
    w.EndObject();
    if (s.spec_tasks > 0) {
      w.Key("speculationSummary");
      w.BeginObject();
      w.Field("numTasks", s.spec_tasks);
      w.Field("numActiveTasks", s.spec_active);
      w.Field("numCompletedTasks", s.spec_completed);
      w.Field("numFailedTasks", s.spec_failed);
      w.Field("numKilledTasks", s.spec_killed);
      w.EndObject();
    }
  }
  w.Key("killedTasksSummary");
  w.BeginObject();
  for (const auto& [k, v] : s.killed_summary) w.Field(k, v);
  w.EndObject();
  w.Field("resourceProfileId", s.resource_profile_id);
  WriteExecutorMetrics(w, "peakExecutorMetrics", s.peak);
  if (o.with_summaries) {
    JsonWriter inner;
    w.Key("taskMetricsDistributions");
    if (!WriteTaskSummary(w, app, s, o.quantiles)) w.Null();
    WriteExecutorDistributions(w, s, o.quantiles);
  }
  w.Field("isShufflePushEnabled", s.shuffle_push_enabled);
  w.Field("shuffleMergersCount", s.shuffle_mergers_count);
  w.EndObject();
}

std::optional<std::vector<double>> ParseQuantiles(const net::Request& req, std::string_view def,
                                                  std::string* bad) {
  std::string text = QueryFirst(req, "quantiles").value_or(std::string(def));
  std::vector<double> out;
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    double v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size()) {
      *bad = std::string(part);
      return std::nullopt;
    }
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

bool BoolParam(const net::Request& req, std::string_view name, bool def) {
  auto v = QueryFirst(req, name);
  if (!v) return def;
  return Upper(*v) == "TRUE";
}

// ---- executors ----

void WriteExecutor(JsonWriter& w, const Executor& e) {
  w.BeginObject();
  w.Field("id", e.id);
  w.Field("hostPort", e.host_port.value_or(e.host));
  w.Field("isActive", e.active);
  w.Field("rddBlocks", e.rdd_blocks);
  w.Field("memoryUsed", e.memory_used);
  w.Field("diskUsed", e.disk_used);
  w.Field("totalCores", e.total_cores);
  w.Field("maxTasks", e.max_tasks);
  w.Field("activeTasks", e.active_tasks);
  w.Field("failedTasks", e.failed_tasks);
  w.Field("completedTasks", e.completed_tasks);
  w.Field("totalTasks", e.total_tasks);
  w.Field("totalDuration", e.total_duration);
  w.Field("totalGCTime", e.total_gc_time);
  w.Field("totalInputBytes", e.total_input_bytes);
  w.Field("totalShuffleRead", e.total_shuffle_read);
  w.Field("totalShuffleWrite", e.total_shuffle_write);
  w.Field("isBlacklisted", e.excluded);
  w.Field("maxMemory", e.max_memory);
  w.Field("addTime", FormatSparkDate(e.add_time));
  if (e.remove_time) w.Field("removeTime", FormatSparkDate(*e.remove_time));
  w.OptField("removeReason", e.remove_reason);
  WriteStringMap(w, "executorLogs", e.log_urls);
  if (e.total_on_heap >= 0) {
    w.Key("memoryMetrics");
    w.BeginObject();
    w.Field("usedOnHeapStorageMemory", e.used_on_heap);
    w.Field("usedOffHeapStorageMemory", e.used_off_heap);
    w.Field("totalOnHeapStorageMemory", e.total_on_heap);
    w.Field("totalOffHeapStorageMemory", e.total_off_heap);
    w.EndObject();
  }
  w.Key("blacklistedInStages");
  w.BeginArray();
  for (int32_t s : e.excluded_in_stages) w.Int(s);
  w.EndArray();
  WriteExecutorMetrics(w, "peakMemoryMetrics", e.peak);
  WriteStringMap(w, "attributes", e.attributes);
  w.Key("resources");
  w.BeginObject();
  for (const auto& r : e.resources) {
    w.Key(r.name);
    w.BeginObject();
    w.Field("name", r.name);
    w.Key("addresses");
    w.BeginArray();
    for (const auto& a : r.addresses) w.String(a);
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  w.Field("resourceProfileId", e.resource_profile_id);
  w.Field("isExcluded", e.excluded);
  w.Key("excludedInStages");
  w.BeginArray();
  for (int32_t s : e.excluded_in_stages) w.Int(s);
  w.EndArray();
  w.EndObject();
}

// As Spark's /environment: values whose key or value the pattern is found in are redacted; the
// server's pattern and the app's own spark.redaction.regex (when it compiles; else everything)
// both apply.
Properties Redacted(const Properties& props, const Redactor& server, const Redactor* own) {
  Properties out = props;
  for (auto& [k, v] : out) {
    if (k == kRedactionRegexKey) continue;
    if (server.IsSecret(k, v) || (own && own->IsSecret(k, v))) v = kRedactedValue;
  }
  return out;
}

void WriteEnvironment(JsonWriter& w, const AppModel& app, const Redactor& redactor) {
  const Environment& env = app.environment;
  std::optional<Redactor> own;
  for (const auto& [k, v] : env.spark) {
    if (k != kRedactionRegexKey) continue;
    auto compiled = Redactor::Create(v);
    own = compiled ? std::move(*compiled) : Redactor::MatchEverything();
  }
  const Redactor* own_ptr = own ? &*own : nullptr;
  w.BeginObject();
  w.Key("runtime");
  w.BeginObject();
  w.Field("javaVersion", env.java_version);
  w.Field("javaHome", env.java_home);
  w.Field("scalaVersion", env.scala_version);
  w.EndObject();
  WritePairs(w, "sparkProperties", Redacted(env.spark, redactor, own_ptr));
  WritePairs(w, "hadoopProperties", Redacted(env.hadoop, redactor, own_ptr));
  WritePairs(w, "systemProperties", Redacted(env.system, redactor, own_ptr));
  WritePairs(w, "metricsProperties", Redacted(env.metrics, redactor, own_ptr));
  WritePairs(w, "classpathEntries", env.classpath);
  w.Key("resourceProfiles");
  w.BeginArray();
  for (const auto& rp : app.resource_profiles) {
    w.BeginObject();
    w.Field("id", rp.id);
    w.Key("executorResources");
    w.BeginObject();
    for (const auto& r : rp.executor_resources) {
      w.Key(r.name);
      w.BeginObject();
      w.Field("resourceName", r.name);
      w.Field("amount", static_cast<int64_t>(r.amount));
      w.Field("discoveryScript", r.discovery_script);
      w.Field("vendor", r.vendor);
      w.EndObject();
    }
    w.EndObject();
    w.Key("taskResources");
    w.BeginObject();
    for (const auto& r : rp.task_resources) {
      w.Key(r.name);
      w.BeginObject();
      w.Field("resourceName", r.name);
      w.Field("amount", r.amount);
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteRdd(JsonWriter& w, const RddInfo& r) {
  w.BeginObject();
  w.Field("id", r.id);
  w.Field("name", r.name);
  w.Field("numPartitions", r.num_partitions);
  w.Field("numCachedPartitions", static_cast<int64_t>(r.partitions.size()));
  w.Field("storageLevel", r.StorageDescription());
  w.Field("memoryUsed", r.memory_used);
  w.Field("diskUsed", r.disk_used);
  if (!r.distributions.empty()) {
    std::vector<std::string_view> executors;
    for (const auto& d : r.distributions) executors.push_back(d.executor_id);
    w.Key("dataDistribution");
    w.BeginArray();
    for (size_t i : ScalaMutableHashOrder(executors)) {
      const RddDistribution& d = r.distributions[i];
      w.BeginObject();
      w.Field("address", d.address);
      w.Field("memoryUsed", d.memory_used);
      w.Field("memoryRemaining", d.memory_remaining);
      w.Field("diskUsed", d.disk_used);
      if (d.has_memory_info) {
        w.Field("onHeapMemoryUsed", d.on_heap_used);
        w.Field("offHeapMemoryUsed", d.off_heap_used);
        w.Field("onHeapMemoryRemaining", d.on_heap_remaining);
        w.Field("offHeapMemoryRemaining", d.off_heap_remaining);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("partitions");
  w.BeginArray();
  for (const auto& p : r.partitions) {
    w.BeginObject();
    w.Field("blockName", p.block_name);
    w.Field("storageLevel", p.storage_level);
    w.Field("memoryUsed", p.memory_used);
    w.Field("diskUsed", p.disk_used);
    w.Key("executors");
    w.BeginArray();
    for (const auto& e : p.executors) w.String(e);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// "  x  " → "x" (Scala's trim: spaces and control characters).
std::string_view Trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// SqlResource's nodes (highest id first, metrics that have values) and edges.
void WriteSqlGraph(JsonWriter& w, const AppModel& app, const SqlExecution& x) {
  std::map<int64_t, std::string> computed;
  const std::map<int64_t, std::string>* values = x.metric_values ? &*x.metric_values : nullptr;
  if (!values) {
    computed = AggregateSqlMetrics(x, app.sql_stage_metrics);
    values = &computed;
  }
  std::vector<const SqlPlanNode*> nodes;
  for (const auto& n : x.graph.nodes) nodes.push_back(&n);
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const SqlPlanNode* a, const SqlPlanNode* b) { return a->id > b->id; });
  w.Key("nodes");
  w.BeginArray();
  for (const SqlPlanNode* n : nodes) {
    w.BeginObject();
    w.Field("nodeId", n->id);
    w.Field("nodeName", Trim(n->name));
    if (n->codegen_id) w.Field("wholeStageCodegenId", *n->codegen_id);
    w.Key("metrics");
    w.BeginArray();
    for (const auto& m : n->metrics) {
      auto v = values->find(m.accumulator_id);
      if (v == values->end()) continue;
      std::string_view value = v->second;
      if (value.starts_with('\n')) value.remove_prefix(1);
      w.BeginObject();
      w.Field("name", Trim(m.name));
      w.Field("value", value);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("edges");
  w.BeginArray();
  for (auto [from, to] : x.graph.edges) {
    w.BeginObject();
    w.Field("fromId", from);
    w.Field("toId", to);
    w.EndObject();
  }
  w.EndArray();
}

void WriteSql(JsonWriter& w, const AppModel& app, const SqlExecution& x, bool plan, bool details) {
  w.BeginObject();
  w.Field("id", x.id);
  std::string_view status =
      !x.completion_time ? "RUNNING" : (x.error_message ? "FAILED" : "COMPLETED");
  w.Field("status", status);
  w.Field("description", x.description);
  w.Field("planDescription", plan ? x.plan_description : std::string());
  w.Field("submissionTime", FormatSparkDate(x.submission_time));
  w.Field("duration",
          (x.completion_time ? *x.completion_time : app.last_event_time) - x.submission_time);
  std::vector<int32_t> running, success, failed;
  for (int32_t id : ScalaHashOrder(x.job_ids)) {
    auto it = app.jobs.find(id);
    if (it == app.jobs.end()) continue;
    switch (it->second.status) {
      case JobStatus::kSucceeded:
        success.push_back(id);
        break;
      case JobStatus::kFailed:
        failed.push_back(id);
        break;
      default:
        running.push_back(id);
    }
  }
  for (auto [key, ids] : {std::pair{"runningJobIds", &running},
                          {"successJobIds", &success},
                          {"failedJobIds", &failed}}) {
    w.Key(key);
    w.BeginArray();
    for (int32_t id : *ids) w.Int(id);
    w.EndArray();
  }
  if (details) {
    WriteSqlGraph(w, app, x);
  } else {
    w.Key("nodes");
    w.BeginArray();
    w.EndArray();
    w.Key("edges");
    w.BeginArray();
    w.EndArray();
  }
  w.EndObject();
}

bool IsAppEndpoint(std::string_view s) {
  static constexpr std::string_view kEndpoints[] = {
      "jobs",         "stages",      "executors",
      "allexecutors", "environment", "storage",
      "logs",         "sql",         "allmiscellaneousprocess",
      "metrics",      "streaming",   "threads"};
  return std::find(std::begin(kEndpoints), std::end(kEndpoints), s) != std::end(kEndpoints);
}

// Routes below /applications/{id}[/{attempt}] on a loaded model.
net::Response AppRoute(const AppModel& app, const LogLayout& layout, const Segments& rest,
                       const net::Request& req, const Redactor& redactor) {
  (void)layout;
  JsonWriter w;
  std::string_view what = rest[0];
  if (what == "jobs") {
    if (rest.size() == 1) {
      auto statuses = QueryAll(req, "status");
      w.BeginArray();
      for (auto it = app.jobs.rbegin(); it != app.jobs.rend(); ++it) {
        if (!statuses.empty()) {
          std::string_view st = JobStatusName(it->second.status);
          if (std::none_of(statuses.begin(), statuses.end(),
                           [&](const std::string& s) { return Upper(s) == st; })) {
            continue;
          }
        }
        WriteJob(w, it->second);
      }
      w.EndArray();
      return JsonResponse(w.Take());
    }
    auto id = ParseNumber<int32_t>(rest[1]);
    auto it = id ? app.jobs.find(*id) : app.jobs.end();
    if (it == app.jobs.end()) return TextError(404, fmt::format("unknown job: {}", rest[1]));
    WriteJob(w, it->second);
    return JsonResponse(w.Take());
  }
  if (what == "stages") {
    StageOptions o;
    std::string bad;
    o.with_summaries = BoolParam(req, "withSummaries", false);
    o.task_status = QueryAll(req, "taskStatus");
    if (rest.size() <= 3) {
      auto q = ParseQuantiles(req, "0.0,0.25,0.5,0.75,1.0", &bad);
      if (!q) {
        return TextError(
            400, fmt::format(
                     "Bad value for parameter \"quantiles\".  Expected a double, got \"{}\"", bad));
      }
      o.quantiles = *q;
    }
    if (rest.size() == 1) {
      o.details = BoolParam(req, "details", false);
      auto statuses = QueryAll(req, "status");
      w.BeginArray();
      for (auto it = app.stages.rbegin(); it != app.stages.rend(); ++it) {
        if (!statuses.empty()) {
          std::string_view st = StageStatusName(it->second.status);
          if (std::none_of(statuses.begin(), statuses.end(),
                           [&](const std::string& s) { return Upper(s) == st; })) {
            continue;
          }
        }
        WriteStage(w, app, it->second, o);
      }
      w.EndArray();
      return JsonResponse(w.Take());
    }
    o.details = BoolParam(req, "details", true);
    auto stage_id = ParseNumber<int32_t>(rest[1]);
    std::vector<const Stage*> attempts;
    if (stage_id) {
      for (auto it = app.stages.lower_bound({*stage_id, std::numeric_limits<int32_t>::min()});
           it != app.stages.end() && it->first.first == *stage_id; ++it) {
        attempts.push_back(&it->second);
      }
    }
    if (attempts.empty()) return TextError(404, fmt::format("unknown stage: {}", rest[1]));
    if (rest.size() == 2) {
      w.BeginArray();
      for (const Stage* s : attempts) WriteStage(w, app, *s, o);
      w.EndArray();
      return JsonResponse(w.Take());
    }
    auto attempt = ParseNumber<int32_t>(rest[2]);
    const Stage* stage = nullptr;
    for (const Stage* s : attempts) {
      if (attempt && s->attempt_id == *attempt) stage = s;
    }
    if (!stage) {
      std::string found;
      for (const Stage* s : attempts)
        found += (found.empty() ? "" : ", ") + std::to_string(s->attempt_id);
      return TextError(
          404, fmt::format("unknown attempt for stage {}.  Found attempts: [{}]", rest[1], found));
    }
    if (rest.size() == 3) {
      WriteStage(w, app, *stage, o);
      return JsonResponse(w.Take());
    }
    if (rest[3] == "taskSummary") {
      auto q = ParseQuantiles(req, "0.05,0.25,0.5,0.75,0.95", &bad);
      if (!q) {
        return TextError(
            400, fmt::format(
                     "Bad value for parameter \"quantiles\".  Expected a double, got \"{}\"", bad));
      }
      if (!WriteTaskSummary(w, app, *stage, *q)) {
        return TextError(404, fmt::format("No tasks reported metrics for {} / {}", stage->stage_id,
                                          stage->attempt_id));
      }
      return JsonResponse(w.Take());
    }
    if (rest[3] == "taskList") {
      int64_t offset = ParseNumber<int64_t>(QueryFirst(req, "offset").value_or("0")).value_or(0);
      int64_t length = ParseNumber<int64_t>(QueryFirst(req, "length").value_or("20")).value_or(20);
      std::string sort = QueryFirst(req, "sortBy").value_or("ID");
      auto statuses = QueryAll(req, "status");
      std::vector<const Task*> tasks;
      for (uint32_t i : stage->tasks) {
        if (TaskMatchesStatus(app.tasks[i], statuses)) tasks.push_back(&app.tasks[i]);
      }
      if (sort == "runtime" || sort == "INCREASING_RUNTIME") {
        std::stable_sort(tasks.begin(), tasks.end(), [](const Task* a, const Task* b) {
          int64_t ra = RunTimeIndex(*a), rb = RunTimeIndex(*b);
          return ra != rb ? ra < rb : a->task_id < b->task_id;
        });
      } else if (sort == "-runtime" || sort == "DECREASING_RUNTIME") {
        std::stable_sort(tasks.begin(), tasks.end(), [](const Task* a, const Task* b) {
          int64_t ra = RunTimeIndex(*a), rb = RunTimeIndex(*b);
          return ra != rb ? ra > rb : a->task_id > b->task_id;
        });
      } else {
        std::sort(tasks.begin(), tasks.end(),
                  [](const Task* a, const Task* b) { return a->task_id < b->task_id; });
      }
      w.BeginArray();
      for (int64_t i = std::max<int64_t>(offset, 0);
           i < static_cast<int64_t>(tasks.size()) && i < offset + length; ++i) {
        WriteTask(w, app, *tasks[static_cast<size_t>(i)]);
      }
      w.EndArray();
      return JsonResponse(w.Take());
    }
    return TextError(404, "unknown stage resource");
  }
  if (what == "executors" || what == "allexecutors") {
    bool all = what == "allexecutors";
    std::vector<const Executor*> list;
    for (const auto& [id, e] : app.executors) {
      if (all || e.active) list.push_back(&e);
    }
    if (!all) std::reverse(list.begin(), list.end());
    w.BeginArray();
    for (const Executor* e : list) WriteExecutor(w, *e);
    w.EndArray();
    return JsonResponse(w.Take());
  }
  if (what == "environment") {
    WriteEnvironment(w, app, redactor);
    return JsonResponse(w.Take());
  }
  if (what == "storage" && rest.size() >= 2 && rest[1] == "rdd") {
    if (rest.size() == 2) {
      w.BeginArray();  // RDDs with cached partitions, by id
      for (const auto& [rdd_id, rdd] : app.rdds) {
        if (!rdd.partitions.empty()) WriteRdd(w, rdd);
      }
      w.EndArray();
      return JsonResponse(w.Take());
    }
    auto id = ParseNumber<int32_t>(rest[2]);
    auto it = id ? app.rdds.find(*id) : app.rdds.end();
    if (it == app.rdds.end()) return TextError(404, fmt::format("unknown rdd: {}", rest[2]));
    WriteRdd(w, it->second);
    return JsonResponse(w.Take());
  }
  if (what == "allmiscellaneousprocess") {
    w.BeginArray();
    for (const auto& [id, p] : app.misc_processes) {
      w.BeginObject();
      w.Field("id", p.id);
      w.Field("hostPort", p.host_port);
      w.Field("isActive", p.active);
      w.Field("totalCores", p.cores);
      w.Field("addTime", FormatSparkDate(p.add_time));
      if (p.remove_time) w.Field("removeTime", FormatSparkDate(*p.remove_time));
      WriteStringMap(w, "processLogs", p.logs);
      w.EndObject();
    }
    w.EndArray();
    return JsonResponse(w.Take());
  }
  if (what == "sql") {
    bool plan = BoolParam(req, "planDescription", true);
    bool details = BoolParam(req, "details", true);
    if (rest.size() == 1) {
      int64_t offset = ParseNumber<int64_t>(QueryFirst(req, "offset").value_or("0")).value_or(0);
      int64_t length = ParseNumber<int64_t>(QueryFirst(req, "length").value_or("20")).value_or(20);
      w.BeginArray();
      int64_t i = 0;
      for (const auto& [id, x] : app.sql_executions) {
        if (i >= offset && i < offset + length) WriteSql(w, app, x, plan, details);
        ++i;
      }
      w.EndArray();
      return JsonResponse(w.Take());
    }
    auto id = ParseNumber<int64_t>(rest[1]);
    auto it = id ? app.sql_executions.find(*id) : app.sql_executions.end();
    if (it == app.sql_executions.end()) {
      return TextError(404, fmt::format("unknown query execution id: {}", rest[1]));
    }
    WriteSql(w, app, it->second, plan, details);
    return JsonResponse(w.Take());
  }
  if (what == "metrics") {
    return JsonResponse(AppMetricsJson(ComputeAppMetrics(app, !layout.in_progress)));
  }
  return TextError(404, fmt::format("unknown resource: {}", what));
}

// The raw log files of the app (all attempts) or one attempt, as a stored ZIP.
net::Response LogsZip(Catalog& catalog, std::string_view app_id,
                      std::optional<std::string_view> attempt) {
  std::vector<ZipEntry> entries;
  for (const auto& a : catalog.List()) {
    if (a.app_id != app_id || (attempt && a.attempt_id != *attempt)) continue;
    std::error_code ec;
    if (std::filesystem::is_directory(a.log, ec)) {
      std::string dir = a.log.filename().string() + "/";
      entries.push_back({dir, {}});
      std::vector<std::filesystem::path> files;
      for (const auto& f : std::filesystem::directory_iterator(a.log, ec)) {
        if (f.is_regular_file() && !f.path().filename().string().starts_with(".")) {
          files.push_back(f.path());
        }
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) entries.push_back({dir + f.filename().string(), f});
    } else {
      entries.push_back({a.log.filename().string(), a.log});
    }
  }
  if (entries.empty()) {
    return TextError(404, attempt ? fmt::format("unknown app {}, attempt {}", app_id, *attempt)
                                  : fmt::format("unknown app: {}", app_id));
  }
  auto stream = ZipStream(std::move(entries));
  if (!stream) return TextError(500, stream.error().message);
  net::Response r;
  r.status = 200;
  r.content_type = "application/octet-stream";
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=eventLogs-{}{}.zip", app_id,
                                     attempt ? "-" + std::string(*attempt) : std::string()));
  r.stream = std::move(*stream);
  return r;
}

}  // namespace

net::Response HistoryApi::Handle(const net::Request& req) const {
  Segments seg = SplitPath(req.path);
  if (seg.size() == 1 && seg[0] == "version") return JsonResponse("{\n  \"spark\" : \"4.0.1\"\n}");
  if (seg.empty() || seg[0] != "applications") return TextError(404, "unknown resource");
  if (seg.size() == 1) return ListApplications(*catalog_, req);
  std::string_view app_id = seg[1];
  std::optional<std::string_view> attempt;
  size_t rest_at = 2;
  if (seg.size() >= 3 && !IsAppEndpoint(seg[2])) {
    attempt = seg[2];
    rest_at = 3;
  }
  if (seg.size() == 2 || (attempt && seg.size() == 3)) {
    std::vector<AttemptSummary> attempts;
    for (auto& a : catalog_->List()) {
      if (a.app_id == app_id) attempts.push_back(std::move(a));
    }
    if (attempts.empty()) return TextError(404, fmt::format("unknown app: {}", app_id));
    auto groups = GroupApps(std::move(attempts));
    JsonWriter w;
    if (attempt) {
      // A single attempt is answered with the app, restricted to that attempt.
      auto& g = groups.front();
      std::erase_if(g.attempts, [&](const AttemptSummary& a) { return a.attempt_id != *attempt; });
      if (g.attempts.empty()) {
        return TextError(404, fmt::format("unknown attempt {} for app {}", *attempt, app_id));
      }
    }
    WriteApp(w, groups.front());
    return JsonResponse(w.Take());
  }
  Segments rest(seg.begin() + static_cast<std::ptrdiff_t>(rest_at), seg.end());
  if (rest.size() == 1 && rest[0] == "logs") return LogsZip(*catalog_, app_id, attempt);
  net::Response response;
  bool matched = false;
  auto answer = [&](const AppModel& app, const LogLayout& layout) {
    if (app.app_id != app_id || (attempt && app.attempt_id != *attempt)) return;
    matched = true;
    response = AppRoute(app, layout, rest, req, redactor_);
  };
  // Fast path: the log named after the app, replayed without listing every log.
  if (auto named = catalog_->FindByName(app_id, attempt)) {
    if (named->With(answer) && matched) return response;
  }
  auto log = catalog_->Find(app_id, attempt);
  if (!log) {
    if (attempt) {
      return TextError(404, fmt::format("unknown app {}, attempt {}", app_id, *attempt));
    }
    return TextError(404, fmt::format("unknown app: {}", app_id));
  }
  auto st = log->With([&](const AppModel& app, const LogLayout& layout) {
    response = AppRoute(app, layout, rest, req, redactor_);
  });
  if (!st) return TextError(500, st.error().message);
  return response;
}

}  // namespace sparkplane::eventlog
