#include "control/issues.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sparkplane::control {
namespace {

TEST(IssuesTest, Log4jErrorsWithStacksAndPythonTracebacks) {
  auto issues = ExtractIssues(
      "26/11/24 05:53:57 INFO SparkContext: Running Spark version 4.0.1\n"
      "26/11/24 05:53:57 WARN NativeCodeLoader: Unable to load native-hadoop library\n"
      "26/11/24 05:53:58 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)\n"
      "java.lang.IllegalStateException: bad state\n"
      "\tat org.example.Job.run(Job.java:10)\n"
      "Caused by: java.io.IOException: disk\n"
      "\t... 3 more\n"
      "26/11/24 05:53:59 ERROR sparkplane-test: something went wrong but we carry on\n"
      "Traceback (most recent call last):\n"
      "  File \"/a/fail.py\", line 5, in <module>\n"
      "    raise ValueError(\"boom: 42\")\n"
      "ValueError: boom: 42\n"
      "26/11/24 05:54:00 INFO ShutdownHookManager: bye\n");
  ASSERT_EQ(issues.size(), 3u) << boost::json::serialize(issues);
  EXPECT_EQ(issues[0].at("errorType"), "java.lang.IllegalStateException");
  EXPECT_EQ(issues[0].at("severity"), "ERROR");
  EXPECT_EQ(issues[0].at("abstract"), "Exception in task 0.0 in stage 1.0 (TID 1)");
  EXPECT_NE(std::string(issues[0].at("stacktrace").as_string()).find("Caused by: java.io.IOException"), std::string::npos);
  EXPECT_EQ(issues[1].at("errorType"), "sparkplane-test");
  EXPECT_EQ(issues[1].at("abstract"), "something went wrong but we carry on");
  EXPECT_EQ(issues[2].at("errorType"), "ValueError");
  EXPECT_EQ(issues[2].at("abstract"), "boom: 42");
  EXPECT_NE(std::string(issues[2].at("stacktrace").as_string()).find("fail.py"), std::string::npos);
  EXPECT_TRUE(HasErrors(issues));
}

TEST(IssuesTest, HarmlessWarningsAreNotIssues) {
  auto issues = ExtractIssues("26/11/24 05:53:57 WARN Utils: Your hostname resolves to a loopback address\nplain\n");
  EXPECT_TRUE(issues.empty());
  EXPECT_FALSE(HasErrors(issues));
  EXPECT_TRUE(ExtractIssues("").empty());
  EXPECT_TRUE(ExtractIssues("Traceback (most recent call last):").size() == 1);  // cut log: no crash
}

}  // namespace
}  // namespace sparkplane::control
