#include "eventlog/sql_plan.hpp"

#include <gtest/gtest.h>

namespace sparkplane::eventlog {
namespace {

PlanInfo Node(std::string name, std::vector<PlanInfo> children = {},
              std::vector<SqlPlanMetric> metrics = {}) {
  return PlanInfo{name, name, std::move(children), std::move(metrics)};
}

TEST(SqlPlanTest, CodegenClustersInputAdaptersAndReusedExchanges) {
  // Project <- WholeStageCodegen(1)[Filter <- InputAdapter <- Exchange <- Scan]
  //         <- ReusedExchange(of the same Exchange)
  PlanInfo scan = Node("Scan", {}, {{"number of output rows", 7, "sum"}});
  PlanInfo exchange = Node("Exchange", {scan});
  PlanInfo root = Node(
      "Union", {Node("WholeStageCodegen (1)", {Node("Filter", {Node("InputAdapter", {exchange})})},
                     {{"duration", 9, "timing"}}),
                Node("ReusedExchange", {exchange})});
  SqlPlanGraph g = BuildPlanGraph(root);
  // Ids in visiting order: Union 0, cluster 1, Filter 2, Exchange 3, Scan 4.
  ASSERT_EQ(g.nodes.size(), 5u);
  std::map<int64_t, const SqlPlanNode*> by_id;
  for (const auto& n : g.nodes) by_id[n.id] = &n;
  EXPECT_EQ(by_id[1]->name, "WholeStageCodegen (1)");
  EXPECT_EQ(by_id[2]->name, "Filter");
  EXPECT_EQ(by_id[2]->codegen_id, 1);
  EXPECT_FALSE(by_id[3]->codegen_id);  // below the InputAdapter: outside the cluster
  std::vector<std::pair<int64_t, int64_t>> edges = {{2, 0}, {3, 2}, {4, 3}, {3, 0}};
  EXPECT_EQ(g.edges, edges);
  auto types = PlanMetricTypes(g);
  EXPECT_EQ(types->at(7), "sum");
  EXPECT_EQ(types->at(9), "timing");
}

TEST(SqlPlanTest, MetricStringsFollowSqlMetrics) {
  std::array<int64_t, 4> max{300, 6, 0, 15};
  EXPECT_EQ(SqlMetricString("sum", {1000, 234567}, nullptr), "235,567");
  EXPECT_EQ(SqlMetricString("size", {520, 528, 520, 520}, &max),
            "total (min, med, max (stageId: taskId))\n2.0 KiB (520.0 B, 520.0 B, 528.0 B "
            "(stage 6.0: task 15))");
  EXPECT_EQ(SqlMetricString("size", {520, 480, 520, 520}, &max),
            "total (min, med, max (stageId: taskId))\n2040.0 B (480.0 B, 520.0 B, 520.0 B "
            "(stage 6.0: task 15))");
  EXPECT_EQ(SqlMetricString("timing", {12}, nullptr), "12 ms");
  EXPECT_EQ(SqlMetricString("timing", {-1}, nullptr), "0 ms");
  EXPECT_EQ(SqlMetricString("nsTiming", {1500000000}, nullptr), "1.5 s");
  EXPECT_EQ(SqlMetricString("average", {10, 15, 0}, &max),
            "(min, med, max (stageId: taskId)):\n(1, 1.5, 1.5 (stage 6.0: task 15))");
  EXPECT_EQ(SparkBytesString(1048576 * 3 + 104858), "3.1 MiB");
  EXPECT_EQ(SparkBytesString(2047), "2047.0 B");
  EXPECT_EQ(SparkDurationString(90 * 60 * 1000), "1.50 h");
  EXPECT_EQ(SparkDurationString(61000), "1.0 m");
}

TEST(SqlPlanTest, ScalaHashOrderOfSmallAndLargeSets) {
  EXPECT_EQ(ScalaHashOrder({16, 15}), (std::vector<int32_t>{16, 15}));
  // Checked against Spark 4.0.1's History Server (jobs 4-8 of one execution, stages 5-13).
  EXPECT_EQ(ScalaHashOrder({4, 5, 6, 7, 8}), (std::vector<int32_t>{5, 6, 7, 8, 4}));
  EXPECT_EQ(ScalaHashOrder({5, 6, 7, 8, 9, 10, 11, 12, 13}),
            (std::vector<int32_t>{5, 10, 6, 9, 13, 12, 7, 11, 8}));
}

}  // namespace
}  // namespace sparkplane::eventlog
