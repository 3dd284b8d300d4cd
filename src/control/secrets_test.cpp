#include "control/secrets.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sparkplane::control {
namespace {
namespace json = boost::json;

json::object Spec(std::string_view text) { return json::parse(text).as_object(); }
const json::value kHidden(kRedactedValue);

const json::object kSpec = Spec(R"({
  "mainApplicationFile": "/apps/token_refresh.py",
  "sparkConf": {"spark.hadoop.fs.s3a.secret.key": "s3-secret-value", "spark.myapp.password": "pw-value-1",
                "spark.executor.memory": "4g", "spark.myapp.note": "rotate the password monthly"},
  "hadoopConf": {"fs.s3a.access.key": "AKIAEXAMPLE", "fs.defaultFS": "file:///"},
  "driver": {"envVars": {"DB_TOKEN": "tok-value-1", "HOME": "/home/x"}, "javaOptions": "-Xss4m"},
  "executor": {"envVars": {"PLAIN": "p"}, "javaOptions": "-Dsome.password=jo-secret"}})");

TEST(SecretsTest, RedactsSecretValuesOnly) {
  json::object shown = RedactSpec(kSpec, Redactor::Default());
  const auto& conf = shown.at("sparkConf").as_object();
  EXPECT_EQ(conf.at("spark.hadoop.fs.s3a.secret.key"), kHidden);
  EXPECT_EQ(conf.at("spark.myapp.password"), kHidden);
  EXPECT_EQ(conf.at("spark.executor.memory"), "4g");
  EXPECT_EQ(conf.at("spark.myapp.note"), kHidden);  // the value matches, as in Spark
  EXPECT_EQ(shown.at("hadoopConf").at("fs.s3a.access.key"), kHidden);
  EXPECT_EQ(shown.at("hadoopConf").at("fs.defaultFS"), "file:///");
  EXPECT_EQ(shown.at("driver").at("envVars").at("DB_TOKEN"), kHidden);
  EXPECT_EQ(shown.at("driver").at("envVars").at("HOME"), "/home/x");
  EXPECT_EQ(shown.at("driver").at("javaOptions"), "-Xss4m");
  EXPECT_EQ(shown.at("executor").at("javaOptions"), kHidden);
  // Not a conf value: spec fields are shown as they are.
  EXPECT_EQ(shown.at("mainApplicationFile"), "/apps/token_refresh.py");
  EXPECT_EQ(json::serialize(shown).find("value-1"), std::string::npos);
  EXPECT_EQ(SecretValues(kSpec, Redactor::Default()).size(), 6u);
}

TEST(SecretsTest, TheSpecsOwnPatternAddsToTheServers) {
  auto spec = Spec(R"({"sparkConf": {"spark.redaction.regex": "myco\\.sig", "spark.myco.sig": "abc",
                                     "spark.myapp.password": "x"}})");
  json::object shown = RedactSpec(spec, Redactor::Default());
  EXPECT_EQ(shown.at("sparkConf").at("spark.myco.sig"), kHidden);
  EXPECT_EQ(shown.at("sparkConf").at("spark.myapp.password"), kHidden);
  EXPECT_EQ(shown.at("sparkConf").at("spark.redaction.regex"), "myco\\.sig");
  // A server pattern that matches nothing leaves only the app's own.
  auto none = Redactor::Create("^$never");
  ASSERT_TRUE(none.has_value());
  json::object own_only = RedactSpec(spec, *none);
  EXPECT_EQ(own_only.at("sparkConf").at("spark.myco.sig"), kHidden);
  EXPECT_EQ(own_only.at("sparkConf").at("spark.myapp.password"), "x");
}

TEST(SecretsTest, ABrokenOwnPatternHidesEverything) {
  auto spec = Spec(
      R"({"sparkConf": {"spark.redaction.regex": "(unclosed", "spark.executor.memory": "4g"}})");
  json::object shown = RedactSpec(spec, Redactor::Default());
  EXPECT_EQ(shown.at("sparkConf").at("spark.executor.memory"), kHidden);
  EXPECT_EQ(shown.at("sparkConf").at("spark.redaction.regex"), "(unclosed");
}

TEST(SecretsTest, RestoreKeepsTheStoredSecret) {
  json::object sent_back = RedactSpec(kSpec, Redactor::Default());
  sent_back["sparkConf"].as_object()["spark.executor.memory"] = "8g";  // a real change
  ASSERT_TRUE(RestoreRedacted(sent_back, &kSpec, "config").has_value());
  EXPECT_EQ(sent_back.at("sparkConf").at("spark.myapp.password"), "pw-value-1");
  EXPECT_EQ(sent_back.at("driver").at("envVars").at("DB_TOKEN"), "tok-value-1");
  EXPECT_EQ(sent_back.at("executor").at("javaOptions"), "-Dsome.password=jo-secret");
  EXPECT_EQ(sent_back.at("sparkConf").at("spark.executor.memory"), "8g");
}

TEST(SecretsTest, APlaceholderWithNothingBehindItIsRejected) {
  auto incoming = Spec(R"j({"sparkConf": {"spark.new.password": "*********(redacted)"}})j");
  auto restored = RestoreRedacted(incoming, &kSpec, "config");
  ASSERT_FALSE(restored.has_value());
  EXPECT_EQ(restored.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(restored.error().field_paths,
            std::vector<std::string>{"config.sparkConf.spark.new.password"});
  EXPECT_NE(restored.error().message.find("send the real value"), std::string::npos);
  auto fresh = RestoreRedacted(incoming, nullptr, "config");
  EXPECT_FALSE(fresh.has_value());
}

TEST(SecretsTest, OverridePlaceholdersDeferToLowerLayers) {
  auto overrides = Spec(R"j({"sparkConf": {"spark.myapp.password": "*********(redacted)"},
                             "hadoopConf": {"a/b~c.secret": "*********(redacted)", "x": "1"}})j");
  auto pointers = StripRedactedPlaceholders(overrides);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/sparkConf/spark.myapp.password",
                                                "/hadoopConf/a~1b~0c.secret"}));
  EXPECT_FALSE(overrides.contains("sparkConf"));  // emptied, so it does not stand in the merge
  EXPECT_EQ(overrides.at("hadoopConf").as_object().size(), 1u);
  auto merged = Spec(R"({"sparkConf": {"spark.myapp.password": "real"},
                         "hadoopConf": {"a/b~c.secret": "s"}})");
  EXPECT_TRUE(CheckPlaceholdersResolved(merged, pointers, "configOverrides").has_value());
  auto missing = Spec(R"({"sparkConf": {"spark.myapp.password": "real"}})");
  auto check = CheckPlaceholdersResolved(missing, pointers, "configOverrides");
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(check.error().field_paths,
            std::vector<std::string>{"configOverrides.hadoopConf.a/b~c.secret"});
}

}  // namespace
}  // namespace sparkplane::control
