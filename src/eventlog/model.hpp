// The application model rebuilt from an event log: what Spark's AppStatusListener keeps for the
// History Server (jobs, stages and attempts, tasks with metrics, executors, environment, RDDs,
// SQL executions, resource profiles, exclusions). Plain data; AppBuilder fills it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "eventlog/segmented_vector.hpp"

namespace sparkplane::eventlog {

// ExecutorMetricType order (Spark 4.x).
inline constexpr std::array<std::string_view, 23> kExecutorMetricNames = {
    "JVMHeapMemory",
    "JVMOffHeapMemory",
    "OnHeapExecutionMemory",
    "OffHeapExecutionMemory",
    "OnHeapStorageMemory",
    "OffHeapStorageMemory",
    "OnHeapUnifiedMemory",
    "OffHeapUnifiedMemory",
    "DirectPoolMemory",
    "MappedPoolMemory",
    "ProcessTreeJVMVMemory",
    "ProcessTreeJVMRSSMemory",
    "ProcessTreePythonVMemory",
    "ProcessTreePythonRSSMemory",
    "ProcessTreeOtherVMemory",
    "ProcessTreeOtherRSSMemory",
    "MinorGCCount",
    "MinorGCTime",
    "MajorGCCount",
    "MajorGCTime",
    "TotalGCTime",
    "ConcurrentGCCount",
    "ConcurrentGCTime"};
inline constexpr size_t kExecutorMetricCount = kExecutorMetricNames.size();
using ExecutorMetricValues = std::array<int64_t, kExecutorMetricCount>;

// Peak executor metrics; unset until the first update (Spark: metrics(0) starts at -1).
struct PeakMetrics {
  bool set = false;
  ExecutorMetricValues values{};
  // Raises each value to `update`'s if larger; returns true if anything changed.
  bool Update(const ExecutorMetricValues& update);
};

// Task metrics, indexed by TaskMetric.
enum TaskMetric : int {
  kExecutorDeserializeTime,
  kExecutorDeserializeCpuTime,
  kExecutorRunTime,
  kExecutorCpuTime,
  kResultSize,
  kJvmGcTime,
  kResultSerializationTime,
  kMemoryBytesSpilled,
  kDiskBytesSpilled,
  kPeakExecutionMemory,
  kInputBytesRead,
  kInputRecordsRead,
  kOutputBytesWritten,
  kOutputRecordsWritten,
  kShuffleRemoteBlocksFetched,
  kShuffleLocalBlocksFetched,
  kShuffleFetchWaitTime,
  kShuffleRemoteBytesRead,
  kShuffleRemoteBytesReadToDisk,
  kShuffleLocalBytesRead,
  kShuffleRecordsRead,
  kShuffleRemoteReqsDuration,
  kPushCorruptMergedBlockChunks,
  kPushMergedFetchFallbackCount,
  kPushMergedRemoteBlocksFetched,
  kPushMergedLocalBlocksFetched,
  kPushMergedRemoteChunksFetched,
  kPushMergedLocalChunksFetched,
  kPushMergedRemoteBytesRead,
  kPushMergedLocalBytesRead,
  kPushMergedRemoteReqsDuration,
  kShuffleBytesWritten,
  kShuffleWriteTime,
  kShuffleRecordsWritten,
  kTaskMetricCount
};
using TaskMetricValues = std::array<int64_t, kTaskMetricCount>;

struct AccumulableUpdate {
  int64_t id = 0;
  std::string name;
  std::optional<std::string> update;
  std::string value;
};

enum class TaskEndKind : uint8_t { kNone, kSuccess, kKilled, kCommitDenied, kFailed, kResubmitted };

struct Task {
  int64_t task_id = 0;
  int32_t index = 0;
  int32_t attempt = 0;
  int32_t partition_id = -1;
  int32_t stage_id = 0;
  int32_t stage_attempt = 0;
  int64_t launch_time = 0;
  int64_t finish_time = 0;
  int64_t fetch_start_time = 0;  // "Getting Result Time" in the log
  uint32_t executor = 0;         // index into AppModel::strings
  uint32_t host = 0;
  uint32_t locality = 0;
  bool speculative = false;
  bool failed = false;
  bool killed = false;
  bool has_metrics = false;
  TaskEndKind end = TaskEndKind::kNone;
  std::optional<std::string> error_message;
  std::vector<AccumulableUpdate> accumulables;  // non-internal, non-SQL only
  TaskMetricValues metrics{};

