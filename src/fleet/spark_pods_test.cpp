#include "fleet/spark_pods.hpp"

#include <gtest/gtest.h>

namespace sparkplane::fleet {
namespace {

TEST(SparkPods, JvmOverheadIsTenPercentWithFloor) {
  SparkAppSpec spec;
  spec.type = SparkAppType::kScala;
  spec.executor.cores = 4;
  spec.executor.memory = "8g";
  spec.driver.memory = "2g";
  auto pods = SizeSparkApp(spec);
  ASSERT_TRUE(pods.has_value());
  EXPECT_EQ(pods->executor.request.cpu_milli, 4000);
  EXPECT_EQ(pods->executor.request.memory_mib, 8192 + 819);  // max(384, 0.1 × 8192)
  EXPECT_EQ(pods->driver.request.cpu_milli, 1000);            // Ocean default driver cores
  EXPECT_EQ(pods->driver.request.memory_mib, 2048 + 384);     // floor wins
  EXPECT_FALSE(pods->driver.spot);
  EXPECT_TRUE(pods->executor.spot);
  EXPECT_EQ(pods->executor_instances, 6);
}

TEST(SparkPods, PythonOverheadIsFortyPercent) {
  SparkAppSpec spec;
  spec.type = SparkAppType::kPython;
  spec.executor.memory = "10g";
  auto pods = SizeSparkApp(spec);
  ASSERT_TRUE(pods.has_value());
  EXPECT_EQ(pods->executor.request.memory_mib, 10240 + 4096);
  EXPECT_EQ(pods->executor.request.cpu_milli, 4000);  // Ocean default executor cores
}

TEST(SparkPods, ExplicitOverheadFactorCoreRequestAndDefaults) {
  SparkAppSpec spec;
  spec.memory_overhead_factor = 0.5;
  spec.executor.memory = "4096m";
  spec.executor.core_request = "3460m";
  spec.executor.instances = 3;
  spec.driver.memory_overhead = "1g";
  spec.driver.spot = true;
  auto pods = SizeSparkApp(spec);
  ASSERT_TRUE(pods.has_value());
  EXPECT_EQ(pods->executor.request.memory_mib, 4096 + 2048);
  EXPECT_EQ(pods->executor.request.cpu_milli, 3460);
  EXPECT_EQ(pods->driver.request.memory_mib, 1024 + 1024);  // Spark default 1g + 1g overhead
  EXPECT_TRUE(pods->driver.spot);
  EXPECT_EQ(pods->executor_instances, 3);
}

TEST(SparkPods, ParsesSizesAndRejectsGarbage) {
  EXPECT_EQ(*ParseMemoryMib("8.5g"), 8704);
  EXPECT_EQ(*ParseMemoryMib("512m"), 512);
  EXPECT_EQ(*ParseMemoryMib("1024"), 1024);
  EXPECT_EQ(*ParseMemoryMib("2GB"), 2048);
  EXPECT_EQ(*ParseMemoryMib("1t"), 1048576);
  EXPECT_EQ(*ParseCpuMilli("3460m"), 3460);
  EXPECT_EQ(*ParseCpuMilli("0.5"), 500);
  EXPECT_FALSE(ParseMemoryMib("lots").has_value());
  EXPECT_FALSE(ParseMemoryMib("").has_value());
  EXPECT_FALSE(ParseCpuMilli("-1").has_value());
  SparkAppSpec bad;
  bad.executor.cores = 0;
  EXPECT_FALSE(SizeSparkApp(bad).has_value());
  SparkAppSpec bad_mem;
  bad_mem.driver.memory = "x";
  EXPECT_FALSE(SizeSparkApp(bad_mem).has_value());
}

}  // namespace
}  // namespace sparkplane::fleet
