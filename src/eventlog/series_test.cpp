#include "eventlog/series.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <numeric>

#include "eventlog/app_builder.hpp"

namespace sparkplane::eventlog {
namespace {

// A 10 s app: one 2-core executor for its whole life; job 0 with stage 0 runs two tasks, at
// 1–5 s and 2–6 s (run time 3.5 s of which CPU 2 s and GC 0.5 s; so 0.5 s scheduler delay).
// With `third_running`, a third task starts at 8 s and never ends (the log is cut there).
void SyntheticApp(AppBuilder& b, bool third_running = false) {
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerApplicationStart","App Name":"s","App ID":"app-s","Timestamp":1000000,"User":"u"})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerExecutorAdded","Timestamp":1000000,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":2,"Log Urls":{}}})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1000000,"Stage Infos":[{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"RDD Info":[],"Parent IDs":[],"Details":""}],"Stage IDs":[0]})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":1000500}})");
  auto task_info = [](int id, int64_t launch, int64_t finish) {
    return fmt::format(
        R"("Task Info":{{"Task ID":{},"Index":{},"Attempt":0,"Launch Time":{},"Executor ID":"1","Host":"h","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":{},"Failed":false,"Killed":false,"Accumulables":[]}})",
        id, id, launch, finish);
  };
  for (int i = 0; i < 2; ++i) {
    int64_t launch = 1001000 + i * 1000;
    b.OnUnpaddedLine(
        fmt::format(R"({{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,{}}})",
                    task_info(i, launch, 0)));
  }
  for (int i = 0; i < 2; ++i) {
    int64_t launch = 1001000 + i * 1000;
    b.OnUnpaddedLine(fmt::format(
        R"({{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{{"Reason":"Success"}},{},"Task Metrics":{{"Executor Run Time":3500,"Executor CPU Time":2000000000,"JVM GC Time":500}}}})",
        task_info(i, launch, launch + 4000)));
  }
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":1000500,"Completion Time":1006000}})");
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":1007000,"Job Result":{"Result":"JobSucceeded"}})");
  if (third_running) {
    b.OnUnpaddedLine(
        fmt::format(R"({{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,{}}})",
                    task_info(2, 1008000, 0)));
  }
  b.OnUnpaddedLine(R"({"Event":"SparkListenerApplicationEnd","Timestamp":1010000})");
}

double Sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(SeriesTest, PeaksPerBucketAndTheBreakdownAddUp) {
  AppBuilder b;
  SyntheticApp(b);
  AppSeries s = ComputeAppSeries(b.model(), true, 10);
  EXPECT_EQ(s.start_time, 1000000);
  EXPECT_EQ(s.duration_ms, 10000);
  EXPECT_EQ(s.bucket_ms, 1000);
  ASSERT_EQ(s.t.size(), 10u);
  EXPECT_EQ(s.t[3], 3000);
  EXPECT_EQ(s.cores, std::vector<double>(10, 2.0));
  EXPECT_EQ(s.tasks, (std::vector<double>{0, 1, 2, 2, 2, 1, 0, 0, 0, 0}));
  EXPECT_EQ(s.peak_cores, 2);
  EXPECT_EQ(s.peak_tasks, 2);
  // Per task (4 s): CPU 2 s, GC 0.5 s, I/O 1 s (run − CPU − GC), internals 0.5 s.
  EXPECT_NEAR(s.total_cpu, 4000, 1e-6);
  EXPECT_NEAR(s.total_gc, 1000, 1e-6);
  EXPECT_NEAR(s.total_io, 2000, 1e-6);
  EXPECT_NEAR(s.total_internals, 1000, 1e-6);
  EXPECT_NEAR(s.total_shuffle, 0, 1e-6);
  EXPECT_NEAR(s.total_running, 0, 1e-6);
  // No task at 0–1 s and 6–10 s: 5 s × 2 cores; one core idle at 1–2 s and 5–6 s.
  EXPECT_NEAR(s.total_all_idle, 10000, 1e-6);
  EXPECT_NEAR(s.total_some_idle, 2000, 1e-6);
  EXPECT_NEAR(s.all_idle[0], 2.0, 1e-9);
  EXPECT_NEAR(s.some_idle[1], 1.0, 1e-9);
  // Every bucket's categories stack up to the allocated cores.
  for (size_t i = 0; i < s.t.size(); ++i) {
    double stacked = s.cpu[i] + s.io[i] + s.shuffle[i] + s.gc[i] + s.internals[i] + s.running[i] +
                     s.some_idle[i] + s.all_idle[i];
    EXPECT_NEAR(stacked, 2.0, 1e-9) << "bucket " << i;
  }
  ASSERT_EQ(s.jobs.size(), 1u);
  EXPECT_EQ(s.jobs[0].start, 0);
  EXPECT_EQ(s.jobs[0].end, 7000);
  EXPECT_EQ(s.jobs[0].status, "SUCCEEDED");
  ASSERT_EQ(s.stages.size(), 1u);
  EXPECT_EQ(s.stages[0].name, "collect");
  EXPECT_EQ(s.stages[0].start, 1000);  // its first task, not its submission
  EXPECT_EQ(s.stages[0].end, 6000);
  EXPECT_EQ(s.stages[0].parents, std::vector<int32_t>{0});
}

TEST(SeriesTest, WidthBoundsTheBucketsAndKeepsPeaks) {
  AppBuilder b;
  SyntheticApp(b);
  for (int width : {1, 3, 7, 600, 20000}) {
    AppSeries s = ComputeAppSeries(b.model(), true, width);
    EXPECT_LE(s.t.size(), static_cast<size_t>(width)) << width;
    EXPECT_EQ(s.peak_tasks, 2) << width;  // the max survives any bucketing
    EXPECT_NEAR(Sum(s.cpu) * static_cast<double>(s.bucket_ms), 4000, 1e-6) << width;
  }
  EXPECT_EQ(ComputeAppSeries(b.model(), true, 0).t.size(), 1u);
}

TEST(SeriesTest, UnfinishedTasksAreRunningUntilTheLogEnds) {
  AppBuilder b;
  SyntheticApp(b, true);
  AppSeries s = ComputeAppSeries(b.model(), true, 10);
  EXPECT_NEAR(s.total_running, 2000, 1e-6);  // 8–10 s
  EXPECT_EQ(s.tasks[9], 1);
  EXPECT_NEAR(s.total_all_idle, 2 * 1000 + 2 * 2000, 1e-6);  // 0–1 s, 6–8 s
}

TEST(SeriesTest, JsonIsColumnar) {
  AppBuilder b;
  SyntheticApp(b);
  std::string json = AppSeriesJson(ComputeAppSeries(b.model(), true, 5));
  EXPECT_NE(json.find(R"("t":[0,2000,4000,6000,8000])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("breakdown":{"cpu":[)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("stages":[{"id":0)"), std::string::npos) << json;
}

}  // namespace
}  // namespace sparkplane::eventlog
