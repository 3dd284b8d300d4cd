#include "common/redaction.hpp"

#include <gtest/gtest.h>

namespace sparkplane {
namespace {

TEST(RedactionTest, DefaultPatternIsSparks) {
  const Redactor& r = Redactor::Default();
  EXPECT_EQ(r.pattern(), "(?i)secret|password|token|access[.]?key");
  for (std::string_view key :
       {"spark.hadoop.fs.s3a.secret.key", "spark.myapp.password", "spark.myapp.PASSWORD",
        "spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.s3a.accesskey",
        "spark.authenticate.secret", "GITHUB_TOKEN"}) {
    EXPECT_TRUE(r.IsSecret(key, "x")) << key;
  }
  for (std::string_view key : {"spark.executor.memory", "spark.sql.shuffle.partitions",
                               "spark.hadoop.fs.s3a.access_key", "spark.eventLog.dir"}) {
    EXPECT_FALSE(r.IsSecret(key, "4g")) << key;
  }
}

// Spark redacts when the pattern is found in the value too (e.g. -D options in java options).
TEST(RedactionTest, ValueMatchesAsInSpark) {
  const Redactor& r = Redactor::Default();
  EXPECT_TRUE(r.IsSecret("spark.driver.extraJavaOptions", "-Ddb.password=x"));
  EXPECT_FALSE(r.IsSecret("spark.driver.extraJavaOptions", "-Xss4m"));
}

TEST(RedactionTest, CustomPatternsAndFlags) {
  auto anchored = Redactor::Create("^spark\\.myco\\..*");
  ASSERT_TRUE(anchored.has_value()) << anchored.error().message;
  EXPECT_TRUE(anchored->Matches("spark.myco.anything"));
  EXPECT_FALSE(anchored->Matches("x.spark.myco.y"));
  EXPECT_FALSE(anchored->Matches("spark.myapp.password"));  // replaces the default, not adds to it
  auto case_sensitive = Redactor::Create("Secret");
  ASSERT_TRUE(case_sensitive.has_value());
  EXPECT_FALSE(case_sensitive->Matches("secret"));
  auto flags = Redactor::Create("(?im)^key$");
  ASSERT_TRUE(flags.has_value()) << flags.error().message;
  EXPECT_TRUE(flags->Matches("a\nKEY\nb"));
}

TEST(RedactionTest, UnsupportedPatternsAreRejectedWithTheReason) {
  auto broken = Redactor::Create("(secret");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(broken.error().message.find("'(secret'"), std::string::npos);
  auto flag = Redactor::Create("(?x)secret");
  ASSERT_FALSE(flag.has_value());
  EXPECT_NE(flag.error().message.find("'x'"), std::string::npos);
  EXPECT_FALSE(Redactor::Create("(a)\\1").has_value());  // a back-reference: not linear-time
}

// A pattern with nested stars over a long value must neither overflow the stack nor hang.
TEST(RedactionTest, LongValuesWithGreedyPatterns) {
  auto greedy = Redactor::Create("(?i).*pass(word)?.*");
  ASSERT_TRUE(greedy.has_value());
  std::string value(1 << 20, 'a');
  EXPECT_FALSE(greedy->Matches(value));
  value += "PASSWORD";
  EXPECT_TRUE(greedy->Matches(value));
}

TEST(RedactionTest, MatchEverythingFailsClosed) {
  Redactor all = Redactor::MatchEverything();
  EXPECT_TRUE(all.IsSecret("spark.executor.memory", "4g"));
}

TEST(RedactionTest, ScrubSecretsReplacesEveryOccurrence) {
  std::vector<std::string> secrets = {"hunter2-long", "hunter2-longer-one", "true"};
  EXPECT_EQ(ScrubSecrets("a hunter2-longer-one b hunter2-long c true", secrets),
            "a *********(redacted) b *********(redacted) c true");
  EXPECT_EQ(ScrubSecrets("nothing here", secrets), "nothing here");
  std::vector<std::string> repeated = {"aaaaaa"};
  EXPECT_EQ(ScrubSecrets("aaaaaaaaaaaa", repeated), "*********(redacted)*********(redacted)");
}

}  // namespace
}  // namespace sparkplane
