#include "runtime/properties_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/util.hpp"

namespace sparkplane::runtime {
namespace {

std::string Body(const SparkProperties& p) {
  std::string text = FormatPropertiesFile(p);
  return text.substr(text.find('\n') + 1);  // after the header comment
}

TEST(PropertiesFileTest, LastSetWinsInPlace) {
  SparkProperties p;
  p.Set("a", "1");
  p.Set("b", "2");
  p.Set("a", "3");
  ASSERT_EQ(p.entries().size(), 2u);
  EXPECT_EQ(*p.Find("a"), "3");
  EXPECT_EQ(p.Find("c"), nullptr);
  EXPECT_EQ(Body(p), "a=3\nb=2\n");
}

// Each character java.util.Properties.load would read differently is escaped.
TEST(PropertiesFileTest, EscapesWhatPropertiesLoadInterprets) {
  SparkProperties p;
  p.Set("k with space", " lead and=colon:hash#bang!");
  p.Set("path", "C:\\dir\\x");
  p.Set("multi", "line1\nline2\r\tend\f");
  p.Set("#comment-like", "!x");
  EXPECT_EQ(Body(p),
            "k\\ with\\ space=\\ lead and\\=colon\\:hash\\#bang\\!\n"
            "path=C\\:\\\\dir\\\\x\n"
            "multi=line1\\nline2\\r\\tend\\f\n"
            "\\#comment-like=\\!x\n");
}

TEST(PropertiesFileTest, NonAsciiAsUtf16Escapes) {
  SparkProperties p;
  p.Set("u", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x91\x01");  // é € 🔑 U+0001
  EXPECT_EQ(Body(p), "u=\\u00E9\\u20AC\\uD83D\\uDD11\\u0001\n");
  SparkProperties bad;
  bad.Set("b",
          "\xFF"
          "a\xC3");  // invalid and truncated UTF-8: kept byte by byte
  EXPECT_EQ(Body(bad), "b=\\u00FFa\\u00C3\n");
}

TEST(PropertiesFileTest, WrittenPrivate) {
  auto dir = std::filesystem::temp_directory_path() / ("props-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  SparkProperties p;
  p.Set("spark.myapp.password", "s3cret");
  ASSERT_TRUE(WritePropertiesFile(dir / "spark.properties", p).has_value());
  struct stat st {};
  ASSERT_EQ(::stat((dir / "spark.properties").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_NE(ReadFile(dir / "spark.properties").value().find("spark.myapp.password=s3cret\n"),
            std::string::npos);
  p.Set("spark.myapp.password", "again");  // replaces an existing file
  ASSERT_TRUE(WritePropertiesFile(dir / "spark.properties", p).has_value());
  EXPECT_NE(ReadFile(dir / "spark.properties").value().find("=again\n"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sparkplane::runtime
