// The real server on 127.0.0.1:0 with a temporary data folder, running real Spark from the
// project's venv, driven over HTTP with the real client.
#include <dirent.h>

#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/server.hpp"
#include "common/util.hpp"
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
    for (int i = 0; i < seconds * 4; ++i) {
      state = std::string(GetApp(id).at("appState").as_string());
      if (std::find(states.begin(), states.end(), state) != states.end()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
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
  // Wait until the driver is really working, then kill it.
  for (int i = 0; i < 240; ++i) {
    if (Call("GET", AppPath("long-1") + "/log/live", "{}").body.find("long app started") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::string marker = (data_ / "apps" / "long-1").string();
  EXPECT_GT(ProcessesMentioning(marker), 0);
  auto killed = Call("DELETE", AppPath("long-1"), "{}");
  EXPECT_EQ(killed.status, 200);
  EXPECT_EQ(WaitFor("long-1", {"KILLED", "FAILED", "COMPLETED"}), "KILLED");
  EXPECT_TRUE(GetApp("long-1").contains("killRequestedAt"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(ProcessesMentioning(marker), 0) << "a Spark process survived the kill";
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

  auto ok = Submit({{"mainApplicationFile", (kSource / "examples/python/pi.py").string()}}, "dup");
  EXPECT_EQ(Call("POST", AppPath(), R"({"jobId":"itest","appId":"dup","configOverrides":{"mainApplicationFile":")" +
                                        (kSource / "examples/python/pi.py").string() + "\"}}")
                .status,
            409);
  Call("DELETE", AppPath("dup"), "{}");
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
}

}  // namespace
}  // namespace sparkplane::api
