#include "common/util.hpp"

#include <boost/json.hpp>

#include "common/spec_fields.hpp"

#include <gtest/gtest.h>

namespace sparkplane {
namespace {

TEST(UtilTest, Uuid4HasVersionAndVariant) {
  std::string u = NewUuid4();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
  EXPECT_NE(NewUuid4(), u);
}

TEST(UtilTest, IsoRoundTrip) {
  int64_t t = 1637616515546;
  std::string s = FormatIsoMillis(t);
  EXPECT_EQ(s, "2021-11-22T21:28:35.546Z");
  EXPECT_EQ(ParseIsoMillis(s).value(), t);
  EXPECT_EQ(ParseIsoMillis("2021-11-22").value(), 1637539200000);
  EXPECT_EQ(ParseIsoMillis("2021-11-22T00:00").value(), 1637539200000);
  EXPECT_FALSE(ParseIsoMillis("yesterday").has_value());
  EXPECT_FALSE(ParseIsoMillis("2021-13-01").has_value());
}

TEST(SpecFieldsTest, UnknownKeysAreNamedEvenWhenEmpty) {
  auto ok = boost::json::parse(R"({"a":1,"b":2})").as_object();
  EXPECT_TRUE(CheckKnownKeys(ok, {"a", "b", "c"}).has_value());
  auto empty_key = boost::json::parse(R"({"a":1,"":2})").as_object();
  auto bad = CheckKnownKeys(empty_key, {"a", "b"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field_paths, std::vector<std::string>{"\"\""});
  EXPECT_EQ(bad.error().message, "\"\": unknown key; expected a, b");
}

TEST(UtilTest, K8sNames) {
  EXPECT_TRUE(IsK8sName("spark-pi"));
  EXPECT_TRUE(IsK8sName("a.b-c.d1"));
  EXPECT_FALSE(IsK8sName(""));
  EXPECT_FALSE(IsK8sName("-a"));
  EXPECT_FALSE(IsK8sName("a-"));
  EXPECT_FALSE(IsK8sName("A"));
  EXPECT_FALSE(IsK8sName("a..b"));
  EXPECT_FALSE(IsK8sName("../etc"));
  EXPECT_FALSE(IsK8sName("a/b"));
  EXPECT_FALSE(IsK8sName(std::string(254, 'a')));
}

TEST(UtilTest, AtomicWriteReplaces) {
  auto dir = std::filesystem::temp_directory_path() / ("sp-util-" + RandomHex(6));
  std::filesystem::create_directories(dir);
  auto p = dir / "f";
  ASSERT_TRUE(WriteFileAtomic(p, "one", 0600).has_value());
  ASSERT_TRUE(WriteFileAtomic(p, "two", 0600).has_value());
  EXPECT_EQ(ReadFile(p).value(), "two");
  EXPECT_EQ(std::filesystem::status(p).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sparkplane
