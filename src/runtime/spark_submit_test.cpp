#include "runtime/spark_submit.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sparkplane::runtime {
namespace {
namespace json = boost::json;

LocalSubmitContext Ctx() { return {"/opt/spark", "/data/apps/a1", "a1", 2}; }

bool Contains(const std::vector<std::string>& v, std::vector<std::string> seq) {
  return std::search(v.begin(), v.end(), seq.begin(), seq.end()) != v.end();
}

TEST(SparkSubmitTest, PythonAppWithEverything) {
  auto config = json::parse(R"({
    "type":"Python","mainApplicationFile":"file:///apps/pi.py","arguments":["10","a b"],
    "deps":{"pyFiles":["/x/a.py","/x/b.zip"],"packages":["org.x:y:1"],"jars":[]},
    "sparkConf":{"spark.sql.shuffle.partitions":"8"},"hadoopConf":{"fs.s3a.endpoint":"e"},
    "driver":{"cores":1,"memory":"8.5g","javaOptions":"-Dx=1"},
    "executor":{"cores":4,"instances":6,"memory":"2g"}})").as_object();
  auto argv = BuildLocalSubmitArgv(config, Ctx());
  ASSERT_TRUE(argv.has_value()) << argv.error().message;
  EXPECT_EQ(argv->front(), "/opt/spark/bin/spark-submit");
  EXPECT_TRUE(Contains(*argv, {"--master", "local[2]"}));  // 24 slots capped at 2 cores
  EXPECT_TRUE(Contains(*argv, {"--py-files", "/x/a.py,/x/b.zip"}));
  EXPECT_TRUE(Contains(*argv, {"--packages", "org.x:y:1"}));
  EXPECT_FALSE(Contains(*argv, {"--jars"}));
  EXPECT_TRUE(Contains(*argv, {"--driver-memory", "8704m"}));
  EXPECT_TRUE(Contains(*argv, {"--driver-java-options", "-Dx=1"}));
  EXPECT_TRUE(Contains(*argv, {"--conf", "spark.executor.memory=2048m"}));
  EXPECT_TRUE(Contains(*argv, {"--conf", "spark.sql.shuffle.partitions=8"}));
  EXPECT_TRUE(Contains(*argv, {"--conf", "spark.hadoop.fs.s3a.endpoint=e"}));
  EXPECT_TRUE(Contains(*argv, {"--conf", "spark.eventLog.dir=/data/apps/a1/eventlog"}));
  EXPECT_TRUE(Contains(*argv, {"/apps/pi.py", "10", "a b"}));
  EXPECT_EQ(argv->back(), "a b");
}

TEST(SparkSubmitTest, JvmAppNeedsClassOrJar) {
  auto with_class = json::parse(R"({"mainApplicationFile":"/a/app.jar","mainClass":"x.Main"})").as_object();
  auto argv = BuildLocalSubmitArgv(with_class, Ctx());
  ASSERT_TRUE(argv.has_value());
  EXPECT_TRUE(Contains(*argv, {"--class", "x.Main"}));
  EXPECT_TRUE(Contains(*argv, {"--master", "local[1]"}));
  auto no_class = json::parse(R"({"type":"Scala","mainApplicationFile":"/a/app.txt"})").as_object();
  EXPECT_FALSE(BuildLocalSubmitArgv(no_class, Ctx()).has_value());
}

TEST(SparkSubmitTest, RejectsRemoteAndRelativeFiles) {
  EXPECT_EQ(LocalApplicationPath("local:///opt/x.jar").value(), "/opt/x.jar");
  EXPECT_EQ(LocalApplicationPath("/a/../b/x.py").value(), "/b/x.py");
  auto s3 = LocalApplicationPath("s3a://bucket/x.py");
  ASSERT_FALSE(s3.has_value());
  EXPECT_NE(s3.error().message.find("only local paths"), std::string::npos);
  EXPECT_FALSE(LocalApplicationPath("x.py").has_value());
  auto missing = json::parse(R"({"type":"Python"})").as_object();
  EXPECT_FALSE(BuildLocalSubmitArgv(missing, Ctx()).has_value());
}

// Counts from the spec are clamped before they become ints, whatever reached the runtime.
TEST(SparkSubmitTest, HugeOrNonsenseCountsAreClamped) {
  auto huge = json::parse(R"({"executor":{"cores":1e300,"instances":1e300}})").as_object();
  EXPECT_EQ(LocalCores(huge, 2), 2);
  auto negative = json::parse(R"({"executor":{"cores":-5,"instances":-1}})").as_object();
  EXPECT_EQ(LocalCores(negative, 2), 1);
}

TEST(SparkSubmitTest, InfersLanguage) {
  EXPECT_EQ(AppLanguage(json::parse(R"({"mainApplicationFile":"/a.py"})").as_object()), "Python");
  EXPECT_EQ(AppLanguage(json::parse(R"({"mainApplicationFile":"/a.jar"})").as_object()), "Java");
  EXPECT_EQ(AppLanguage(json::parse(R"({"type":"Scala"})").as_object()), "Scala");
}

}  // namespace
}  // namespace sparkplane::runtime
