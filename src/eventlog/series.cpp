#include "eventlog/series.hpp"

#include <algorithm>
#include <utility>

#include "eventlog/json_writer.hpp"

namespace sparkplane::eventlog {
namespace {

// Adds `per_ms` × overlap of [begin, end) with each bucket, divided by the bucket length (so the
// bucket holds an average over its time).
void Spread(std::vector<double>& series, int64_t bucket_ms, int64_t begin, int64_t end,
            double per_ms) {
  int64_t limit = static_cast<int64_t>(series.size()) * bucket_ms;
  begin = std::max<int64_t>(begin, 0);
  end = std::min(end, limit);
  while (begin < end) {
    size_t b = static_cast<size_t>(begin / bucket_ms);
    int64_t stop = std::min(end, static_cast<int64_t>(b + 1) * bucket_ms);
    series[b] += per_ms * static_cast<double>(stop - begin) / static_cast<double>(bucket_ms);
    begin = stop;
  }
}

// Step function given by (time, delta) changes → its max within each bucket.
std::vector<double> PeakPerBucket(std::vector<std::pair<int64_t, double>> changes, size_t buckets,
                                  int64_t bucket_ms) {
  std::sort(changes.begin(), changes.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<double> out(buckets, 0.0);
  double value = 0;
  size_t i = 0;
  for (size_t b = 0; b < buckets; ++b) {
    int64_t bucket_start = static_cast<int64_t>(b) * bucket_ms,
            bucket_end = bucket_start + bucket_ms;
    while (i < changes.size() && changes[i].first <= bucket_start) value += changes[i++].second;
    double peak = value;
    while (i < changes.size() && changes[i].first < bucket_end) {
      int64_t at = changes[i].first;
      while (i < changes.size() && changes[i].first == at) value += changes[i++].second;
      peak = std::max(peak, value);
    }
    out[b] = std::max(peak, 0.0);
  }
  return out;
}

std::string_view JobStatusText(const Job& job) {
  if (!job.completion_time) return "RUNNING";
  return job.failed_stages > 0 || job.failed_tasks > 0 ? "FAILED" : "SUCCEEDED";
}

}  // namespace

AppSeries ComputeAppSeries(const AppModel& app, bool completed, int width) {
  AppSeries s;
  int64_t end = completed && app.ended ? app.end_time : app.last_event_time;
  s.start_time = app.start_time >= 0 ? app.start_time : end;
  s.duration_ms = std::max<int64_t>(0, end - s.start_time);
  int64_t buckets_wanted = std::max(1, width);
  s.bucket_ms = std::max<int64_t>(1, (s.duration_ms + buckets_wanted - 1) / buckets_wanted);
  size_t buckets =
      static_cast<size_t>(std::max<int64_t>(1, (s.duration_ms + s.bucket_ms - 1) / s.bucket_ms));
  for (size_t b = 0; b < buckets; ++b) s.t.push_back(static_cast<int64_t>(b) * s.bucket_ms);
  for (auto* v :
       {&s.cpu, &s.io, &s.shuffle, &s.gc, &s.internals, &s.running, &s.some_idle, &s.all_idle}) {
    v->assign(buckets, 0.0);
  }
  auto rel = [&](int64_t at) { return at - s.start_time; };
  int64_t rel_end = s.duration_ms;

  std::vector<std::pair<int64_t, double>> core_changes, task_changes;
  for (const auto& [id, e] : app.executors) {
    if (e.total_cores <= 0) continue;
    core_changes.emplace_back(rel(e.add_time), e.total_cores);
    if (e.remove_time) core_changes.emplace_back(rel(*e.remove_time), -e.total_cores);
  }
  for (const Task& task : app.tasks) {
    task_changes.emplace_back(rel(task.launch_time), 1.0);
    if (task.finished()) task_changes.emplace_back(rel(task.finish_time), -1.0);

    int64_t from = rel(task.launch_time);
    if (!task.finished() || !task.has_metrics) {
      int64_t to = task.finished() ? rel(task.finish_time) : rel_end;
      if (to > from) Spread(s.running, s.bucket_ms, from, to, 1.0);
      continue;
    }
    int64_t to = rel(task.finish_time);
    double duration = static_cast<double>(to - from);
    if (duration <= 0) continue;
    const auto& m = task.metrics;
    double cpu = static_cast<double>(m[kExecutorCpuTime]) / 1e6;
    double gc = static_cast<double>(m[kJvmGcTime]);
    double shuffle = static_cast<double>(m[kShuffleFetchWaitTime]) +
                     static_cast<double>(m[kShuffleWriteTime]) / 1e6;
    double internals =
        static_cast<double>(m[kExecutorDeserializeTime] + m[kResultSerializationTime] +
                            task.GettingResultTime() + task.SchedulerDelay());
    double run = static_cast<double>(m[kExecutorRunTime]);
    double io = std::max(0.0, run - cpu - gc - shuffle);
    double sum = cpu + gc + shuffle + internals + io;
    // The parts are measured separately (CPU in ns, others in ms): scale them to the wall time.
    double scale = sum > 0 ? duration / sum : 0;
    if (sum <= 0) {
      io = duration;
      scale = 1;
    }
    Spread(s.cpu, s.bucket_ms, from, to, cpu * scale / duration);
    Spread(s.gc, s.bucket_ms, from, to, gc * scale / duration);
    Spread(s.shuffle, s.bucket_ms, from, to, shuffle * scale / duration);
    Spread(s.internals, s.bucket_ms, from, to, internals * scale / duration);
    Spread(s.io, s.bucket_ms, from, to, io * scale / duration);
  }
  s.cores = PeakPerBucket(core_changes, buckets, s.bucket_ms);
  s.tasks = PeakPerBucket(task_changes, buckets, s.bucket_ms);

  // Average allocated cores per bucket, and the part of it with no task running at all.
  std::sort(core_changes.begin(), core_changes.end());
  std::sort(task_changes.begin(), task_changes.end());
  std::vector<double> allocated(buckets, 0.0);
  {
    size_t ci = 0, ti = 0;
    double cores = 0, running = 0;
    int64_t at = 0;
    while (at < rel_end) {
      while (ci < core_changes.size() && core_changes[ci].first <= at)
        cores += core_changes[ci++].second;
      while (ti < task_changes.size() && task_changes[ti].first <= at)
        running += task_changes[ti++].second;
      int64_t next = rel_end;
      if (ci < core_changes.size()) next = std::min(next, core_changes[ci].first);
      if (ti < task_changes.size()) next = std::min(next, task_changes[ti].first);
      if (cores > 0) {
        Spread(allocated, s.bucket_ms, at, next, cores);
        if (running <= 0) Spread(s.all_idle, s.bucket_ms, at, next, cores);
      }
      at = next;
    }
  }
  for (size_t b = 0; b < buckets; ++b) {
    double busy = s.cpu[b] + s.io[b] + s.shuffle[b] + s.gc[b] + s.internals[b] + s.running[b];
    s.some_idle[b] = std::max(0.0, allocated[b] - busy - s.all_idle[b]);
  }
  auto total = [&](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum * static_cast<double>(s.bucket_ms);
  };
  s.total_cpu = total(s.cpu);
  s.total_io = total(s.io);
  s.total_shuffle = total(s.shuffle);
  s.total_gc = total(s.gc);
  s.total_internals = total(s.internals);
  s.total_running = total(s.running);
  s.total_some_idle = total(s.some_idle);
  s.total_all_idle = total(s.all_idle);
  for (double c : s.cores) s.peak_cores = std::max(s.peak_cores, c);
  for (double c : s.tasks) s.peak_tasks = std::max(s.peak_tasks, c);

  for (const auto& [id, job] : app.jobs) {
    if (!job.submission_time) continue;
    s.jobs.push_back({id,
                      0,
                      job.name,
                      std::string(JobStatusText(job)),
                      rel(*job.submission_time),
                      job.completion_time ? rel(*job.completion_time) : rel_end,
                      {}});
  }
  for (const auto& [key, stage] : app.stages) {
    if (!stage.submission_time || stage.status == StageStatus::kSkipped) continue;
    int64_t from = rel(stage.first_task_launched_time.value_or(*stage.submission_time));
    s.stages.push_back(
        {key.first, key.second, stage.name, std::string(StageStatusName(stage.status)), from,
         stage.completion_time ? rel(*stage.completion_time) : rel_end, stage.job_ids});
  }
  return s;
}

std::string AppSeriesJson(const AppSeries& s) {
  JsonWriter w(false);
  auto ints = [&](std::string_view key, const std::vector<int64_t>& v) {
    w.Key(key);
    w.BeginArray();
    for (int64_t x : v) w.Int(x);
    w.EndArray();
  };
  auto doubles = [&](std::string_view key, const std::vector<double>& v) {
    w.Key(key);
    w.BeginArray();
    // Three decimals are plenty for cores and keep replies small.
    for (double x : v) w.Double(static_cast<double>(static_cast<int64_t>(x * 1000 + 0.5)) / 1000);
    w.EndArray();
  };
  auto spans = [&](std::string_view key, const std::vector<Span>& v) {
    w.Key(key);
    w.BeginArray();
    for (const Span& span : v) {
      w.BeginObject();
      w.Field("id", span.id);
      w.Field("attempt", span.attempt);
      w.Field("name", span.name);
      w.Field("status", span.status);
      w.Field("start", span.start);
      w.Field("end", span.end);
      w.Key("jobIds");
      w.BeginArray();
      for (int32_t p : span.parents) w.Int(p);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  };
  w.BeginObject();
  w.Field("startTime", s.start_time);
  w.Field("durationMs", s.duration_ms);
  w.Field("bucketMs", s.bucket_ms);
  w.Field("peakCores", s.peak_cores);
  w.Field("peakTasks", s.peak_tasks);
  ints("t", s.t);
  doubles("cores", s.cores);
  doubles("tasks", s.tasks);
  w.Key("breakdown");
  w.BeginObject();
  doubles("cpu", s.cpu);
  doubles("io", s.io);
  doubles("shuffle", s.shuffle);
  doubles("gc", s.gc);
  doubles("internals", s.internals);
  doubles("running", s.running);
  doubles("someIdle", s.some_idle);
  doubles("allIdle", s.all_idle);
  w.EndObject();
  w.Key("totalsCoreMs");
  w.BeginObject();
  w.Field("cpu", s.total_cpu);
  w.Field("io", s.total_io);
  w.Field("shuffle", s.total_shuffle);
  w.Field("gc", s.total_gc);
  w.Field("internals", s.total_internals);
  w.Field("running", s.total_running);
  w.Field("someIdle", s.total_some_idle);
  w.Field("allIdle", s.total_all_idle);
  w.EndObject();
  spans("jobs", s.jobs);
  spans("stages", s.stages);
  w.EndObject();
  return w.str();
}

}  // namespace sparkplane::eventlog
