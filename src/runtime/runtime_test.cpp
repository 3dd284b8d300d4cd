#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "runtime/app_demand.hpp"
#include "runtime/driver_processes.hpp"
#include "runtime/local_runtime.hpp"
#include "runtime/master_status.hpp"
#include "runtime/standalone_master.hpp"
#include "runtime/standalone_runtime.hpp"

namespace sparkplane::runtime {
namespace {
namespace json = boost::json;

// As Spark 4.0.1's master serves it (one worker registered, one app running).
constexpr std::string_view kMasterJson = R"({
  "url" : "spark://127.0.0.1:17077",
  "workers" : [ {
    "id" : "worker-20261208001350-127.0.0.1-44353", "host" : "127.0.0.1", "port" : 44353,
    "webuiaddress" : "http://127.0.0.1:34745", "cores" : 2, "coresused" : 1, "coresfree" : 1,
    "memory" : 2048, "memoryused" : 1024, "memoryfree" : 1024, "resources" : { },
    "resourcesused" : { }, "resourcesfree" : { }, "state" : "ALIVE", "lastheartbeat" : 1796688832983
  } ],
  "aliveworkers" : 1, "cores" : 2, "coresused" : 1, "memory" : 2048, "memoryused" : 1024,
  "resources" : [ { } ], "resourcesused" : [ { } ],
  "activeapps" : [ { "id" : "app-1" } ], "completedapps" : [ ], "activedrivers" : [ ],
  "completeddrivers" : [ ], "status" : "ALIVE"
})";

TEST(MasterStatusTest, ParsesWorkersAndApps) {
  auto status = ParseMasterStatus(kMasterJson);
  ASSERT_TRUE(status.has_value()) << status.error().message;
  EXPECT_EQ(status->url, "spark://127.0.0.1:17077");
  EXPECT_EQ(status->status, "ALIVE");
  EXPECT_EQ(status->active_apps, 1);
  ASSERT_EQ(status->workers.size(), 1u);
  const auto& w = status->workers[0];
  EXPECT_EQ(w.port, 44353);
  EXPECT_EQ(w.cores, 2);
  EXPECT_EQ(w.cores_used, 1);
  EXPECT_EQ(w.memory_mib, 2048);
  EXPECT_EQ(w.memory_used_mib, 1024);
  EXPECT_EQ(w.state, "ALIVE");
}

TEST(MasterStatusTest, CorruptAnswersAreErrors) {
  for (std::string_view bad : {"", "{", "[]", R"({"url":"x"})", R"({"workers":3})"}) {
    auto status = ParseMasterStatus(bad);
    ASSERT_FALSE(status.has_value()) << bad;
    EXPECT_EQ(status.error().code, ErrorCode::kCorruption) << bad;
  }
}

TEST(MasterStatusTest, UnreachableMasterIsUnavailable) {
  auto port = FreeLocalPort();
  ASSERT_TRUE(port.has_value());
  auto status = FetchMasterStatus(fmt::format("http://127.0.0.1:{}", *port), 2);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
}

TEST(MasterUrlTest, ParsesAndRejects) {
  auto ok = ParseMasterUrl("spark://10.0.0.5:7077");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->host, "10.0.0.5");
  EXPECT_EQ(ok->port, 7077);
  EXPECT_EQ(ok->webui_url(), "http://10.0.0.5:8080");
  EXPECT_EQ(ok->url(), "spark://10.0.0.5:7077");
  for (const char* bad : {"10.0.0.5:7077", "spark://host", "spark://:7077", "spark://h:0",
                          "spark://h:99999", "spark://h:12a", "yarn"}) {
    auto parsed = ParseMasterUrl(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("spark://HOST:PORT"), std::string::npos);
  }
}

TEST(AppDemandTest, SparkDefaultsAndOverhead) {
  auto python = DemandOf(json::parse(R"({"mainApplicationFile":"/a/pi.py"})").as_object());
  ASSERT_TRUE(python.has_value());
  EXPECT_EQ(python->driver_cores, 1);
  EXPECT_EQ(python->driver_memory_mib, 1024 + 410);  // 40% for Python, above 384
  EXPECT_EQ(python->executor_memory_mib, 1024);
  EXPECT_EQ(python->executors, 1);
  auto jvm = DemandOf(json::parse(R"({"mainApplicationFile":"/a/x.jar","driver":{"cores":2,
      "memory":"2g"},"executor":{"cores":1.5,"instances":3,"memory":"512m"}})")
                          .as_object());
  ASSERT_TRUE(jvm.has_value());
  EXPECT_EQ(jvm->driver_cores, 2);
  EXPECT_EQ(jvm->driver_memory_mib, 2048 + 384);
  EXPECT_EQ(jvm->executor_cores, 2);  // whole cores, rounded up
  EXPECT_EQ(jvm->executors, 3);
  EXPECT_EQ(jvm->executor_memory_mib, 512);
  auto bad = DemandOf(json::parse(R"({"executor":{"memory":"lots"}})").as_object());
  EXPECT_FALSE(bad.has_value());
}

TEST(StandaloneArgvTest, MasterReplacedAndExecutorsCapped) {
  std::vector<std::string> argv = {"/s/bin/spark-submit", "--master", "local[2]", "--name", "a",
                                   "--properties-file", "/d/spark.properties", "/app.py"};
  auto out = WithMaster(argv, "spark://127.0.0.1:7077");
  ASSERT_EQ(out.size(), argv.size());
  EXPECT_EQ(out[2], "spark://127.0.0.1:7077");
  EXPECT_EQ(out.back(), "/app.py");
  AppDemand demand;
  demand.executor_cores = 3;
  auto properties = StandaloneProperties(demand, 2);
  EXPECT_NE(std::find(properties.begin(), properties.end(),
                      std::pair<std::string, std::string>{"spark.cores.max", "6"}),
            properties.end());
}

TEST(LocalRuntimeTest, AdmitsUpToTheConcurrencyLimitInOrder) {
  auto runtime = MakeLocalRuntime({{"/nonexistent", "python3", ""}, 2, 1});
  json::object config;
  std::vector<AppRequest> pending = {{"a", &config}, {"b", &config}, {"c", &config}};
  auto admitted = runtime->Admit(pending);
  ASSERT_EQ(admitted.size(), 2u);
  EXPECT_EQ(admitted[0].app_id, "a");
  EXPECT_EQ(admitted[1].app_id, "b");
  EXPECT_TRUE(runtime->CheckRunnable(config).has_value());
}

}  // namespace
}  // namespace sparkplane::runtime