  bool finished() const { return finish_time != 0; }
  bool successful() const { return finished() && !failed && !killed; }
  std::string_view Status() const;
  int64_t Duration() const { return finished() ? finish_time - launch_time : 0; }
  int64_t GettingResultTime() const;
  int64_t SchedulerDelay() const;
};

// Set of small non-negative task indices (a bitmap; indices are < numTasks).
class IndexSet {
 public:
  // Returns true if `i` was not in the set.
  bool Insert(int32_t i) {
    if (i < 0) return false;
    size_t u = static_cast<size_t>(i);
    if (u >= bits_.size()) bits_.resize(std::max(u + 1, bits_.size() * 2), false);
    if (bits_[u]) return false;
    bits_[u] = true;
    ++size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  std::vector<bool> bits_;
  size_t size_ = 0;
};

enum class StageStatus : uint8_t { kPending, kActive, kComplete, kFailed, kSkipped };
std::string_view StageStatusName(StageStatus s);  // "ACTIVE", ...

struct ExecutorStageSummary {
  int64_t task_time = 0;
  int32_t failed_tasks = 0;
  int32_t succeeded_tasks = 0;
  int32_t killed_tasks = 0;
  TaskMetricValues metrics{};
  bool excluded = false;
  PeakMetrics peak;
};

// Spark's StorageLevel.description ("Disk Memory Deserialized 1x Replicated").
std::string StorageLevelDescription(bool use_disk, bool use_memory, bool use_off_heap,
                                    bool deserialized, int32_t replication);

// A cached block of an RDD partition (on one or more executors).
struct RddPartition {
  std::string block_name;
  std::string storage_level;  // description of the latest valid level reported for the block
  int64_t memory_used = 0, disk_used = 0;
  std::vector<std::string> executors;
};

// An RDD's blocks on one executor. The executor-wide fields are a snapshot taken when a block
// of any RDD last changed on that executor (Spark caches this view until then).
struct RddDistribution {
  std::string executor_id;
  int64_t memory_used = 0, disk_used = 0, on_heap_used = 0, off_heap_used = 0;
  std::string address;
  int64_t memory_remaining = 0;
  bool has_memory_info = false;
  int64_t on_heap_remaining = 0, off_heap_remaining = 0;
};

struct RddInfo {
  int32_t id = 0;
  std::string name;
  int32_t num_partitions = 0;
  bool use_disk = false, use_memory = false, use_off_heap = false, deserialized = false;
  int32_t replication = 1;
  bool StorageValid() const { return (use_memory || use_disk) && replication > 0; }
  std::string StorageDescription() const;
  // From SparkListenerBlockUpdated (logged with spark.eventLog.logBlockUpdates.enabled).
  int64_t memory_used = 0, disk_used = 0;
  std::vector<RddPartition> partitions;        // in the order blocks were first stored
  std::vector<RddDistribution> distributions;  // in the order executors first held a block
};

struct Stage {
  int32_t stage_id = 0;
  int32_t attempt_id = 0;
  StageStatus status = StageStatus::kPending;
  std::string name;
  std::string details;
  std::optional<std::string> description;
  std::optional<std::string> failure_reason;
  std::string scheduling_pool = "default";
  int32_t num_tasks = 0;
  int32_t resource_profile_id = 0;
  bool shuffle_push_enabled = false;
  int32_t shuffle_mergers_count = 0;
  std::optional<int64_t> submission_time;
  std::optional<int64_t> completion_time;
  std::optional<int64_t> first_task_launched_time;
  std::vector<int32_t> rdd_ids;
  std::vector<int32_t> parent_ids;
  std::vector<AccumulableUpdate> accumulables;
  std::vector<int32_t> job_ids;

