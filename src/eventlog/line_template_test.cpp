#include "eventlog/line_template.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace sparkplane::eventlog {
namespace {

struct Target {
  int64_t id = 0;
  int32_t index = 0;
  bool done = false;
  std::string host;
};

using H = LineTemplate::Hole;

// Learns {"ID":<id>,"Index":<index>,"Done":<done>,"Host":"<host>","U":<skip>,"V":"<keyed 7>"}
// from `line` by hand, the way a cursor reading it would.
LineTemplate Learn(const std::string& line) {
  LineTemplate t;
  const char* p = line.data();
  t.Start(p);
  auto hole = [&](H kind, std::string_view before, std::string_view after, size_t offset) {
    size_t b = line.find(before) + before.size();
    size_t e = line.find(after, b);
    t.Add(kind, p + b, p + e, offset, 7);
  };
  hole(H::kInt64, "\"ID\":", ",", offsetof(Target, id));
  hole(H::kInt32, "\"Index\":", ",", offsetof(Target, index));
  hole(H::kBool, "\"Done\":", ",", offsetof(Target, done));
  hole(H::kString, "\"Host\":\"", "\"", offsetof(Target, host));
  hole(H::kSkipBare, "\"U\":", ",", 0);
  hole(H::kKeyedString, "\"V\":\"", "\"", 0);
  t.Finish(p + line.size());
  return t;
}

struct Read {
  bool ok = false;
  Target target;
  LineTemplate::Keyed keyed;
  size_t length = 0;
};

Read MatchText(const LineTemplate& t, std::string text, bool with_length = true) {
  Read r;
  size_t size = text.size();
  text.append(64, '\0');  // the padding readers guarantee
  r.ok = t.Match(text.data(), text.data() + size, reinterpret_cast<std::byte*>(&r.target), r.keyed,
                 with_length ? &r.length : nullptr);
  return r;
}

const std::string kLearned = R"({"ID":12,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"})";

TEST(LineTemplateTest, ReadsTheHolesOfALineOfTheSameShape) {
  LineTemplate t = Learn(kLearned);
  std::string line =
      R"({"ID":-98765432109,"Index":41,"Done":true,"Host":"host-2.example","U":x,"V":"-5"})";
  Read r = MatchText(t, line + "\n{\"next\":1}\n");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.length, line.size());
  EXPECT_EQ(r.target.id, -98765432109);
  EXPECT_EQ(r.target.index, 41);
  EXPECT_TRUE(r.target.done);
  EXPECT_EQ(r.target.host, "host-2.example");
  ASSERT_EQ(r.keyed.size(), 1u);
  EXPECT_EQ(r.keyed[0], std::make_pair(int64_t{7}, int64_t{-5}));

  Read crlf = MatchText(t, line + "\r\n");
  ASSERT_TRUE(crlf.ok);
  EXPECT_EQ(crlf.length, line.size());
  EXPECT_TRUE(MatchText(t, line, /*with_length=*/false).ok);
  EXPECT_TRUE(MatchText(t, line).ok);  // the text's end ends the line too
}

TEST(LineTemplateTest, AKeyedHoleThatIsNoIntegerAddsNothing) {
  LineTemplate t = Learn(kLearned);
  Read r = MatchText(t, R"({"ID":1,"Index":1,"Done":true,"Host":"h","U":1,"V":"1.5"})");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.keyed.empty());
}

TEST(LineTemplateTest, RejectsWhatTheReaderWouldNotHaveReadTheSameWay) {
  LineTemplate t = Learn(kLearned);
  for (std::string line : {
           // fixed text differs
           R"({"ID":12,"Index":3,"Done":false,"Hosts":"a","U":17,"V":"250"})",
           R"({"ID":12,"Index":3,"Done":false,"Host":"a","U":17,"V":"250","W":1})",
           R"({"ID":12,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"}x)",
           R"({"ID":12,"Index":3,"Done":false,"Host":"a","U":17})",
           // numbers JSON writes differently or the reader leaves to the JSON parser
           R"({"ID":012,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"})",
           R"({"ID":1.5,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"})",
           R"({"ID":1e3,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"})",
           R"({"ID":1234567890123456789,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"})",
           R"({"ID":,"Index":3,"Done":false,"Host":"a","U":17,"V":"250"})",
           // booleans, strings with escapes, a string where a bare scalar was
           R"({"ID":12,"Index":3,"Done":null,"Host":"a","U":17,"V":"250"})",
           R"({"ID":12,"Index":3,"Done":false,"Host":"a\"b","U":17,"V":"250"})",
           R"({"ID":12,"Index":3,"Done":false,"Host":"a","U":"17","V":"250"})",
           R"({"ID":12,"Index":3,"Done":false,"Host":"a","U":,"V":"250"})",
       }) {
    EXPECT_FALSE(MatchText(t, line).ok) << line;
  }
  // A line cut inside (an unfinished last line) and a lone '\r' do not match.
  EXPECT_FALSE(MatchText(t, kLearned.substr(0, 30)).ok);
  EXPECT_FALSE(MatchText(t, kLearned + "\rx").ok);
  EXPECT_FALSE(MatchText(t, kLearned + "\n", /*with_length=*/false).ok);
}

}  // namespace
}  // namespace sparkplane::eventlog
