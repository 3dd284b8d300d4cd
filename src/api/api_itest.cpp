// The real server on 127.0.0.1:0 with a temporary data folder, running real Spark from the
// project's venv, driven over HTTP with the real client.
#include <dirent.h>
#include <unistd.h>

#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/server.hpp"
#include "common/util.hpp"
#include "common/wait.hpp"
#include "net/http.hpp"
#include "runtime/process.hpp"

namespace sparkplane::api {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

const fs::path kSource = SPARKPLANE_SOURCE_DIR;

class ApiITest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = fs::temp_directory_path() / ("sp-itest-" + RandomHex(8));
    ServeOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = data_;
    options.max_body_bytes = 64 * 1024;
    options.kill_grace = std::chrono::seconds(5);
    options.launcher = SPARKPLANE_BINARY;
    options.runtime.runtime = "local";  // the API under test; tests/standalone runs the cluster
    auto server = Server::Start(options);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    token_ = server_->new_admin_token();
    ASSERT_EQ(token_.size(), 43u);
    EXPECT_EQ(ReadFile(data_ / "admin-token").value(), token_ + "\n");
    EXPECT_EQ(fs::status(data_ / "admin-token").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    cluster_ = server_->cluster_id();
  }
  void TearDown() override {
    server_->Stop();
    server_.reset();
    fs::remove_all(data_);
  }

  net::ClientResponse Call(std::string method, std::string path, std::string body = "",
                           std::optional<std::string> token = std::nullopt) {
    net::ClientRequest req;
    req.method = std::move(method);
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + path;
    req.headers = {{"Authorization", "Bearer " + token.value_or(token_)}, {"Content-Type", "application/json"}};
    req.body = std::move(body);
    req.timeout_seconds = 120;
    auto res = net::Fetch(req);
    EXPECT_TRUE(res.has_value()) << res.error().message;
    return res.value_or(net::ClientResponse{});
  }
  std::string AppPath(const std::string& app_id = "") {
    return "/ocean/spark/cluster/" + cluster_ + "/app" + (app_id.empty() ? "" : "/" + app_id);
  }
  json::object Submit(json::object overrides, std::string app_id) {
    json::object body{{"jobId", "itest"}, {"appId", app_id}, {"configOverrides", std::move(overrides)}};
    auto res = Call("POST", AppPath(), json::serialize(body));
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body).at("response").at("items").at(0).as_object();
  }
  json::object GetApp(const std::string& id) {
    auto res = Call("GET", AppPath(id), "{}");
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body).at("response").at("items").at(0).as_object();
  }
  std::string WaitFor(const std::string& id, std::vector<std::string> states, int seconds = 240) {
    std::string state;
    WaitUntil([&] {
      state = std::string(GetApp(id).at("appState").as_string());
      return std::find(states.begin(), states.end(), state) != states.end();
    }, std::chrono::seconds(seconds), std::chrono::milliseconds(100));
    return state;
  }
  // Live processes (zombies excluded) whose command line mentions `needle`.
  static int ProcessesMentioning(const std::string& needle) {
    int count = 0;
    DIR* proc = opendir("/proc");
    while (auto* entry = readdir(proc)) {
      pid_t pid = std::atoi(entry->d_name);
      if (pid <= 0 || pid == getpid()) continue;
      auto cmdline = ReadFile(fs::path("/proc") / entry->d_name / "cmdline");
      if (cmdline && cmdline->find(needle) != std::string::npos && runtime::ProcessStartTicks(pid) != 0) ++count;
    }
    closedir(proc);
    return count;
  }
  std::string ErrorCodeOf(const net::ClientResponse& res) {
    auto v = json::parse(res.body);
    EXPECT_TRUE(v.at("request").as_object().contains("id"));
    EXPECT_EQ(v.at("response").at("status").at("code").as_int64(), res.status);
    return std::string(v.at("response").at("errors").at(0).at("code").as_string());
  }

  fs::path data_;
  std::unique_ptr<Server> server_;
  std::string token_;
  std::string cluster_;
};

