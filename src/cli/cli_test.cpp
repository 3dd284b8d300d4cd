#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flag_values.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "common/util.hpp"

namespace sparkplane::cli {
namespace {
namespace json = boost::json;

TEST(ServerUrl, AcceptsHostPortHttpAndHttps) {
  EXPECT_EQ(NormalizeServerUrl("127.0.0.1:8080").value(), "http://127.0.0.1:8080");
  EXPECT_EQ(NormalizeServerUrl("localhost:8080/").value(), "http://localhost:8080");
  EXPECT_EQ(NormalizeServerUrl("http://h:1").value(), "http://h:1");
  EXPECT_EQ(NormalizeServerUrl("https://h:443/").value(), "https://h:443");
  for (auto bad : {"", "ftp://h:1", "http://", "h:1/ocean", "http://h:1?x=1", "a b:1"}) {
    auto r = NormalizeServerUrl(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("HOST:PORT"), std::string::npos);
  }
}

TEST(QueryString, EncodesInOrderAndSkipsEmptyValues) {
  EXPECT_EQ(QueryString({}), "");
  EXPECT_EQ(
      QueryString(
          {{"state", "RUNNING"}, {"jobId", ""}, {"minCreatedAt", "2026-12-01T00:00:00.000Z"}}),
      "?state=RUNNING&minCreatedAt=2026-12-01T00%3A00%3A00.000Z");
}

TEST(ExitCodes, OneTableFromHttpStatusesAndErrorCodes) {
  auto from_status = [](int status) { return ExitCodeFor(ErrorCodeForHttpStatus(status)); };
  EXPECT_EQ(from_status(400), 2);
  EXPECT_EQ(from_status(401), 4);
  EXPECT_EQ(from_status(403), 4);
  EXPECT_EQ(from_status(404), 3);
  EXPECT_EQ(from_status(409), 5);
  EXPECT_EQ(from_status(413), 1);
  EXPECT_EQ(from_status(500), 1);
  EXPECT_EQ(from_status(503), 1);
  EXPECT_EQ(ExitCodeFor(ErrorCode::kUnavailable), 1) << "cannot connect";
  EXPECT_EQ(ExitCodeFor(ErrorCode::kFailedPrecondition), 1) << "no server configured";
  EXPECT_EQ(ExitCodeFor(ErrorCode::kInvalidArgument), 2);
}

TEST(Since, AgesAndTimes) {
  int64_t now = ParseIsoMillis("2026-12-08T12:00:00Z").value();
  EXPECT_EQ(SinceToIso("90s", now).value(), "2026-12-08T11:58:30.000Z");
  EXPECT_EQ(SinceToIso("30m", now).value(), "2026-12-08T11:30:00.000Z");
  EXPECT_EQ(SinceToIso("2h", now).value(), "2026-12-08T10:00:00.000Z");
  EXPECT_EQ(SinceToIso("7d", now).value(), "2026-12-01T12:00:00.000Z");
  EXPECT_EQ(SinceToIso("2026-12-01", now).value(), "2026-12-01T00:00:00.000Z");
  EXPECT_EQ(SinceToIso("2026-12-01T08:00:00Z", now).value(), "2026-12-01T08:00:00.000Z");
  for (auto bad : {"", "yesterday", "5w", "-1h", "2h30m", "99999999999999999999d"}) {
    auto r = SinceToIso(bad, now);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().message.find("--since"), std::string::npos);
  }
}

TEST(State, AnyCaseOfTheSevenStates) {
  EXPECT_EQ(NormalizeAppState("running").value(), "RUNNING");
  EXPECT_EQ(NormalizeAppState("Completed_With_Warnings").value(), "COMPLETED_WITH_WARNINGS");
  auto bad = NormalizeAppState("DONE");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("PENDING, RUNNING"), std::string::npos);
}

