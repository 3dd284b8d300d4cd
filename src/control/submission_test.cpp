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
  // Config values go to the properties file the launcher writes, never to the argv.
  EXPECT_EQ(plan->argv[plan->argv.size() - 3], "/data/apps/run-1/spark.properties");
  ASSERT_NE(plan->properties.Find("b"), nullptr);
  EXPECT_EQ(*plan->properties.Find("b"), "j");
  EXPECT_EQ(*plan->properties.Find("a"), "t");
}

// Ocean's precedence, highest first: configOverrides, job config, template; platform defaults
// only fill what no layer set. A template that sizes an app used to lose to the defaults.
TEST_F(SubmissionTest, EveryLayerOutranksPlatformDefaultsIncludingSizes) {
  template_ = json::parse(R"({"mainApplicationFile":"/jobs/t.py","executor":{"instances":1,"cores":1},
                              "driver":{"cores":2},"sparkConf":{"spark.sql.adaptive.enabled":"false","t":"t"}})");
  auto from_template = Plan(R"({"jobId":"other","configTemplateId":"tpl"})");
  ASSERT_TRUE(from_template.has_value()) << from_template.error().message;
  const auto& config = from_template->merged.config;
  const auto& sources = from_template->merged.sources;
  EXPECT_EQ(config.at("executor").at("instances"), 1);
  EXPECT_EQ(config.at("executor").at("cores"), 1);
  EXPECT_EQ(sources.at("/executor/instances"), "template:tpl");
  EXPECT_EQ(config.at("driver").at("cores"), 2);
  EXPECT_EQ(config.at("driver").at("memory"), "1g");
  EXPECT_EQ(sources.at("/driver/memory"), "platformDefaults");
  EXPECT_EQ(config.at("sparkConf").at("spark.sql.adaptive.enabled"), "false");
  EXPECT_EQ(sources.at("/sparkConf/spark.sql.adaptive.enabled"), "template:tpl");
  EXPECT_EQ(sources.at("/sparkConf/spark.executor.processTreeMetrics.enabled"), "platformDefaults");
  EXPECT_EQ(from_template->argv[2], "local[1]");

  job_ = json::parse(R"({"executor":{"instances":2},"driver":{"memory":"2g"}})");
  auto with_job = Plan(R"({"jobId":"nightly","configTemplateId":"tpl"})");
  ASSERT_TRUE(with_job.has_value()) << with_job.error().message;
  EXPECT_EQ(with_job->merged.config.at("executor").at("instances"), 2);
  EXPECT_EQ(with_job->merged.sources.at("/executor/instances"), "jobConfig");
  EXPECT_EQ(with_job->merged.sources.at("/executor/cores"), "template:tpl");
  EXPECT_EQ(with_job->merged.sources.at("/driver/memory"), "jobConfig");

  auto overridden = Plan(R"({"jobId":"nightly","configTemplateId":"tpl",
                             "configOverrides":{"executor":{"instances":3},"driver":{"memory":"3g"}}})");
  ASSERT_TRUE(overridden.has_value()) << overridden.error().message;
  EXPECT_EQ(overridden->merged.config.at("executor").at("instances"), 3);
  EXPECT_EQ(overridden->merged.sources.at("/executor/instances"), "configOverrides");
  EXPECT_EQ(overridden->merged.config.at("driver").at("memory"), "3g");
  EXPECT_EQ(overridden->argv[2], "local[3]");
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