TEST_F(ApiITest, PySparkPiCompletesWithLogAndEventLog) {
  auto submitted = Submit({{"mainApplicationFile", (kSource / "examples/python/pi.py").string()},
                           {"arguments", json::array{"2"}}},
                          "pi-1");
  EXPECT_EQ(submitted.at("appState"), "PENDING");
  EXPECT_EQ(submitted.at("config").at("sparkConf").at("spark.executor.processTreeMetrics.enabled"), "true");
  EXPECT_EQ(WaitFor("pi-1", {"COMPLETED", "FAILED", "KILLED"}), "COMPLETED");
  auto app = GetApp("pi-1");
  EXPECT_TRUE(app.contains("startedAt"));
  EXPECT_TRUE(app.contains("endedAt"));
  EXPECT_EQ(app.at("exitCode"), 0);
  auto log = Call("GET", AppPath("pi-1") + "/log/live", "{}");
  EXPECT_EQ(log.status, 200);
  EXPECT_EQ(log.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(log.body.find("Pi is roughly 3.1"), std::string::npos) << log.body.substr(0, 2000);
  bool has_event_log = false;
  for (auto& f : fs::recursive_directory_iterator(data_ / "apps" / "pi-1" / "eventlog"))
    has_event_log |= f.is_regular_file() && f.file_size() > 0;
  EXPECT_TRUE(has_event_log);

  // Metrics from the event log, and the History Server API over the same log.
  auto spark = app.at("metrics").at("spark");
  EXPECT_GT(spark.at("sparkCoresDurationSeconds").to_number<double>(), 0) << json::serialize(app);
  EXPECT_GT(spark.at("efficiencyPercent").to_number<double>(), 0);
  EXPECT_EQ(spark.at("availability"), "COMPLETE");
  std::string spark_app_id(app.at("sparkAppId").as_string());
  EXPECT_EQ(spark_app_id.rfind("local-", 0), 0u);
  auto listed = Call("GET", "/api/v1/applications");
  EXPECT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find(spark_app_id), std::string::npos);
  auto stages = Call("GET", "/api/v1/applications/" + spark_app_id + "/stages");
  ASSERT_EQ(stages.status, 200) << stages.body;
  EXPECT_FALSE(json::parse(stages.body).as_array().empty());
  auto by_our_id = Call("GET", "/api/v1/applications/pi-1/stages");
  EXPECT_EQ(by_our_id.status, 200) << "sparkplane's app id works as well as Spark's";
  EXPECT_EQ(by_our_id.body, stages.body);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/applications/pi-1").body).at("id").as_string(), spark_app_id);
  EXPECT_EQ(Call("GET", "/api/v1/applications", "", "wrong").status, 401);

  // Issues, kube-event lines and archives.
  auto issues = json::parse(Call("GET", AppPath("pi-1") + "/issues").body);
  EXPECT_EQ(issues.at("response").at("kind"), "spotinst:ocean:spark:issue");
  auto events = Call("GET", AppPath("pi-1") + "/kubeEvent/live");
  EXPECT_NE(events.body.find("SparkApplicationEnded: COMPLETED"), std::string::npos) << events.body;
  auto archive = Call("GET", AppPath("pi-1") + "/log/archive");
  EXPECT_EQ(archive.status, 200);
  EXPECT_EQ(archive.content_type, "application/gzip");
  ASSERT_GT(archive.body.size(), 20u);
  EXPECT_EQ(static_cast<unsigned char>(archive.body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(archive.body[1]), 0x8b);
  auto zip = Call("GET", AppPath("pi-1") + "/executor-log/archive");
  EXPECT_EQ(zip.status, 200);
  EXPECT_EQ(zip.body.substr(0, 2), "PK");
}

TEST_F(ApiITest, RaisingAppFailsWithTheErrorOnTheApp) {
  Submit({{"mainApplicationFile", (kSource / "src/api/testdata/fail.py").string()}}, "fail-1");
  EXPECT_EQ(WaitFor("fail-1", {"COMPLETED", "FAILED", "KILLED"}), "FAILED");
  auto app = GetApp("fail-1");
  std::string error(app.at("errorMessage").as_string());
  EXPECT_NE(error.find("ValueError: sparkplane test failure"), std::string::npos) << error;
  EXPECT_NE(app.at("exitCode"), 0);
}

TEST_F(ApiITest, KilledLongAppLeavesNoSparkProcess) {
  Submit({{"mainApplicationFile", (kSource / "src/api/testdata/long.py").string()}}, "long-1");
  EXPECT_EQ(WaitFor("long-1", {"RUNNING"}), "RUNNING");
  EXPECT_EQ(Call("GET", AppPath("long-1") + "/log/archive").status, 409) << "no archive while running";
  // Wait until the driver is really working, then kill it.
  ASSERT_TRUE(WaitUntil([&] {
    return Call("GET", AppPath("long-1") + "/log/live", "{}").body.find("long app started") != std::string::npos;
  }, std::chrono::seconds(240), std::chrono::milliseconds(100)));
  std::string marker = (data_ / "apps" / "long-1").string();
  EXPECT_GT(ProcessesMentioning(marker), 0);
  auto killed = Call("DELETE", AppPath("long-1"), "{}");
  EXPECT_EQ(killed.status, 200);
  EXPECT_EQ(WaitFor("long-1", {"KILLED", "FAILED", "COMPLETED"}), "KILLED");
  EXPECT_TRUE(GetApp("long-1").contains("killRequestedAt"));
  EXPECT_TRUE(WaitUntil([&] { return ProcessesMentioning(marker) == 0; }, std::chrono::seconds(10)))
      << "a Spark process survived the kill";
  EXPECT_EQ(ProcessesMentioning("long-1"), 0);
}

TEST_F(ApiITest, JvmAppCompletes) {
  std::string jar = SPARKPLANE_EXAMPLE_JAR;
  ASSERT_FALSE(jar.empty()) << "the JVM example jar was not built";
  Submit({{"type", "Java"}, {"mainApplicationFile", "file://" + jar},
          {"mainClass", "io.sparkplane.examples.JavaPi"}, {"driver", {{"memory", "1g"}}}},
         "java-pi-1");
  EXPECT_EQ(WaitFor("java-pi-1", {"COMPLETED", "FAILED", "KILLED"}), "COMPLETED");
  EXPECT_NE(Call("GET", AppPath("java-pi-1") + "/log/live").body.find("Pi is roughly 3.1"), std::string::npos);
}

TEST_F(ApiITest, BadInputGetsA4xxEnvelope) {
  auto unauthenticated = Call("GET", "/ocean/spark/cluster", "", "wrong");
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(ErrorCodeOf(unauthenticated), "UNAUTHENTICATED");
  net::ClientRequest no_token;
  no_token.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/ocean/spark/cluster";
  EXPECT_EQ(net::Fetch(no_token)->status, 401);

  auto malformed = Call("POST", AppPath(), "{\"jobId\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(ErrorCodeOf(malformed), "INVALID_ARGUMENT");
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId": 7})").status, 400);
  auto unknown = Call("POST", AppPath(), R"({"jobId":"j","configOverrides":{"foo":"bar"}})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("configOverrides.foo"), std::string::npos);
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId":"Bad_Id"})").status, 400);
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId":"j","appId":"../../etc"})").status, 400);
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId":"j","configOverrides":{"driver":{"memory":"8.5q"}}})").status, 400);
  std::string pi_file = (kSource / "examples/python/pi.py").string();
  auto with = [&](std::string_view spec_json) {
    auto spec = json::parse(spec_json).as_object();
    spec["mainApplicationFile"] = pi_file;
    return Call("POST", AppPath(), json::serialize(json::object{{"jobId", "j"}, {"configOverrides", spec}}));
  };
  auto version = with(R"({"sparkVersion":"2.4"})");
  EXPECT_EQ(version.status, 400);
  EXPECT_NE(version.body.find("Spark '2.4' is not installed here; installed: 4.0"), std::string::npos) << version.body;
  auto master = with(R"({"sparkConf":{"spark.master":"yarn"}})");
  EXPECT_EQ(master.status, 400);
  EXPECT_NE(master.body.find("configOverrides.sparkConf.spark.master"), std::string::npos) << master.body;
  auto spaced = with(R"({"sparkConf":{"spark.driver.memory":"4 GB"}})");
  EXPECT_EQ(spaced.status, 400);
  EXPECT_NE(spaced.body.find("'4 GB' is not a size Spark reads"), std::string::npos) << spaced.body;
  auto traversal = Call("GET", AppPath("..%2F..%2Fadmin-token") + "/log/live");
  EXPECT_GE(traversal.status, 400);
  EXPECT_LT(traversal.status, 500);
  EXPECT_EQ(traversal.body.find("sp_"), std::string::npos);
  auto too_big = Call("POST", AppPath(), std::string(100 * 1024, ' '));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(ErrorCodeOf(too_big), "PAYLOAD_TOO_LARGE");
  auto missing = Call("GET", AppPath("no-such-app"), "{}");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCodeOf(missing), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Call("GET", "/ocean/spark/cluster/osc-nope", "{}").status, 404);
  EXPECT_EQ(Call("PUT", AppPath("x"), "{}").status, 405);
  // None of the rejected submissions left a record behind.
  auto listed = json::parse(Call("GET", AppPath()).body).at("response").at("items").at(0);
  EXPECT_EQ(listed.at("total"), 0) << json::serialize(listed);

  auto ok = Submit({{"mainApplicationFile", (kSource / "examples/python/pi.py").string()}}, "dup");
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId":"itest","appId":"dup","configOverrides":{"mainApplicationFile":")" +
                                        (kSource / "examples/python/pi.py").string() + "\"}}")
                .status,
            409);
  Call("DELETE", AppPath("dup"), "{}");
}

