#include "control/submission.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sparkplane::control {
namespace {
namespace json = boost::json;

class SubmissionTest : public ::testing::Test {
 protected:
  Result<SubmissionPlan> Plan(std::string_view body) {
    return PlanSubmission(json::parse(body), lookups_, {"/spark", "/data", 4});
  }
  json::value template_ = json::parse(R"({"sparkConf":{"a":"t","b":"t"},"mainApplicationFile":"/jobs/t.py"})");
  json::value job_ = json::parse(R"({"sparkConf":{"b":"j"},"arguments":["from-job"]})");
  SubmissionLookups lookups_{
      .template_config = [this](const std::string& id) -> Result<json::value> {
        if (id == "tpl") return template_;
        return Fail(ErrorCode::kNotFound, "no template " + id);
      },
      .job_config = [this](const std::string& id) -> std::optional<json::value> {
        if (id == "nightly") return job_;
        return std::nullopt;
      },
      .file_exists = [](const std::string& path) { return path.rfind("/jobs/", 0) == 0; }};
};

TEST_F(SubmissionTest, LayersMergeIntoTheArgv) {
  auto plan = Plan(R"({"jobId":"nightly","appId":"run-1","configTemplateId":"tpl",
                       "configOverrides":{"arguments":["x"],"executor":{"instances":1,"cores":2}}})");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  EXPECT_EQ(plan->app_id, "run-1");
  EXPECT_EQ(plan->merged.sources.at("/sparkConf/a"), "template:tpl");
  EXPECT_EQ(plan->merged.sources.at("/sparkConf/b"), "jobConfig");
  EXPECT_EQ(plan->argv.front(), "/spark/bin/spark-submit");
  EXPECT_EQ(plan->argv[2], "local[2]");
  EXPECT_EQ(plan->argv[plan->argv.size() - 2], "/jobs/t.py");
  EXPECT_EQ(plan->argv.back(), "x");
}

TEST_F(SubmissionTest, RejectionsNameTheField) {
  auto missing = Plan(R"({"jobId":"j","configTemplateId":"nope"})");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field_paths, std::vector<std::string>{"configTemplateId"});
  auto absent = Plan(R"({"jobId":"j","configOverrides":{"mainApplicationFile":"/elsewhere/p.py"}})");
  ASSERT_FALSE(absent.has_value());
  EXPECT_EQ(absent.error().field_paths, std::vector<std::string>{"configOverrides.mainApplicationFile"});
}

// Found by bench/fuzz/submission_fuzz: an empty key was rejected with an empty field path.
TEST_F(SubmissionTest, EmptyTopLevelKeyHasAFieldPath) {
  auto plan = Plan(R"({"":"j","configOverrides":null})");
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().field_paths, std::vector<std::string>{"\"\""});
  EXPECT_EQ(plan.error().message.substr(0, 15), "\"\": unknown key");
}

}  // namespace
}  // namespace sparkplane::control
