#include "control/app_spec.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sparkplane::control {
namespace {
namespace json = boost::json;

Status Check(std::string_view text) { return ValidateAppSpec(json::parse(text), "configOverrides"); }

std::string ErrorOf(std::string_view text) {
  auto st = Check(text);
  return st ? "" : st.error().message;
}

TEST(AppSpecTest, AcceptsAFullSpec) {
  auto st = Check(R"({"type":"Python","sparkVersion":"4.0.1","mainApplicationFile":"/a.py",
    "arguments":["1"],"deps":{"pyFiles":["/b.py"]},"sparkConf":{"a":"b"},"hadoopConf":{},
    "driver":{"cores":1,"memory":"512m","spot":false,"env":[{"name":"X","value":"1"}]},
    "executor":{"cores":2,"instances":3,"memory":{"strategy":"autotuning","historySize":6}},
    "timeout":{"minutes":30,"policy":"KILL"},"memoryOverheadFactor":"0.5","pythonVersion":"3",
    "labels":{"team":"x"},"logCollection":{"collectAppLogs":true},"interactive":false})");
  EXPECT_TRUE(st.has_value()) << st.error().message;
  EXPECT_TRUE(Check(R"({"timeout":"DISABLED"})").has_value());
}

TEST(AppSpecTest, RejectsWithFieldPaths) {
  EXPECT_EQ(ErrorOf(R"({"foo":"bar"})"),
            "configOverrides.foo: unknown key (not part of the Ocean Spark ApplicationSpec)");
  EXPECT_EQ(ErrorOf(R"({"type":"Rust"})"), "configOverrides.type: must be one of 'Java', 'Python', 'Scala'");
  EXPECT_EQ(ErrorOf(R"({"arguments":[1]})"), "configOverrides.arguments[0]: must be a string");
  EXPECT_EQ(ErrorOf(R"({"sparkConf":{"a":1}})"),
            "configOverrides.sparkConf.a: must be a string (quote numbers and booleans)");
  EXPECT_EQ(ErrorOf(R"({"driver":{"memory":"lots"}})"),
            "configOverrides.driver.memory: 'lots' is not a memory size; use e.g. 512m, 4g or 8.5g");
  EXPECT_EQ(ErrorOf(R"({"driver":{"cores":-1}})"), "configOverrides.driver.cores: must be a positive number of at most 1024");
  EXPECT_EQ(ErrorOf(R"({"driver":{"instances":2}})"), "configOverrides.driver.instances: unknown key (not part of the Ocean Spark ApplicationSpec)");
  EXPECT_EQ(ErrorOf(R"({"executor":{"instances":"2"}})"), "configOverrides.executor.instances: must be an integer from 0 to 100000");
  EXPECT_EQ(ErrorOf(R"({"timeout":{"minutes":0,"policy":"KILL"}})"), "configOverrides.timeout.minutes: must be a positive integer of at most 5270400 (ten years)");
  EXPECT_EQ(ErrorOf(R"({"timeout":{"minutes":5,"policy":"NOTIFY"}})"), "configOverrides.timeout.policy: must be one of 'KILL'");
  EXPECT_EQ(ErrorOf(R"({"executor":{"memory":{"strategy":"magic"}}})"),
            "configOverrides.executor.memory.strategy: must be one of 'oomRecovery', 'autotuning'");
  EXPECT_EQ(ErrorOf(R"([])"), "configOverrides: must be an object");
  auto st = Check(R"({"deps":{"jars":"x.jar"}})");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().field_paths, std::vector<std::string>{"configOverrides.deps.jars"});
}

TEST(AppSpecTest, MemoryStrings) {
  EXPECT_EQ(ParseMemoryMiB("512m").value(), 512);
  EXPECT_EQ(ParseMemoryMiB("4g").value(), 4096);
  EXPECT_EQ(ParseMemoryMiB("8.5g").value(), 8704);
  EXPECT_EQ(ParseMemoryMiB("2Gi").value(), 2048);
  EXPECT_EQ(ParseMemoryMiB("1024").value(), 1024);
  EXPECT_EQ(ParseMemoryMiB("1536k").value(), 2);
  EXPECT_FALSE(ParseMemoryMiB("").has_value());
  EXPECT_FALSE(ParseMemoryMiB("g").has_value());
  EXPECT_FALSE(ParseMemoryMiB("1.2.3g").has_value());
  EXPECT_FALSE(ParseMemoryMiB("-1g").has_value());
  EXPECT_FALSE(ParseMemoryMiB("0m").has_value());
  EXPECT_FALSE(ParseMemoryMiB("4x").has_value());
}

