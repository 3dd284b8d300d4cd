#include "eventlog/metrics.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eventlog/app_builder.hpp"
#include "eventlog/live.hpp"

namespace sparkplane::eventlog {
namespace {

// A 10 s app: one 2-core executor up from t=0 to t=10 s, two tasks of 4 s each (run time
// 3.5 s, CPU 2 s, GC 0.5 s), 100 input bytes each.
void SyntheticApp(AppBuilder& b) {
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerApplicationStart","App Name":"m","App ID":"app-m","Timestamp":1000000,"User":"u"})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.executor.memory":"1g","spark.executor.memoryOverhead":"512m"}})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerExecutorAdded","Timestamp":1000000,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":2,"Log Urls":{}}})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1000000,"Stage Infos":[{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s","Number of Tasks":2,"RDD Info":[],"Parent IDs":[],"Details":""}],"Stage IDs":[0]})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s","Number of Tasks":2,"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":1000000}})");
  for (int i = 0; i < 2; ++i) {
    int64_t launch = 1001000 + i * 1000;
    b.OnUnpaddedLine(fmt::format(
        R"({{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{{"Task ID":{},"Index":{},"Attempt":0,"Launch Time":{},"Executor ID":"1","Host":"h","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}}})",
        i, i, launch));
    b.OnUnpaddedLine(fmt::format(
        R"({{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{{"Reason":"Success"}},"Task Info":{{"Task ID":{},"Index":{},"Attempt":0,"Launch Time":{},"Executor ID":"1","Host":"h","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":{},"Failed":false,"Killed":false,"Accumulables":[]}},"Task Metrics":{{"Executor Run Time":3500,"Executor CPU Time":2000000000,"JVM GC Time":500,"Input Metrics":{{"Bytes Read":100,"Records Read":10}},"Output Metrics":{{"Bytes Written":7,"Records Written":1}}}}}})",
        i, i, launch, launch + 4000));
  }
  b.OnUnpaddedLine(R"({"Event":"SparkListenerApplicationEnd","Timestamp":1010000})");
}

TEST(MetricsTest, DesignDefinitions) {
  AppBuilder b;
  SyntheticApp(b);
  ASSERT_EQ(b.model().counters.parse_errors, 0u);
  AppMetrics m = ComputeAppMetrics(b.model(), true);
  EXPECT_EQ(m.duration_ms, 10000);
  EXPECT_DOUBLE_EQ(m.core_seconds, 20.0);  // 2 cores × 10 s
  EXPECT_DOUBLE_EQ(m.task_seconds, 7.0);   // 2 × 3.5 s run time
  EXPECT_DOUBLE_EQ(m.efficiency, 7.0 / 20.0);
  EXPECT_DOUBLE_EQ(m.cpu_utilisation, 4.0 / 20.0);
  EXPECT_DOUBLE_EQ(m.gc_share, 1.0 / 7.0);
  EXPECT_EQ(m.io.input_bytes, 200);
  EXPECT_EQ(m.io.output_records, 2);
  ASSERT_EQ(m.memory.size(), 1u);
  EXPECT_EQ(m.memory[0].request_bytes, (int64_t{1} << 30) + (int64_t{512} << 20));
  // Series: 10 buckets; tasks run 1–5 s and 2–6 s; the executor is up the whole time.
  ASSERT_EQ(m.running_tasks.size(), 10u);
  EXPECT_DOUBLE_EQ(m.running_tasks[0], 0.0);
  EXPECT_DOUBLE_EQ(m.running_tasks[1], 1.0);
  EXPECT_DOUBLE_EQ(m.running_tasks[3], 2.0);
  EXPECT_DOUBLE_EQ(m.running_tasks[5], 1.0);
  EXPECT_DOUBLE_EQ(m.running_tasks[6], 0.0);
  for (double cores : m.active_executor_cores) EXPECT_DOUBLE_EQ(cores, 2.0);
}

TEST(MetricsTest, LiveSummaryMatchesMetrics) {
  AppBuilder b;
  SyntheticApp(b);
  LiveSummary s = Summarize(b.model(), true, 0);
  EXPECT_DOUBLE_EQ(s.spark_cores_duration_seconds, 20.0);
  EXPECT_DOUBLE_EQ(s.efficiency_percent, 35.0);
  EXPECT_EQ(s.input_data_bytes, 200);
  EXPECT_EQ(s.output_data_bytes, 14);
  EXPECT_EQ(s.cores, 2);
  EXPECT_EQ(s.executors, 1);
  EXPECT_EQ(s.tasks, 2);
}

TEST(MetricsTest, SparkMemoryStrings) {
  EXPECT_EQ(ParseSparkMemory("4g"), int64_t{4} << 30);
  EXPECT_EQ(ParseSparkMemory("512m"), int64_t{512} << 20);
  EXPECT_EQ(ParseSparkMemory("1024"), int64_t{1024} << 20);
  EXPECT_EQ(ParseSparkMemory("2GB"), int64_t{2} << 30);
  EXPECT_FALSE(ParseSparkMemory("lots"));
}

}  // namespace
}  // namespace sparkplane::eventlog
