#include "eventlog/app_builder.hpp"

#include <gtest/gtest.h>

#include "eventlog/test_support.hpp"

namespace sparkplane::eventlog {
namespace {

using testing::SparkHistoryData;

TEST(AppBuilderTest, EveryTestLogParsesWithZeroErrors) {
  int logs = 0;
  for (const char* dir : {"spark-events", "spark-events-broken/last-attempt-incomplete",
                          "spark-events-broken/previous-attempt-incomplete"}) {
    for (const auto& path : ListLogs(SparkHistoryData() / dir)) {
      AppBuilder builder;
      auto stats = ReadLog(path, builder);
      ASSERT_TRUE(stats) << path;
      const auto& c = builder.model().counters;
      EXPECT_EQ(c.parse_errors, 0u) << path;
      EXPECT_EQ(c.unknown_events, 0u) << path;
      EXPECT_EQ(c.events, c.lines) << path;
      EXPECT_FALSE(builder.model().app_id.empty()) << path;
      ++logs;
    }
  }
  EXPECT_EQ(logs, 22);
}

TEST(AppBuilderTest, ModelsTheMainFixture) {
  AppBuilder b;
  ASSERT_TRUE(ReadLog(SparkHistoryData() / "spark-events" / "local-1422981780767", b));
  const AppModel& m = b.model();
  EXPECT_EQ(m.app_id, "local-1422981780767");
  EXPECT_EQ(m.app_name, "Spark shell");
  EXPECT_TRUE(m.ended);
  EXPECT_EQ(m.jobs.size(), 3u);
  EXPECT_EQ(m.jobs.at(0).status, JobStatus::kSucceeded);
  EXPECT_FALSE(m.tasks.empty());
  EXPECT_EQ(m.FindStage(1, 0)->completed_tasks, 8);
}

TEST(AppBuilderTest, UnknownEventsAndFieldsAreSkippedAndCounted) {
  AppBuilder b;
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerApplicationStart","App Name":"x","App ID":"a-1","Timestamp":5,"User":"u","Brand New":1})");
  b.OnUnpaddedLine(R"({"Event":"com.example.MyEvent","a":1})");
  b.OnUnpaddedLine(R"({"Event":"SparkListenerApplicationEnd","Timestamp":9})");
  const auto& c = b.model().counters;
  EXPECT_EQ(c.unknown_events, 1u);
  EXPECT_EQ(c.unknown_fields, 1u);
  EXPECT_EQ(c.parse_errors, 0u);
  EXPECT_EQ(c.unknown_event_names.at("com.example.MyEvent"), 1u);
  EXPECT_EQ(b.model().app_id, "a-1");
  EXPECT_EQ(b.model().end_time, 9);
}

TEST(AppBuilderTest, EventNameNeedNotComeFirst) {
  AppBuilder b;
  b.OnUnpaddedLine(R"({"App ID":"a-2","Event":"SparkListenerApplicationStart","Timestamp":7})");
  EXPECT_EQ(b.model().app_id, "a-2");
  EXPECT_EQ(b.model().start_time, 7);
}

// A task line that repeats a key gives the same tasks whether it is read by the JSON parser,
// the cursor or a template learned from an earlier line of the same shape.
TEST(AppBuilderTest, RepeatedKeysGiveTheSameTasksOnEveryPath) {
  auto read = [](BuilderOptions options) {
    AppBuilder b(options);
    for (int id : {1, 2, 3}) {
      std::string n = std::to_string(id);
      b.OnUnpaddedLine(R"({"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,)"
                       R"("Task Info":{"Task ID":)" +
                       n + R"(,"Index":5},"Task Info":{"Task ID":)" + n + "}}");
    }
    std::vector<std::pair<int64_t, int32_t>> tasks;
    for (size_t i = 0; i < b.model().tasks.size(); ++i)
      tasks.emplace_back(b.model().tasks[i].task_id, b.model().tasks[i].index);
    return tasks;
  };
  BuilderOptions json, cursor, templates;
  json.fast_task_events = false;
  cursor.task_line_templates = false;
  auto expected = read(json);
  ASSERT_EQ(expected.size(), 3u);
  EXPECT_EQ(expected[2], std::make_pair(int64_t{3}, int32_t{0}));  // the last Task Info wins
  EXPECT_EQ(read(cursor), expected);
  EXPECT_EQ(read(templates), expected);
}

// Corruption list for the line parser: truncated, garbage, wrong types, never half-applied.
TEST(AppBuilderTest, CorruptLinesAreCountedNotApplied) {
  AppBuilder b;
  b.OnUnpaddedLine(
      R"({"Event":"SparkListenerApplicationStart","App Name":"x","App ID":"a-3","Timestamp":1})");
  const char* bad[] = {
      R"({"Event":"SparkListenerTaskStart","Stage ID":0,"Task Info":{"Task ID":1,)",  // truncated
      "\x01\x02garbage\xff",
      R"({"Event":"SparkListenerJobStart","Job ID":"x","Stage Infos":7})",  // wrong types
      R"({"Event":)",
      R"([1,2,3])",
      R"({"Event":"SparkListenerApplicationEnd","Timestamp":{"a":1}})",
  };
  for (const char* line : bad) b.OnUnpaddedLine(line);
  EXPECT_EQ(b.model().counters.parse_errors, std::size(bad));
  EXPECT_TRUE(b.model().tasks.empty());
  EXPECT_TRUE(b.model().jobs.empty());
  EXPECT_FALSE(b.model().ended);
}