  int32_t active_tasks = 0;
  int32_t completed_tasks = 0;
  int32_t failed_tasks = 0;
  int32_t killed_tasks = 0;
  // Spark stops updating a stage once it completed and its last task ended.
  bool retired = false;
  IndexSet completed_indices;
  std::map<std::string, int32_t> killed_summary;
  TaskMetricValues metrics{};
  PeakMetrics peak;
  std::map<std::string, ExecutorStageSummary> executor_summaries;
  std::set<std::string> excluded_executors;
  std::vector<uint32_t> tasks;  // indices into AppModel::tasks, in launch order
  // Speculative-task counts (speculationSummary).
  int32_t spec_tasks = 0, spec_active = 0, spec_completed = 0, spec_failed = 0, spec_killed = 0;
};

enum class JobStatus : uint8_t { kRunning, kSucceeded, kFailed, kUnknown };
std::string_view JobStatusName(JobStatus s);

struct Job {
  int32_t job_id = 0;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> job_group;
  std::vector<std::string> job_tags;
  std::optional<int64_t> submission_time;
  std::optional<int64_t> completion_time;
  std::vector<int32_t> stage_ids;
  JobStatus status = JobStatus::kRunning;
  std::optional<int64_t> sql_execution_id;
  int32_t num_tasks = 0;
  int32_t active_tasks = 0, completed_tasks = 0, skipped_tasks = 0, failed_tasks = 0,
          killed_tasks = 0;
  std::map<int32_t, IndexSet> completed_indices;  // by stage id
  int64_t num_completed_indices = 0;
  int32_t active_stages = 0, failed_stages = 0;
  std::set<int32_t> completed_stages, skipped_stages;
  std::map<std::string, int32_t> killed_summary;
};

struct ResourceInfo {
  std::string name;
  std::vector<std::string> addresses;
};

struct Executor {
  std::string id;
  std::string host;
  std::optional<std::string> host_port;
  bool active = true;
  int32_t total_cores = 0;
  int32_t max_tasks = 0;
  int64_t add_time = 0;
  std::optional<int64_t> remove_time;
  std::optional<std::string> remove_reason;
  std::vector<std::pair<std::string, std::string>> log_urls;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<ResourceInfo> resources;
  int32_t resource_profile_id = 0;
  int64_t max_memory = 0;
  int64_t total_on_heap = -1, total_off_heap = 0, used_on_heap = 0, used_off_heap = 0;
  int64_t memory_used = 0, disk_used = 0;  // storage (cached blocks), from block updates
  int32_t rdd_blocks = 0;
  int32_t active_tasks = 0, failed_tasks = 0, completed_tasks = 0, total_tasks = 0;
  int64_t total_duration = 0, total_gc_time = 0, total_input_bytes = 0, total_shuffle_read = 0,
          total_shuffle_write = 0;
  int64_t cpu_time_ns = 0, run_time = 0;  // for efficiency metrics
  bool excluded = false;
  std::set<int32_t> excluded_in_stages;
  PeakMetrics peak;
};

struct MiscProcess {
  std::string id;
  std::string host_port;
  bool active = true;
  int32_t cores = 0;
  int64_t add_time = 0;
  std::optional<int64_t> remove_time;
  std::vector<std::pair<std::string, std::string>> logs;
};

struct ResourceRequest {
  std::string name;
  double amount = 0;
  std::string discovery_script;
  std::string vendor;
};
struct ResourceProfile {
  int32_t id = 0;
  std::vector<ResourceRequest> executor_resources;  // amount is integral for executors
  std::vector<ResourceRequest> task_resources;
};

// A SQL metric of a plan node (sparkPlanInfo.metrics[]); type is "sum", "size", "timing",
// "nsTiming" or "average".
struct SqlPlanMetric {
  std::string name;
  int64_t accumulator_id = 0;
  std::string type;
};

// A node of Spark's SparkPlanGraph: an operator or a WholeStageCodegen cluster.
struct SqlPlanNode {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> codegen_id;  // number of the WholeStageCodegen cluster holding it
  std::vector<SqlPlanMetric> metrics;
};

struct SqlPlanGraph {
  std::vector<SqlPlanNode> nodes;                  // every node, clusters included
  std::vector<std::pair<int64_t, int64_t>> edges;  // (fromId = child, toId = parent)
};

using SqlMetricTypes = std::unordered_map<int64_t, std::string>;  // accumulator id → type

// Per-task SQL metric values of one stage attempt (SQLAppStatusListener's LiveStageMetrics).
struct SqlStageMetrics {
  int32_t stage_id = 0, attempt_id = 0, num_tasks = 0;
  std::shared_ptr<const SqlMetricTypes> metric_types;            // as of the job's start
  std::vector<bool> completed;                                   // by task index
  std::unordered_map<int64_t, std::vector<int64_t>> values;      // accumulator → value per index
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> max;  // accumulator → (value, task)
};

struct SqlExecution {
  int64_t id = 0;
  std::string description;
  std::string details;
  std::string plan_description;
  int64_t submission_time = 0;
  std::optional<int64_t> completion_time;
  std::optional<std::string> error_message;
  std::vector<int32_t> job_ids;
  SqlPlanGraph graph;                                  // of the latest plan (AQE updates it)
  std::shared_ptr<const SqlMetricTypes> metric_types;  // metrics of the latest plan
  std::vector<int32_t> stage_ids;                      // stages of its jobs
  std::map<int64_t, int64_t> driver_accum_updates;
  std::optional<std::map<int64_t, std::string>> metric_values;  // fixed when it ends
  int end_events = 0;  // job ends + execution end seen (Spark drops live state when all seen)
  bool live = false;
};

using Properties = std::vector<std::pair<std::string, std::string>>;

struct Environment {
  std::string java_version, java_home, scala_version;
  Properties spark, hadoop, system, metrics, classpath;
  bool present = false;
};

// Counters of what the parser skipped; never fatal.
struct ParseCounters {
  uint64_t lines = 0;
  uint64_t events = 0;
  uint64_t parse_errors = 0;    // lines that are not valid JSON / lack "Event"
  uint64_t unknown_events = 0;  // event names this engine does not model
  uint64_t unknown_fields = 0;  // keys skipped inside modelled events
  uint64_t truncated_last_line = 0;
  std::map<std::string, uint64_t> unknown_event_names;
};

struct AppModel {
  // Application / attempt.
  std::string app_id;
  std::string app_name;
  std::optional<std::string> attempt_id;
  std::string user;
  std::string spark_version;
  int64_t start_time = -1;
  int64_t end_time = -1;
  std::optional<int32_t> exit_code;
  bool ended = false;
  int64_t last_event_time = 0;
  std::vector<std::pair<std::string, std::string>> driver_logs;

  Environment environment;
  std::vector<ResourceProfile> resource_profiles;
  std::map<int32_t, Job> jobs;
  std::map<std::pair<int32_t, int32_t>, Stage> stages;
  SegmentedVector<Task> tasks;
  std::unordered_map<int64_t, uint32_t> task_index;  // task id → index in tasks
  std::map<std::string, Executor> executors;         // by executor id (string order)
  std::vector<std::string> executor_order;           // ids in creation order
  std::map<int32_t, RddInfo> rdds;
  std::map<int64_t, SqlExecution> sql_executions;
  std::unordered_map<int32_t, SqlStageMetrics> sql_stage_metrics;  // stages of live executions
  std::map<std::string, MiscProcess> misc_processes;
  int32_t default_cpus_per_task = 1;

  std::vector<std::string> strings;  // interned executor ids, hosts, localities
  std::unordered_map<std::string, uint32_t> string_ids;
  uint32_t Intern(std::string_view s);
  const std::string& Str(uint32_t id) const { return strings[id]; }

  ParseCounters counters;

  const Stage* FindStage(int32_t stage_id, int32_t attempt) const;
  const Executor* FindExecutor(std::string_view id) const;
};

}  // namespace sparkplane::eventlog