// Platform defaults → template → job config → overrides, with the source of every key.
TEST_F(ApiITest, TemplatesJobConfigsAndPrecedence) {
  server_.reset();  // restart with launching paused: these apps need not run
  ServeOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = data_;
  options.launching_paused = true;
  options.runtime.runtime = "local";
  auto restarted = Server::Start(options);
  ASSERT_TRUE(restarted.has_value()) << restarted.error().message;
  server_ = std::move(*restarted);
  std::string base = "/ocean/spark/cluster/" + cluster_;
  std::string pi = (kSource / "examples/python/pi.py").string();
  auto created = Call("POST", base + "/configTemplate",
                      R"({"id":"small","displayName":"Small","config":{"sparkConf":{"a":"template","b":"template","c":"template","d":"template"},"driver":{"cores":2}}})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Call("POST", base + "/configTemplate", R"({"id":"small","config":{}})").status, 409);
  EXPECT_EQ(Call("POST", base + "/configTemplate", R"({"id":"bad","config":{"foo":1}})").status, 400);
  EXPECT_EQ(Call("PUT", base + "/job/nightly/config", R"({"config":{"sparkConf":{"b":"job","c":"job","spark.sql.adaptive.enabled":"false"}}})").status, 200);
  auto app = Submit({{"mainApplicationFile", pi}, {"sparkConf", {{"c", "override"}}}}, "prec-1");
  EXPECT_FALSE(app.at("configSources").as_object().contains("/sparkConf/a")) << "no template named yet";
  EXPECT_EQ(app.at("configSources").at("/sparkConf/c"), "configOverrides");
  auto body = json::serialize(json::object{{"jobId", "nightly"}, {"appId", "prec-2"}, {"configTemplateId", "small"},
                                           {"configOverrides", {{"mainApplicationFile", pi}, {"sparkConf", {{"c", "override"}}}}}});
  auto res = Call("POST", AppPath(), body);
  ASSERT_EQ(res.status, 200) << res.body;
  auto got = json::parse(res.body).at("response").at("items").at(0);
  auto conf = got.at("config").at("sparkConf");
  EXPECT_EQ(conf.at("a"), "template");
  EXPECT_EQ(conf.at("b"), "job");
  EXPECT_EQ(conf.at("c"), "override");
  EXPECT_EQ(conf.at("spark.sql.adaptive.enabled"), "false") << "job configs sit above platform defaults";
  EXPECT_EQ(conf.at("spark.executor.processTreeMetrics.enabled"), "true");
  auto sources = got.at("configSources");
  EXPECT_EQ(sources.at("/sparkConf/a"), "template:small");
  EXPECT_EQ(sources.at("/sparkConf/b"), "jobConfig");
  EXPECT_EQ(sources.at("/sparkConf/c"), "configOverrides");
  EXPECT_EQ(sources.at("/sparkConf/spark.sql.adaptive.enabled"), "jobConfig");
  EXPECT_EQ(sources.at("/sparkConf/spark.executor.processTreeMetrics.enabled"), "platformDefaults");
  EXPECT_EQ(sources.at("/driver/cores"), "template:small") << "a template sizes the app";
  EXPECT_EQ(got.at("config").at("driver").at("cores"), 2);
  EXPECT_EQ(sources.at("/driver/memory"), "platformDefaults") << "defaults fill what no layer set";
  EXPECT_EQ(got.at("configurationTemplate").at("id"), "small");
  // Removing the job config and the template.
  EXPECT_EQ(Call("PUT", base + "/job/nightly/config", "").status, 200);
  EXPECT_FALSE(json::parse(Call("GET", base + "/job/nightly").body).at("response").at("items").at(0).as_object().contains("config"));
  EXPECT_EQ(Call("DELETE", base + "/configTemplate/small").status, 204);
  EXPECT_EQ(Call("GET", base + "/configTemplate/small").status, 404);
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId":"x","configTemplateId":"small"})").status, 404);

  // Jobs and the paginated app listing.
  auto jobs = json::parse(Call("GET", base + "/job").body).at("response").at("items").at(0);
  EXPECT_EQ(jobs.at("total"), 2);
  auto page = json::parse(Call("GET", AppPath() + "?pageSize=1&order=ASC").body).at("response").at("items").at(0);
  EXPECT_EQ(page.at("total"), 2);
  EXPECT_EQ(page.at("page").at(0).at("id"), "prec-1");
  auto next = json::parse(Call("GET", AppPath() + "?pageSize=1&order=ASC&after=" + std::string(page.at("after").as_string())).body)
                  .at("response").at("items").at(0);
  EXPECT_EQ(next.at("page").at(0).at("id"), "prec-2");
  EXPECT_FALSE(next.as_object().contains("after"));
  auto history = json::parse(Call("GET", base + "/job/nightly?minCreatedAt=2020-01-01").body).at("response").at("items").at(0);
  EXPECT_EQ(history.at("history").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", AppPath() + "?state=NOPE").status, 400);
  EXPECT_EQ(Call("GET", AppPath() + "?after=garbage!").status, 400);
  EXPECT_EQ(Call("GET", AppPath() + "?pageSize=0").status, 400);
  EXPECT_EQ(json::parse(Call("GET", "/ocean/spark/app?jobId=nightly").body).at("response").at("items").at(0).at("total"), 1);
  // A misspelt Spark key is accepted (Spark ignores it) with a warning in the reply and on the app.
  auto typo = Submit({{"mainApplicationFile", pi}, {"sparkConf", {{"spark.exectuor.memory", "2g"}}}}, "typo-1");
  ASSERT_TRUE(typo.contains("warnings")) << json::serialize(typo);
  EXPECT_EQ(typo.at("warnings").at(0),
            "spark.exectuor.memory is not a Spark configuration key; did you mean spark.executor.memory?");
  auto typo_issues = json::parse(Call("GET", AppPath("typo-1") + "/issues").body).at("response").at("items");
  ASSERT_EQ(typo_issues.as_array().size(), 1u);
  EXPECT_EQ(typo_issues.at(0).at("severity"), "WARNING");
  EXPECT_EQ(Call("DELETE", AppPath("typo-1")).status, 200);
}

