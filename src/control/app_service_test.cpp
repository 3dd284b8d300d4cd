// The queue and state machine with a stand-in spark-submit (a shell script that sleeps or fails
// as its arguments say). Real Spark runs in the api integration tests.
#include "control/app_service.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>

#include "common/util.hpp"
#include "common/wait.hpp"
#include "runtime/local_runtime.hpp"

namespace sparkplane::control {
namespace {
namespace json = boost::json;
using store::AppState;

class AppServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sp-ctl-" + RandomHex(8));
    std::filesystem::create_directories(dir_ / "spark" / "bin");
    // The last argv entry is the app's first argument: seconds to sleep, then the exit code.
    ASSERT_TRUE(WriteFileAtomic(dir_ / "spark" / "bin" / "spark-submit",
                                "#!/bin/sh\nfor a; do prev=$last; last=$a; done\n"
                                "echo starting\nsleep $prev\n"
                                "if [ $last = w ]; then echo '26/11/24 05:53:58 ERROR Test: logged, not fatal'; exit 0; fi\n"
                                "if [ $last != 0 ]; then echo 'Traceback (most recent call last):'; "
                                "echo 'ValueError: boom'; fi\nexit $last\n",
                                0755)
                    .has_value());
    ASSERT_TRUE(WriteFileAtomic(dir_ / "app.py", "print(1)\n").has_value());
    store_ = std::move(*store::OpenSqliteStore((dir_ / "db").string()));
    ASSERT_TRUE(store_->InsertCluster({"osc-00000001", "AVAILABLE", "local", 1, 1}).has_value());
    AppServiceOptions options{dir_ / "data", dir_ / "spark", 2, std::chrono::milliseconds(500)};
    options.clock = &clock_;
    service_ = std::make_unique<AppService>(
        *store_, options,
        runtime::MakeLocalRuntime({{dir_ / "spark", "/usr/bin/python3", ""}, 1, 2}));
    service_->Start();
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Result<store::AppRecord> Submit(std::string app_id, std::string sleep_s, std::string exit_code) {
    json::object body{{"jobId", "job"}, {"appId", app_id},
                      {"configOverrides", {{"mainApplicationFile", (dir_ / "app.py").string()},
                                           {"arguments", json::array{sleep_s, exit_code}}}}};
    return service_->Submit("osc-00000001", body);
  }
  AppState WaitFor(const std::string& id, std::function<bool(AppState)> done, int seconds = 60) {
    AppState s = AppState::kPending;
    WaitUntil([&] { return done(s = service_->Get("osc-00000001", id)->state); }, std::chrono::seconds(seconds));
    return s;
  }
  // Waits until the launch loop has made `n` more full passes (each looks at every app).
  void WaitForLaunchPasses(uint64_t n) {
    uint64_t target = service_->launch_passes() + n;
    ASSERT_TRUE(WaitUntil([&] { return service_->launch_passes() >= target; }));
  }
  ManualClock clock_{NowMillis()};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AppService> service_;
};

TEST_F(AppServiceTest, RunsToCompletionAndFailure) {
  ASSERT_TRUE(Submit("ok", "0", "0").has_value());
  ASSERT_TRUE(Submit("bad", "0", "3").has_value());
  EXPECT_EQ(WaitFor("ok", store::IsTerminal), AppState::kCompleted);
  EXPECT_EQ(WaitFor("bad", store::IsTerminal), AppState::kFailed);
  auto bad = service_->Get("osc-00000001", "bad").value();
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.error_message.find("ValueError: boom"), std::string::npos) << bad.error_message;
  EXPECT_GT(bad.started_at, 0);
  EXPECT_GE(bad.ended_at, bad.started_at);
  auto ok = service_->Get("osc-00000001", "ok").value();
  EXPECT_NE(ReadFile(std::filesystem::path(ok.app_dir) / "driver.log")->find("starting"), std::string::npos);
}

