// SQL tab semantics of Spark: the plan graph (SparkPlanGraph: node ids, WholeStageCodegen
// clusters, edges) built from a sparkPlanInfo tree, and the metric strings of SQLMetrics for the
// per-task values SQLAppStatusListener aggregates.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

// One node of a logged sparkPlanInfo tree.
struct PlanInfo {
  std::string name;           // nodeName
  std::string simple_string;  // simpleString
  std::vector<PlanInfo> children;
  std::vector<SqlPlanMetric> metrics;
};

// The graph Spark's SQL tab draws: ids in depth-first visiting order, InputAdapter nodes left
// out, operators inside a WholeStageCodegen cluster tagged with its number, query stages and
// reused exchanges/subqueries pointing at the first node of an equal plan.
SqlPlanGraph BuildPlanGraph(const PlanInfo& root);

// Accumulator id → metric type of every metric shown in the graph.
std::shared_ptr<const SqlMetricTypes> PlanMetricTypes(const SqlPlanGraph& graph);

// Accumulator id → display string of every metric with values (SQLAppStatusListener's
// aggregateMetrics over the execution's stages plus driver-side updates).
std::map<int64_t, std::string> AggregateSqlMetrics(
    const SqlExecution& execution, const std::unordered_map<int32_t, SqlStageMetrics>& stages);

// SQLMetrics.stringValue. `max` is (value, stage id, stage attempt, task id) of the largest task
// value, or null for driver-only values.
std::string SqlMetricString(std::string_view type, std::vector<int64_t> values,
                            const std::array<int64_t, 4>* max);

// The iteration order of a Scala 2.13 immutable Set/Map of these Int keys built by inserting
// them in this order: insertion order up to 4 keys, else the hash trie's (CHAMP) order. Spark
// lists an execution's jobs and walks its stages in this order.
std::vector<int32_t> ScalaHashOrder(std::vector<int32_t> keys);

// Spark's Utils.bytesToString ("1024.0 B", "2.5 KiB") and msDurationToString ("12 ms", "1.5 s").
std::string SparkBytesString(int64_t bytes);
std::string SparkDurationString(int64_t ms);

}  // namespace sparkplane::eventlog
