#include "eventlog/model.hpp"

#include <algorithm>

namespace sparkplane::eventlog {

bool PeakMetrics::Update(const ExecutorMetricValues& update) {
  bool changed = false;
  if (!set) {
    // Spark starts the first metric at -1 and every other at 0.
    values.fill(0);
    values[0] = -1;
  }
  for (size_t i = 0; i < kExecutorMetricCount; ++i) {
    if (update[i] > values[i]) {
      values[i] = update[i];
      changed = true;
    }
  }
  set = values[0] > -1;
  return changed;
}

std::string_view Task::Status() const {
  if (!finished()) return fetch_start_time != 0 ? "GET RESULT" : "RUNNING";
  if (failed) return "FAILED";
  if (killed) return "KILLED";
  return "SUCCESS";
}

int64_t Task::GettingResultTime() const {
  if (fetch_start_time <= 0) return 0;
  return finished() ? finish_time - fetch_start_time : 0;
}

int64_t Task::SchedulerDelay() const {
  if (!finished() || !has_metrics) return 0;
  int64_t d = Duration() - metrics[kExecutorRunTime] - metrics[kExecutorDeserializeTime] -
              metrics[kResultSerializationTime] - GettingResultTime();
  return std::max<int64_t>(0, d);
}

std::string_view StageStatusName(StageStatus s) {
  switch (s) {
    case StageStatus::kPending:
      return "PENDING";
    case StageStatus::kActive:
      return "ACTIVE";
    case StageStatus::kComplete:
      return "COMPLETE";
    case StageStatus::kFailed:
      return "FAILED";
    case StageStatus::kSkipped:
      return "SKIPPED";
  }
  return "PENDING";
}

std::string_view JobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::kRunning:
      return "RUNNING";
    case JobStatus::kSucceeded:
      return "SUCCEEDED";
    case JobStatus::kFailed:
      return "FAILED";
    case JobStatus::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::string StorageLevelDescription(bool use_disk, bool use_memory, bool use_off_heap,
                                    bool deserialized, int32_t replication) {
  std::string out;
  if (use_disk) out += "Disk ";
  if (use_memory) out += use_off_heap ? "Memory (off heap) " : "Memory ";
  out += deserialized ? "Deserialized " : "Serialized ";
  out += std::to_string(replication) + "x Replicated";
  return out;
}

std::string RddInfo::StorageDescription() const {
  return StorageLevelDescription(use_disk, use_memory, use_off_heap, deserialized, replication);
}

uint32_t AppModel::Intern(std::string_view s) {
  auto it = string_ids.find(std::string(s));
  if (it != string_ids.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(strings.size());
  strings.emplace_back(s);
  string_ids.emplace(strings.back(), id);
  return id;
}

const Stage* AppModel::FindStage(int32_t stage_id, int32_t attempt) const {
  auto it = stages.find({stage_id, attempt});
  return it == stages.end() ? nullptr : &it->second;
}

const Executor* AppModel::FindExecutor(std::string_view id) const {
  auto it = executors.find(std::string(id));
  return it == executors.end() ? nullptr : &it->second;
}

}  // namespace sparkplane::eventlog