TEST(TimeoutDeadlineTest, DefaultsAndDisabled) {
  EXPECT_EQ(TimeoutDeadline(json::object{}, 1000), 1000 + 24 * 3600 * 1000);
  EXPECT_EQ(TimeoutDeadline(json::parse(R"({"timeout":{"minutes":5,"policy":"KILL"}})").as_object(), 0), 300000);
  EXPECT_FALSE(TimeoutDeadline(json::parse(R"({"timeout":"DISABLED"})").as_object(), 0).has_value());
}

// Found by bench/fuzz/submission_fuzz: 0.1e3085 parses as infinity, and the argv builder's
// int conversion of it (and of huge cores × instances) was undefined behaviour.
TEST(AppSpecTest, RejectsNumbersTheRuntimeCannotHold) {
  EXPECT_EQ(ErrorOf(R"({"driver":{"cores":0.1e3085}})"), "configOverrides.driver.cores: must be a positive number of at most 1024");
  EXPECT_EQ(ErrorOf(R"({"executor":{"cores":1025}})"), "configOverrides.executor.cores: must be a positive number of at most 1024");
  EXPECT_TRUE(Check(R"({"executor":{"cores":1024,"instances":100000}})").has_value());
  EXPECT_EQ(ErrorOf(R"({"executor":{"instances":100001}})"), "configOverrides.executor.instances: must be an integer from 0 to 100000");
  EXPECT_EQ(ErrorOf(R"({"executor":{"instances":-1}})"), "configOverrides.executor.instances: must be an integer from 0 to 100000");
  EXPECT_EQ(ErrorOf(R"({"executor":{"instances":18446744073709551615}})"),
            "configOverrides.executor.instances: must be an integer from 0 to 100000");
  EXPECT_EQ(ErrorOf(R"({"executor":{"memory":{"strategy":"oomRecovery","scalingFactor":1e999}}})"),
            "configOverrides.executor.memory.scalingFactor: must be a positive number");
  EXPECT_EQ(ErrorOf(R"({"timeout":{"minutes":9223372036854775807,"policy":"KILL"}})"),
            "configOverrides.timeout.minutes: must be a positive integer of at most 5270400 (ten years)");
  EXPECT_EQ(ErrorOf(R"({"memoryOverheadFactor":"0.5x"})"), "configOverrides.memoryOverheadFactor: must be a positive number such as 0.4");
  EXPECT_TRUE(Check(R"({"memoryOverheadFactor":"0.5"})").has_value());
}

// Found by bench/fuzz/submission_fuzz: a sparkConf key "=c" became `--conf =c=...`, and a NUL
// would cut an argv element short at exec.
TEST(AppSpecTest, RejectsStringsArgvCannotCarry) {
  EXPECT_EQ(ErrorOf(R"({"sparkConf":{"=c":"x"}})"),
            "configOverrides.sparkConf.=c: a configuration key must be non-empty and contain no '='");
  EXPECT_EQ(ErrorOf(R"({"hadoopConf":{"":"x"}})"),
            "configOverrides.hadoopConf.: a configuration key must be non-empty and contain no '='");
  EXPECT_TRUE(Check(R"({"sparkConf":{"spark.a":"b=c"},"labels":{"a=b":"c"}})").has_value());
  EXPECT_NE(ErrorOf(R"({"mainClass":"a\u0000b"})").find("configOverrides.mainClass: must not contain a NUL"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"arguments":["x","\u0000"]})").find("configOverrides.arguments[1]: must not contain"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"sparkConf":{"a":"\u0000"}})").find("configOverrides.sparkConf.a: must not contain"), std::string::npos);
}

TEST(TimeoutDeadlineTest, StoredHugeTimeoutsDoNotOverflow) {
  auto config = json::parse(R"({"timeout":{"minutes":9223372036854775807,"policy":"KILL"}})").as_object();
  EXPECT_EQ(TimeoutDeadline(config, 1000), 1000 + kMaxTimeoutMinutes * 60 * 1000);
}

}  // namespace
}  // namespace sparkplane::control
