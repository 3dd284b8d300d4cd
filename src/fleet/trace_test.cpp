#include "fleet/trace.hpp"

#include <gtest/gtest.h>

#include "common/util.hpp"
#include "fleet/test_util.hpp"

namespace sparkplane::fleet {
namespace {

const char kHeader[] = "app_id,role,cores,memory_mib,request_s,duration_s\n";

TEST(Trace, ParsesRowsAndRoundTrips) {
  std::string text = std::string(kHeader) +
                     "a,driver,1,2432,0,600\n"
                     "a,executor,3.5,9011,0,500\n"
                     "b,executor,2,4096,10.5,60\n";
  auto t = ParseTrace(text, "t.csv");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  ASSERT_EQ(t->pods.size(), 3u);
  EXPECT_EQ(t->pods[0].role, Role::kDriver);
  EXPECT_EQ(t->pods[1].request.cpu_milli, 3500);
  EXPECT_DOUBLE_EQ(t->pods[2].request_s, 10.5);
  auto again = ParseTrace(FormatTrace(*t), "t2.csv");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->pods.size(), 3u);
  EXPECT_EQ(again->pods[1].request, t->pods[1].request);
}

TEST(Trace, MalformedRowsNameFileAndLine) {
  struct Case {
    std::string row;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"a,worker,1,1024,0,10\n", "t.csv:3: role must be driver or executor"},
      {"a,executor,x,1024,0,10\n", "t.csv:3: column 'cores': not a number"},
      {"a,executor,1,1024,0\n", "t.csv:3: expected 6 fields"},
      {"a,executor,1,1024,0,0\n", "t.csv:3: duration_s must be > 0"},
      {"a,executor,1,1024,-5,10\n", "t.csv:3: request_s must be >= 0"},
      {"a,executor,0,1024,0,10\n", "t.csv:3: cores out of range"},
      {",executor,1,1024,0,10\n", "t.csv:3: empty app_id"},
      {"x,driver,1,1024,0,10\n", "more than one driver"},
  };
  for (auto& c : cases) {
    auto t = ParseTrace(std::string(kHeader) + "x,driver,1,1024,0,10\n" + c.row, "t.csv");
    ASSERT_FALSE(t.has_value()) << c.row;
    EXPECT_NE(t.error().message.find(c.expect), std::string::npos) << t.error().message;
  }
  auto missing = ParseTrace("app_id,role\n", "t.csv");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("missing column 'cores'"), std::string::npos);
}

TEST(Trace, GeneratorIsDeterministicAndSparkSized) {
  GenTraceOptions o;
  o.apps = 20;
  o.seed = 7;
  auto a = GenerateTrace(o);
  auto b = GenerateTrace(o);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(FormatTrace(*a), FormatTrace(*b));
  o.seed = 8;
  EXPECT_NE(FormatTrace(*GenerateTrace(o)), FormatTrace(*a));
  int drivers = 0;
  for (auto& p : a->pods) {
    drivers += p.role == Role::kDriver;
    EXPECT_GE(p.request.memory_mib, 384);  // every request carries Spark's overhead
  }
  EXPECT_EQ(drivers, 20);
  o.mix = "nope";
  EXPECT_FALSE(GenerateTrace(o).has_value());
}

TEST(Trace, ConvertsOpenbCpuPods) {
  auto text = ReadFile(testing::OpenbPath("openb_pod_list_default.csv"));
  ASSERT_TRUE(text.has_value());
  auto t = ConvertOpenb(*text, "openb_pod_list_default.csv", {});
  ASSERT_TRUE(t.has_value()) << t.error().message;
  // 1,088 CPU-only pods in the file; pods that never ran are skipped.
  EXPECT_GT(t->pods.size(), 1000u);
  EXPECT_LE(t->pods.size(), 1088u);
  for (auto& p : t->pods) {
    EXPECT_EQ(p.role, Role::kExecutor);
    EXPECT_GT(p.duration_s, 0);
  }
  OpenbOptions window;
  window.max_pods = 10;
  EXPECT_EQ(ConvertOpenb(*text, "f.csv", window)->pods.size(), 10u);
  std::string bad =
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
      "deletion_time,scheduled_time\n"
      "p1,1000,2048,0,0,,LS,Running,0,100,0\n"
      "p2,abc,2048,0,0,,LS,Running,0,100,0\n";
  auto r = ConvertOpenb(bad, "o.csv", {});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("o.csv:3: column 'cpu_milli'"), std::string::npos);
}

}  // namespace
}  // namespace sparkplane::fleet