// A driver JVM that cannot start: the app's error keeps the JVM's reason, not only "Could not
// create the Java Virtual Machine".
TEST_F(ApiITest, DriverJvmStartFailureSaysWhy) {
  Submit({{"mainApplicationFile", (kSource / "examples/python/pi.py").string()},
          {"driver", {{"javaOptions", "-Xss1k"}}}},
         "nojvm-1");
  EXPECT_EQ(WaitFor("nojvm-1", {"COMPLETED", "FAILED", "KILLED"}), "FAILED");
  std::string error(GetApp("nojvm-1").at("errorMessage").as_string());
  EXPECT_NE(error.find("The Java thread stack size specified is too small"), std::string::npos) << error;
  EXPECT_NE(error.find("Could not create the Java Virtual Machine"), std::string::npos) << error;
}

// A second server on the same data folder, or on a busy port, is refused with a message (the
// busy port used to crash the shutdown after the failed bind).
TEST_F(ApiITest, SecondServerOnTheFolderOrPortIsRefused) {
  ServeOptions same_folder;
  same_folder.listen = "127.0.0.1:0";
  same_folder.data_dir = data_;
  auto second = Server::Start(same_folder);
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().message.find("is in use by another sparkplane (pid " + std::to_string(getpid()) + ")"),
            std::string::npos)
      << second.error().message;
  EXPECT_EQ(ReadFile(data_ / "server-url").value(), fmt::format("http://127.0.0.1:{}\n", server_->port()))
      << "the refused server left the running one's URL alone";

  ServeOptions busy_port;
  busy_port.listen = fmt::format("127.0.0.1:{}", server_->port());
  busy_port.data_dir = data_ / "other";
  auto third = Server::Start(busy_port);
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().message,
            fmt::format("cannot listen on 127.0.0.1:{}: address already in use", server_->port()));
  EXPECT_EQ(Call("GET", "/ocean/spark/cluster").status, 200) << "the first server still serves";
}

