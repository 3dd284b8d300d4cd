#include "control/spark_conf_check.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "control/app_spec.hpp"

namespace sparkplane::control {
namespace {
namespace json = boost::json;

Status Check(std::string_view spark_conf) {
  return ValidateAppSpec(json::parse(fmt::format(R"({{"sparkConf":{}}})", spark_conf)), "configOverrides");
}

TEST(SparkConfCheckTest, KeysTheRuntimeOwnsAreRefusedWithTheReason) {
  auto master = Check(R"({"spark.master":"yarn"})");
  ASSERT_FALSE(master.has_value());
  EXPECT_EQ(master.error().field_paths, std::vector<std::string>{"configOverrides.sparkConf.spark.master"});
  EXPECT_NE(master.error().message.find("sparkplane sets spark.master itself"), std::string::npos)
      << master.error().message;
  EXPECT_FALSE(Check(R"({"spark.eventLog.dir":"/tmp"})").has_value());
  EXPECT_TRUE(Check(R"({"spark.sql.shuffle.partitions":"8"})").has_value());
}

TEST(SparkConfCheckTest, SizesMustParseAsSparkParsesThem) {
  auto spaced = Check(R"({"spark.driver.memory":"4 GB"})");
  ASSERT_FALSE(spaced.has_value());
  EXPECT_EQ(spaced.error().field_paths, std::vector<std::string>{"configOverrides.sparkConf.spark.driver.memory"});
  EXPECT_NE(spaced.error().message.find("'4 GB' is not a size Spark reads"), std::string::npos);
  EXPECT_FALSE(Check(R"({"spark.executor.memory":"4.5g"})").has_value()) << "Spark refuses fractions";
  EXPECT_FALSE(Check(R"({"spark.executor.memoryOverhead":"lots"})").has_value());
  for (const char* ok : {"4g", "512m", "4G", "1024", "2gb", " 3t "}) {
    EXPECT_TRUE(Check(fmt::format(R"({{"spark.driver.memory":"{}"}})", ok)).has_value()) << ok;
  }
  EXPECT_TRUE(Check(R"({"spark.myapp.memory":"4 GB"})").has_value()) << "not a size key";
}

TEST(SparkConfigKeysTest, UnknownKeysGetTheClosestKnownOne) {
  SparkConfigKeys keys({"spark.executor.memory", "spark.executor.cores", "spark.driver.memory", "spark.hadoop."});
  EXPECT_TRUE(keys.Known("spark.executor.memory"));
  EXPECT_TRUE(keys.Known("spark.hadoop.fs.s3a.secret.key")) << "a family";
  EXPECT_FALSE(keys.Known("spark.exectuor.memory"));
  EXPECT_EQ(keys.Closest("spark.exectuor.memory"), "spark.executor.memory") << "a transposition";
  EXPECT_EQ(keys.Closest("spark.executor.memroy"), "spark.executor.memory");
  EXPECT_EQ(keys.Closest("spark.myapp.password"), std::nullopt);
  auto warnings = UnknownKeyWarnings(
      json::parse(R"({"spark.exectuor.memory":"4g","spark.driver.memory":"1g","spark.myapp.x":"1"})").as_object(),
      keys);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "spark.exectuor.memory is not a Spark configuration key; did you mean spark.executor.memory?");
  EXPECT_EQ(warnings[1].rfind("spark.myapp.x is not a Spark configuration key", 0), 0u) << warnings[1];
}

}  // namespace
}  // namespace sparkplane::control