TEST_F(AppServiceTest, QueueHonoursConcurrencyAndKillsPendingAndRunning) {
  ASSERT_TRUE(Submit("long", "60", "0").has_value());
  ASSERT_TRUE(Submit("queued", "0", "0").has_value());
  EXPECT_EQ(WaitFor("long", [](AppState s) { return s == AppState::kRunning; }), AppState::kRunning);
  WaitForLaunchPasses(2);
  EXPECT_EQ(service_->Get("osc-00000001", "queued")->state, AppState::kPending) << "only 1 may run";
  auto killed_pending = service_->Kill("osc-00000001", "queued");
  ASSERT_TRUE(killed_pending.has_value());
  EXPECT_EQ(killed_pending->state, AppState::kKilled);
  auto killed = service_->Kill("osc-00000001", "long");
  ASSERT_TRUE(killed.has_value());
  EXPECT_EQ(killed->state, AppState::kKilled);
  EXPECT_GT(killed->kill_requested_at, 0);
  // Terminal states never change: a second kill returns it unchanged.
  EXPECT_EQ(service_->Kill("osc-00000001", "long")->state, AppState::kKilled);
}

TEST_F(AppServiceTest, SubmissionErrors) {
  auto unknown_cluster = service_->Submit("osc-ffffffff", json::object{{"jobId", "j"}});
  EXPECT_EQ(unknown_cluster.error().code, ErrorCode::kNotFound);
  auto bad_key = service_->Submit("osc-00000001", json::parse(R"({"jobId":"j","foo":1})"));
  EXPECT_EQ(bad_key.error().field_paths, std::vector<std::string>{"foo"});
  auto bad_id = service_->Submit("osc-00000001", json::parse(R"({"jobId":"../../etc"})"));
  EXPECT_EQ(bad_id.error().code, ErrorCode::kInvalidArgument);
  auto no_file = service_->Submit("osc-00000001", json::parse(R"({"jobId":"j","configOverrides":{}})"));
  EXPECT_NE(no_file.error().message.find("mainApplicationFile is required"), std::string::npos);
  auto missing = service_->Submit("osc-00000001",
                                  json::parse(R"({"jobId":"j","configOverrides":{"mainApplicationFile":"/no/such.py"}})"));
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
  auto s3 = service_->Submit("osc-00000001",
                             json::parse(R"({"jobId":"j","configOverrides":{"mainApplicationFile":"s3a://b/x.py"}})"));
  EXPECT_NE(s3.error().message.find("only local paths"), std::string::npos);
  ASSERT_TRUE(Submit("dup", "0", "0").has_value());
  EXPECT_EQ(Submit("dup", "0", "0").error().code, ErrorCode::kAlreadyExists);
}

TEST_F(AppServiceTest, DerivedIdsAndResolvedConfig) {
  json::object body{{"jobId", ""},
                    {"configOverrides", {{"mainApplicationFile", "file://" + (dir_ / "app.py").string()},
                                         {"sparkConf", {{"spark.sql.adaptive.enabled", "false"}}}}}};
  auto a = service_->Submit("osc-00000001", body);
  auto b = service_->Submit("osc-00000001", body);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->job_id, b->job_id);
  EXPECT_EQ(a->job_id.rfind("app-", 0), 0u) << a->job_id;
  EXPECT_EQ(a->id.rfind(a->job_id + "-", 0), 0u);
  EXPECT_EQ(a->id.size(), a->job_id.size() + 37);
  EXPECT_NE(a->id, b->id);
  auto config = json::parse(a->config_json).as_object();
  EXPECT_EQ(config.at("sparkConf").at("spark.sql.adaptive.enabled"), "false");
  EXPECT_EQ(config.at("sparkConf").at("spark.executor.processTreeMetrics.enabled"), "true");
  auto sources = json::parse(a->config_sources_json).as_object();
  EXPECT_EQ(sources.at("/sparkConf/spark.sql.adaptive.enabled"), "configOverrides");
  EXPECT_EQ(sources.at("/driver/memory"), "platformDefaults");
}

TEST_F(AppServiceTest, LoggedErrorsMakeCompletedWithWarnings) {
  ASSERT_TRUE(Submit("warns", "0", "w").has_value());
  EXPECT_EQ(WaitFor("warns", store::IsTerminal), AppState::kCompletedWithWarnings);
  auto issues = json::parse(service_->Get("osc-00000001", "warns")->issues_json);
  ASSERT_EQ(issues.as_array().size(), 1u);
  EXPECT_EQ(issues.at(0).at("abstract"), "logged, not fatal");
}

// Apps are stored directly with a creation time in the past; the injected clock then moves past
// the running one's deadline only once it runs, however slowly the launcher starts it.
TEST_F(AppServiceTest, TimeoutsKillRunningAndQueuedApps) {
  auto submitted = Submit("slow", "60", "0");
  ASSERT_TRUE(submitted.has_value());
  ASSERT_TRUE(service_->Kill("osc-00000001", "slow").has_value());
  for (auto [id, age_ms] : {std::pair{"expired-in-queue", 120000}, {"expires-while-running", 50000}}) {
    store::AppRecord app = *submitted;
    app.id = id;
    app.state = AppState::kPending;
    app.created_at = clock_.NowMillis() - age_ms;
    app.app_dir = (dir_ / "data" / "apps" / id).string();
    auto config = json::parse(app.config_json).as_object();
    config["timeout"] = {{"minutes", 1}, {"policy", "KILL"}};
    app.config_json = json::serialize(config);
    ASSERT_TRUE(store_->InsertApp(app).has_value());
  }
  EXPECT_EQ(WaitFor("expired-in-queue", store::IsTerminal), AppState::kTimedOut);
  EXPECT_EQ(WaitFor("expires-while-running", [](AppState s) { return s != AppState::kPending; }),
            AppState::kRunning);
  WaitForLaunchPasses(2);
  EXPECT_EQ(service_->Get("osc-00000001", "expires-while-running")->state, AppState::kRunning)
      << "10 s before its deadline";
  clock_.Advance(std::chrono::seconds(11));
  EXPECT_EQ(WaitFor("expires-while-running", store::IsTerminal), AppState::kTimedOut);
  auto app = service_->Get("osc-00000001", "expires-while-running").value();
  EXPECT_GT(app.started_at, 0);
  EXPECT_NE(app.error_message.find("timed out"), std::string::npos);
}

TEST(DeriveJobIdTest, StableSlugs) {
  EXPECT_EQ(DeriveJobId("/a/My_Job.py", ""), DeriveJobId("/a/My_Job.py", ""));
  EXPECT_NE(DeriveJobId("/a/My_Job.py", ""), DeriveJobId("/b/My_Job.py", ""));
  EXPECT_EQ(DeriveJobId("/a/My_Job.py", "").substr(0, 7), "my-job-");
  EXPECT_EQ(DeriveJobId("/a/x.jar", "org.apache.spark.examples.SparkPi").substr(0, 8), "sparkpi-");
  EXPECT_EQ(DeriveJobId("/a/___.py", "").substr(0, 4), "app-");
}

// The JVM's own reason used to be cut off, leaving only "Could not create the Java Virtual Machine".
TEST(ExtractErrorLinesTest, JvmStartFailureKeepsTheLineThatExplainsIt) {
  EXPECT_EQ(ExtractErrorLines("26/12/08 INFO launching\nInvalid maximum heap size: -Xmx4 GB\n"
                              "Error: Could not create the Java Virtual Machine.\n"
                              "Error: A fatal exception has occurred. Program will exit.\n"),
            "26/12/08 INFO launching\nInvalid maximum heap size: -Xmx4 GB\n"
            "Error: Could not create the Java Virtual Machine.\n"
            "Error: A fatal exception has occurred. Program will exit.\n");
  EXPECT_EQ(ExtractErrorLines("\nUnrecognized VM option 'NoSuchOption'\n"
                              "Error: Could not create the Java Virtual Machine.\n"),
            "Unrecognized VM option 'NoSuchOption'\nError: Could not create the Java Virtual Machine.\n");
}

TEST(ExtractErrorLinesTest, PrefersTracebackThenExceptions) {
  EXPECT_EQ(ExtractErrorLines("a\nTraceback (most recent call last):\n  File x\nValueError: v\n"),
            "Traceback (most recent call last):\n  File x\nValueError: v\n");
  EXPECT_EQ(ExtractErrorLines("ok\nException in thread main java.lang.RuntimeException: x\n\tat A\nend"),
            "Exception in thread main java.lang.RuntimeException: x\n\tat A\nend\n");
}

}  // namespace
}  // namespace sparkplane::control