TEST_F(ApiITest, ClusterRoutes) {
  auto list = Call("GET", "/ocean/spark/cluster", "{}");
  ASSERT_EQ(list.status, 200);
  auto v = json::parse(list.body);
  EXPECT_EQ(v.at("response").at("kind"), "spotinst:ocean:spark:cluster");
  EXPECT_EQ(v.at("response").at("items").at(0).at("id").as_string(), cluster_);
  EXPECT_EQ(cluster_.size(), 12u);
  auto one = json::parse(Call("GET", "/ocean/spark/cluster/" + cluster_, "{}").body);
  EXPECT_EQ(one.at("response").at("items").at(0).at("state"), "AVAILABLE");
  std::string since = FormatIsoMillis(NowMillis() - 3600 * 1000);
  auto trend = Call("GET", "/ocean/spark/cluster/" + cluster_ + "/appCompletionTrend?since=" + since);
  ASSERT_EQ(trend.status, 200) << trend.body;
  auto buckets = json::parse(trend.body).at("response").at("count").to_number<int>();
  EXPECT_TRUE(buckets == 12 || buckets == 13) << buckets;  // 5-minute buckets over an hour (+ the ms since)
  auto load = Call("GET", "/ocean/spark/cluster/" + cluster_ + "/appLoadHistory?since=" + since);
  EXPECT_EQ(load.status, 200);
  EXPECT_EQ(Call("GET", "/ocean/spark/cluster/" + cluster_ + "/appLoadHistory").status, 400);
  auto hours = json::parse(Call("GET", "/ocean/spark/cluster/sparkCoreHours?clusterId=" + cluster_ + "&period=2026-11").body);
  EXPECT_EQ(hours.at("response").at("items").at(0).at("id").as_string(), cluster_);
  EXPECT_EQ(Call("GET", "/ocean/spark/cluster/sparkCoreHours?period=2026-13").status, 400);
}

}  // namespace
}  // namespace sparkplane::api
