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

std::string Prop(const LocalSubmitCommand& c, std::string_view key) {
  const std::string* v = c.properties.Find(key);
  return v ? *v : "<unset>";
}

TEST(SparkSubmitTest, PythonAppWithEverything) {
  auto config = json::parse(R"({
    "type":"Python","mainApplicationFile":"file:///apps/pi.py","arguments":["10","a b"],
    "deps":{"pyFiles":["/x/a.py","/x/b.zip"],"packages":["org.x:y:1"],"jars":[]},
    "sparkConf":{"spark.sql.shuffle.partitions":"8"},"hadoopConf":{"fs.s3a.endpoint":"e"},
    "driver":{"cores":1,"memory":"8.5g","javaOptions":"-Dx=1","envVars":{"DRIVER_TOKEN":"t1"}},
    "executor":{"cores":4,"instances":6,"memory":"2g","envVars":{"EXEC_KEY":"k1"}}})")
                    .as_object();
  auto command = BuildLocalSubmit(config, Ctx());
  ASSERT_TRUE(command.has_value()) << command.error().message;
  const auto& argv = command->argv;
  EXPECT_EQ(argv.front(), "/opt/spark/bin/spark-submit");
  EXPECT_TRUE(Contains(argv, {"--master", "local[2]"}));  // 24 slots capped at 2 cores
  EXPECT_TRUE(Contains(argv, {"--properties-file", "/data/apps/a1/spark.properties"}));
  EXPECT_EQ(command->properties_file, "/data/apps/a1/spark.properties");
  EXPECT_TRUE(Contains(argv, {"/apps/pi.py", "10", "a b"}));
  EXPECT_EQ(argv.back(), "a b");
  EXPECT_EQ(Prop(*command, "spark.submit.pyFiles"), "/x/a.py,/x/b.zip");
  EXPECT_EQ(Prop(*command, "spark.jars.packages"), "org.x:y:1");
  EXPECT_EQ(Prop(*command, "spark.jars"), "<unset>");
  EXPECT_EQ(Prop(*command, "spark.driver.memory"), "8704m");
  EXPECT_EQ(Prop(*command, "spark.driver.extraJavaOptions"), "-Dx=1");
  EXPECT_EQ(Prop(*command, "spark.executor.memory"), "2048m");
  EXPECT_EQ(Prop(*command, "spark.sql.shuffle.partitions"), "8");
  EXPECT_EQ(Prop(*command, "spark.hadoop.fs.s3a.endpoint"), "e");
  EXPECT_EQ(Prop(*command, "spark.executorEnv.EXEC_KEY"), "k1");
  EXPECT_EQ(Prop(*command, "spark.eventLog.dir"), "/data/apps/a1/eventlog");
  EXPECT_EQ(command->driver_env, std::vector<std::string>{"DRIVER_TOKEN=t1"});
}

// Issue 18: ps and /proc/<pid>/cmdline are readable by every local user, so no config value
// may be on the argv; only the fixed flags, the main file and the app's own arguments.
TEST(SparkSubmitTest, NoConfigValueOnTheCommandLine) {
  auto config = json::parse(R"({
    "mainApplicationFile":"/apps/job.py","arguments":["in"],
    "deps":{"repositories":["https://user:repo-pass@repo.example"]},
    "sparkConf":{"spark.myapp.password":"hunter2-spark"},
    "hadoopConf":{"fs.s3a.secret.key":"hunter2-hadoop"},
    "driver":{"javaOptions":"-Dpw=hunter2-java","envVars":{"DB_PASSWORD":"hunter2-env"}},
    "executor":{"envVars":{"DB_PASSWORD":"hunter2-exec"}}})")
                    .as_object();
  auto command = BuildLocalSubmit(config, Ctx());
  ASSERT_TRUE(command.has_value()) << command.error().message;
  for (const auto& arg : command->argv) EXPECT_EQ(arg.find("hunter2"), std::string::npos) << arg;
  EXPECT_EQ(command->argv.size(), 11u);  // spark-submit, 4 flag pairs, the file, its argument
  EXPECT_EQ(Prop(*command, "spark.myapp.password"), "hunter2-spark");
  EXPECT_EQ(Prop(*command, "spark.hadoop.fs.s3a.secret.key"), "hunter2-hadoop");
  EXPECT_EQ(Prop(*command, "spark.jars.repositories"), "https://user:repo-pass@repo.example");
}

// The spec fields that were spark-submit flags keep winning over sparkConf, the others lose.
TEST(SparkSubmitTest, SpecFieldsAndSparkConfPrecedence) {
  auto config = json::parse(R"({"mainApplicationFile":"/a.py",
    "sparkConf":{"spark.driver.memory":"1g","spark.executor.memory":"3g","spark.eventLog.dir":"/x"},
    "driver":{"memory":"2g"},"executor":{"memory":"5g"}})")
                    .as_object();
  auto command = BuildLocalSubmit(config, Ctx());
  ASSERT_TRUE(command.has_value());
  EXPECT_EQ(Prop(*command, "spark.driver.memory"), "2048m");
  EXPECT_EQ(Prop(*command, "spark.executor.memory"), "3g");
  EXPECT_EQ(Prop(*command, "spark.eventLog.dir"), "/data/apps/a1/eventlog");
}

TEST(SparkSubmitTest, RejectsBadEnvironmentNames) {
  auto config = json::parse(R"({"mainApplicationFile":"/a.py","driver":{"envVars":{"A=B":"x"}}})")
                    .as_object();
  auto command = BuildLocalSubmit(config, Ctx());
  ASSERT_FALSE(command.has_value());
  EXPECT_EQ(command.error().field_paths, std::vector<std::string>{"driver.envVars.A=B"});
}

TEST(SparkSubmitTest, JvmAppNeedsClassOrJar) {
  auto with_class = json::parse(R"({"mainApplicationFile":"/a/app.jar","mainClass":"x.Main"})").as_object();
  auto command = BuildLocalSubmit(with_class, Ctx());
  ASSERT_TRUE(command.has_value());
  EXPECT_TRUE(Contains(command->argv, {"--class", "x.Main"}));
  EXPECT_TRUE(Contains(command->argv, {"--master", "local[1]"}));
  auto no_class = json::parse(R"({"type":"Scala","mainApplicationFile":"/a/app.txt"})").as_object();
  EXPECT_FALSE(BuildLocalSubmit(no_class, Ctx()).has_value());
}

TEST(SparkSubmitTest, RejectsRemoteAndRelativeFiles) {
  EXPECT_EQ(LocalApplicationPath("local:///opt/x.jar").value(), "/opt/x.jar");
  EXPECT_EQ(LocalApplicationPath("/a/../b/x.py").value(), "/b/x.py");
  auto s3 = LocalApplicationPath("s3a://bucket/x.py");
  ASSERT_FALSE(s3.has_value());
  EXPECT_NE(s3.error().message.find("only local paths"), std::string::npos);
  EXPECT_FALSE(LocalApplicationPath("x.py").has_value());
  auto missing = json::parse(R"({"type":"Python"})").as_object();
  EXPECT_FALSE(BuildLocalSubmit(missing, Ctx()).has_value());
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
