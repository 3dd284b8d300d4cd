#include "eventlog/live.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/util.hpp"
#include "eventlog/history_api.hpp"
#include "eventlog/test_support.hpp"

namespace sparkplane::eventlog {
namespace {

namespace fs = std::filesystem;

class LiveAppTest : public ::testing::TestWithParam<Codec> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eventlog_live_" + RandomHex(8));
    fs::create_directories(dir_);
    auto text =
        ReadFile(testing::SparkHistoryData() / "spark-events" / "application_1553914137147_0018");
    ASSERT_TRUE(text);
    text_ = *text;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Append(const fs::path& p, std::string_view data) {
    std::ofstream out(p, std::ios::binary | std::ios::app);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }

  fs::path dir_;
  std::string text_;
};

TEST_P(LiveAppTest, FollowsAGrowingLogReadingOnlyNewBytes) {
  std::string suffix = GetParam() == Codec::kNone ? "" : "." + std::string(CodecName(GetParam()));
  fs::path log = dir_ / ("application_1553914137147_0018" + suffix + ".inprogress");
  LiveApp app(log);
  auto before = app.Poll(0);
  ASSERT_TRUE(before);
  EXPECT_FALSE(before->started);

  auto catalog = std::make_shared<Catalog>();
  catalog->Register(app.log());
  HistoryApi api(catalog);

  // Write the log in 5 slices, cutting lines in the middle; counts must never go down.
  size_t step = text_.size() / 5 + 1;
  int previous_tasks = -1;
  uint64_t previous_events = 0;
  for (size_t pos = 0; pos < text_.size(); pos += step) {
    auto encoded = Encode(GetParam(), std::string_view(text_).substr(pos, step), 4096);
    ASSERT_TRUE(encoded);
    Append(log, *encoded);
    auto s = app.Poll(1554756046454);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_GE(s->tasks, previous_tasks);
    EXPECT_GE(s->events, previous_events);
    EXPECT_LE(s->decoded_bytes, pos + step);
    previous_tasks = s->tasks;
    previous_events = s->events;
    EXPECT_FALSE(s->completed);
  }
  auto running = app.Poll(1554756046454);
  ASSERT_TRUE(running);
  EXPECT_TRUE(running->started);
  EXPECT_EQ(running->app_id, "application_1553914137147_0018");
  EXPECT_EQ(running->tasks, 6);
  EXPECT_EQ(running->decoded_bytes, text_.size());

  net::Request req;
  req.path = "/applications";
  req.query.emplace("status", "running");
  auto listed = api.Handle(req);
  EXPECT_NE(listed.body.find("application_1553914137147_0018"), std::string::npos) << listed.body;

  fs::rename(log, dir_ / ("application_1553914137147_0018" + suffix));
  auto done = app.Poll();
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->completed);
  EXPECT_GT(done->spark_cores_duration_seconds, 0);
  EXPECT_GT(done->efficiency_percent, 0);
  EXPECT_LE(done->efficiency_percent, 100);
  EXPECT_GT(done->input_data_bytes, 0);
}

INSTANTIATE_TEST_SUITE_P(Codecs, LiveAppTest,
                         ::testing::Values(Codec::kNone, Codec::kZstd, Codec::kLz4, Codec::kSnappy,
                                           Codec::kLzf),
                         [](const auto& info) {
                           auto name = CodecName(info.param);
                           return name.empty() ? std::string("plain") : std::string(name);
                         });

}  // namespace
}  // namespace sparkplane::eventlog