TEST(Submission, MapsFlagsToTheApplicationSpec) {
  SubmitFlags f;
  f.job_id = "etl";
  f.template_id = "small";
  f.file_and_args = {"jobs/etl.py", "2026-12-01", "--full"};
  f.confs = {"spark.sql.shuffle.partitions=8", "spark.x=a=b"};
  f.driver_memory = "2g";
  f.executor_memory = "4g";
  f.executors = 3;
  f.py_files = {"lib.zip", "/abs/util.py"};
  f.jars = {"s3a://bucket/x.jar"};
  auto body = SubmissionBody(f, "/work/dir").value();
  auto expected = json::parse(R"({
    "jobId": "etl", "configTemplateId": "small",
    "configOverrides": {
      "mainApplicationFile": "/work/dir/jobs/etl.py", "arguments": ["2026-12-01", "--full"],
      "sparkConf": {"spark.sql.shuffle.partitions": "8", "spark.x": "a=b"},
      "driver": {"memory": "2g"}, "executor": {"memory": "4g", "instances": 3},
      "deps": {"pyFiles": ["/work/dir/lib.zip", "/abs/util.py"], "jars": ["s3a://bucket/x.jar"]}}})");
  EXPECT_EQ(json::value(body), expected) << json::serialize(body);
}

TEST(Submission, OnlyTheFlagsGiven) {
  SubmitFlags f;
  f.file_and_args = {"/a/pi.py"};
  auto body = SubmissionBody(f, "/").value();
  EXPECT_EQ(json::value(body),
            json::parse(R"({"jobId":"","configOverrides":{"mainApplicationFile":"/a/pi.py"}})"));
}

TEST(Submission, RejectsMalformedValuesNamingTheFlag) {
  auto error_of = [](SubmitFlags f) {
    f.file_and_args = {"/a/pi.py"};
    auto r = SubmissionBody(f, "/");
    EXPECT_FALSE(r.has_value());
    EXPECT_EQ(r ? ErrorCode::kInternal : r.error().code, ErrorCode::kInvalidArgument);
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(error_of({.executor_memory = "4 GB"}),
            "--executor-memory '4 GB' is not a memory size; use e.g. 512m, 4g or 8.5g");
  EXPECT_NE(error_of({.driver_memory = "lots"}).find("--driver-memory"), std::string::npos);
  EXPECT_EQ(error_of({.confs = {"novalue"}}), "--conf 'novalue' must be KEY=VALUE");
  EXPECT_EQ(error_of({.confs = {"=x"}}), "--conf '=x' must be KEY=VALUE");
  EXPECT_EQ(error_of({.executors = 0}), "--executors 0 must be at least 1");
}

TEST(Progress, CountsStagesAndTasksSkippingSkippedStages) {
  auto stages = json::parse(R"([
    {"status":"ACTIVE","numTasks":100,"numCompleteTasks":30,"numActiveTasks":8,"numFailedTasks":2},
    {"status":"PENDING","numTasks":50,"numCompleteTasks":0,"numActiveTasks":0,"numFailedTasks":0},
    {"status":"COMPLETE","numTasks":50,"numCompleteTasks":50,"numActiveTasks":0,"numFailedTasks":0},
    {"status":"SKIPPED","numTasks":70,"numCompleteTasks":0,"numActiveTasks":0,"numFailedTasks":0}])");
  EXPECT_EQ(ProgressLine("RUNNING", "1m05s", stages),
            "RUNNING 1m05s · stages 1/3 (1 running) · tasks 80/200 (8 running, 2 failed)");
  EXPECT_EQ(ProgressLine("RUNNING", "3s", json::array{}), "RUNNING 3s");
  EXPECT_EQ(ProgressLine("RUNNING", "-", nullptr), "RUNNING");
  EXPECT_EQ(ProgressLine("RUNNING", "3s", json::parse(R"({"not":"stages"})")), "RUNNING 3s");
}

TEST(Output, TablesAlignColumnsWithoutTrailingSpaces) {
  EXPECT_EQ(FormatTable({{"ID", "STATE"}, {"a-long-id", "RUNNING"}, {"b", ""}}),
            "ID         STATE\na-long-id  RUNNING\nb\n");
}

TEST(Output, DurationOfAnApp) {
  EXPECT_EQ(Duration(json::parse(R"({"appState":"PENDING"})")), "-");
  EXPECT_EQ(
      Duration(json::parse(
          R"({"startedAt":"2026-12-08T12:00:00.000Z","endedAt":"2026-12-08T12:00:42.000Z"})")),
      "42s");
  EXPECT_EQ(
      Duration(json::parse(
          R"({"startedAt":"2026-12-08T12:00:00.000Z","endedAt":"2026-12-08T12:03:05.500Z"})")),
      "3m05s");
}

}  // namespace
}  // namespace sparkplane::cli