// Parallel parsing must give exactly the sequential model (checked through the REST JSON).
TEST(AppBuilderTest, ParallelParseMatchesSequential) {
  for (const auto& path : ListLogs(SparkHistoryData() / "spark-events")) {
    AppBuilder sequential;
    BuilderOptions options;
    options.parse_threads = 2;
    options.parallel_min_bytes = 1;
    options.parallel_chunk_bytes = 700;
    options.chunks_ahead = 3;
    AppBuilder parallel(options);
    ASSERT_TRUE(ReadLog(path, sequential));
    ASSERT_TRUE(ReadLog(path, parallel));
    const AppModel& a = sequential.model();
    const AppModel& b = parallel.model();
    EXPECT_EQ(a.counters.events, b.counters.events) << path;
    EXPECT_EQ(a.counters.lines, b.counters.lines) << path;
    ASSERT_EQ(a.tasks.size(), b.tasks.size()) << path;
    for (size_t i = 0; i < a.tasks.size(); ++i) {
      EXPECT_EQ(a.tasks[i].metrics, b.tasks[i].metrics);
      EXPECT_EQ(a.tasks[i].finish_time, b.tasks[i].finish_time);
      EXPECT_EQ(a.tasks[i].accumulables.size(), b.tasks[i].accumulables.size());
    }
    ASSERT_EQ(a.stages.size(), b.stages.size());
    for (const auto& [key, stage] : a.stages) {
      EXPECT_EQ(stage.metrics, b.stages.at(key).metrics) << path;
      EXPECT_EQ(stage.completed_tasks, b.stages.at(key).completed_tasks) << path;
    }
  }
}

class Lines : public LineSink {
 public:
  void OnLine(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

// Task lines read straight from a text find their own line end; a cut line must stay one bad
// line next to the good ones, exactly as when lines are split first.
TEST(AppBuilderTest, CutTaskLinesInParallelTextsMatchSequential) {
  Lines log;
  ASSERT_TRUE(ReadLog(std::filesystem::path(SPARKPLANE_SOURCE_DIR) /
                          "src/eventlog/testdata/spark4_sql/logs/eventlog_v2_local-1795508970087",
                      log));
  std::string text;
  for (const auto& l : log.lines) {
    if (l.find("\"SparkListenerTaskEnd\"") != std::string::npos) {
      text += l.substr(0, l.find("\"Host\":\"") + 10) + "\n";  // cut inside a string
      text += l.substr(0, l.size() - 1) + "\r\n";              // cut before the last '}'
      text += l.substr(0, l.find("\"Locality\"")) + "\n" + l.substr(l.find("\"Locality\"")) + "\n";
    }
    text += l + "\n";
  }
  BuilderOptions parallel_options;
  parallel_options.parse_threads = 2;
  parallel_options.parallel_min_bytes = 1;
  parallel_options.parallel_chunk_bytes = 3000;
  AppBuilder sequential, parallel(parallel_options);
  std::string padded = text + std::string(kLinePadding, ' ');
  std::string_view view(padded.data(), text.size());
  sequential.OnText(view);
  parallel.OnText(view);
  const auto& a = sequential.model().counters;
  const auto& b = parallel.model().counters;
  EXPECT_GT(a.parse_errors, 0u);
  EXPECT_EQ(a.parse_errors, b.parse_errors);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(sequential.model().tasks.size(), parallel.model().tasks.size());
}

// A builder kept after its log completed releases its parsing threads and buffers; more text
// starts them again and the model is the one a single pass gives.
TEST(AppBuilderTest, ParserRestartsAfterRelease) {
  Lines log;
  ASSERT_TRUE(ReadLog(std::filesystem::path(SPARKPLANE_SOURCE_DIR) /
                          "src/eventlog/testdata/spark4_sql/logs/eventlog_v2_local-1795508970087",
                      log));
  std::string first, second;
  for (size_t i = 0; i < log.lines.size(); ++i)
    (i < log.lines.size() / 2 ? first : second) += log.lines[i] + "\n";
  BuilderOptions options;
  options.parse_threads = 2;
  options.parallel_min_bytes = 1;
  options.parallel_chunk_bytes = 2000;
  AppBuilder whole, released(options);
  std::string all = first + second + std::string(kLinePadding, ' ');
  whole.OnText(std::string_view(all.data(), first.size() + second.size()));
  first += std::string(kLinePadding, ' ');
  second += std::string(kLinePadding, ' ');
  auto threads = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                         std::filesystem::directory_iterator{});
  };
  const auto base = threads();
  released.OnText(std::string_view(first.data(), first.size() - kLinePadding));
  EXPECT_EQ(threads(), base + 1);  // the pool thread waits for the next text
  released.ReleaseParser();
  released.ReleaseParser();  // twice is harmless
  EXPECT_EQ(threads(), base);
  released.OnText(std::string_view(second.data(), second.size() - kLinePadding));
  EXPECT_EQ(threads(), base + 1);  // started again
  EXPECT_GT(whole.model().tasks.size(), 0u);
  EXPECT_EQ(whole.model().counters.events, released.model().counters.events);
  EXPECT_EQ(whole.model().counters.parse_errors, released.model().counters.parse_errors);
  ASSERT_EQ(whole.model().tasks.size(), released.model().tasks.size());
  for (size_t i = 0; i < whole.model().tasks.size(); ++i)
    EXPECT_EQ(whole.model().tasks[i].metrics, released.model().tasks[i].metrics);
}

TEST(AppBuilderTest, ExcludedExecutorsAndPeakMetrics) {
  AppBuilder b;
  ASSERT_TRUE(ReadLog(SparkHistoryData() / "spark-events" / "application_1553914137147_0018", b));
  const Executor* driver = b.model().FindExecutor("driver");
  ASSERT_NE(driver, nullptr);
  EXPECT_TRUE(driver->peak.set);
  EXPECT_EQ(driver->peak.values[0], 209883992);
}

}  // namespace
}  // namespace sparkplane::eventlog
