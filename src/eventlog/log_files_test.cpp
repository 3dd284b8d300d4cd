#include "eventlog/log_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "common/util.hpp"
#include "eventlog/app_builder.hpp"
#include "eventlog/test_support.hpp"

namespace sparkplane::eventlog {
namespace {

namespace fs = std::filesystem;
using testing::SparkHistoryData;

class CollectLines : public LineSink {
 public:
  void OnLine(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

class LogFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eventlog_test_" + RandomHex(8));
    fs::create_directories(dir_);
    auto text = ReadFile(SparkHistoryData() / "spark-events" / "local-1430917381534");
    ASSERT_TRUE(text);
    plain_ = *text;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& p, std::string_view data) {
    std::ofstream out(p, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  // The lines a reader must deliver: every non-empty line, the last one even without '\n'.
  static std::vector<std::string> NonEmptyLines(std::string_view text) {
    std::vector<std::string> lines;
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = std::min(text.find('\n', pos), text.size());
      if (nl > pos) lines.emplace_back(text.substr(pos, nl - pos));
      pos = nl + 1;
    }
    return lines;
  }
  size_t LineCount(std::string_view s) {
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  }

  fs::path dir_;
  std::string plain_;
};

TEST_F(LogFilesTest, EveryCodecReplaysToTheSameModel) {
  AppBuilder reference;
  ASSERT_TRUE(ReadLog(SparkHistoryData() / "spark-events" / "local-1430917381534", reference));
  for (Codec codec : {Codec::kZstd, Codec::kLz4, Codec::kSnappy, Codec::kLzf}) {
    auto encoded = Encode(codec, plain_, 32 * 1024);
    ASSERT_TRUE(encoded);
    fs::path p = dir_ / ("local-1430917381534." + std::string(CodecName(codec)));
    Write(p, *encoded);
    auto layout = ResolveLog(p);
    ASSERT_TRUE(layout);
    EXPECT_EQ(layout->files[0].codec, codec);
    AppBuilder b;
    auto stats = ReadLog(p, b);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->decoded_bytes, plain_.size()) << CodecName(codec);
    EXPECT_EQ(stats->corrupt_files, 0u);
    EXPECT_EQ(b.model().tasks.size(), reference.model().tasks.size());
    EXPECT_EQ(b.model().counters.events, reference.model().counters.events);
  }
}

TEST_F(LogFilesTest, CorruptCompressedFilesAreSkippedAndCounted) {
  for (Codec codec : {Codec::kZstd, Codec::kLz4, Codec::kSnappy, Codec::kLzf}) {
    auto encoded = Encode(codec, plain_, 16 * 1024);
    ASSERT_TRUE(encoded);
    std::string truncated = encoded->substr(0, encoded->size() / 2);
    std::string bad_length = *encoded;
    std::string garbage = *encoded;
    for (size_t i = encoded->size() / 3; i < encoded->size() / 3 + 64; ++i) garbage[i] = '\x5a';
    // Damage a length/checksum field in the second block's header.
    size_t second = encoded->find(codec == Codec::kLz4 ? "LZ4Block" : "ZV", 30);
    if (codec == Codec::kLz4 && second != std::string::npos)
      bad_length[second + 17] ^= 0x55;
    else if (codec == Codec::kLzf && second != std::string::npos)
      bad_length[second + 3] ^= 0x7f;
    else
      bad_length[encoded->size() / 2] ^= 0x7f;
    int idx = 0;
    for (const std::string& damaged : {truncated, bad_length, garbage}) {
      fs::path p = dir_ / ("bad" + std::to_string(idx++) + "." + std::string(CodecName(codec)));
      Write(p, damaged);
      AppBuilder b;
      auto stats = ReadLog(p, b);
      ASSERT_TRUE(stats);
      EXPECT_TRUE(stats->corrupt_files > 0 || stats->truncated_tail)
          << CodecName(codec) << " case " << idx;
      EXPECT_LT(b.model().counters.events, LineCount(plain_) + 1);
    }
  }
}

TEST_F(LogFilesTest, RollingLayoutNeedsAppStatusAndStartsAtCompact) {
  fs::path dir = dir_ / "eventlog_v2_app-1";
  fs::create_directories(dir);
  Write(dir / "events_1_app-1.zstd", "x");
  EXPECT_EQ(ResolveLog(dir).error().code, ErrorCode::kFailedPrecondition);
  Write(dir / "appstatus_app-1.inprogress", "");
  Write(dir / "events_2_app-1.zstd.compact", "x");
  Write(dir / "events_10_app-1.zstd", "x");
  auto layout = ResolveLog(dir);
  ASSERT_TRUE(layout);
  EXPECT_TRUE(layout->rolling);
  EXPECT_TRUE(layout->in_progress);
  ASSERT_EQ(layout->files.size(), 2u);
  EXPECT_EQ(layout->files[0].path.filename(), "events_2_app-1.zstd.compact");
  EXPECT_EQ(layout->files[1].path.filename(), "events_10_app-1.zstd");
  EXPECT_EQ(layout->name, "app-1");
}

TEST_F(LogFilesTest, RollingLogReadsAllFilesInOrder) {
  fs::path dir = dir_ / "eventlog_v2_local-1430917381534";
  fs::create_directories(dir);
  size_t cut = plain_.find('\n', plain_.size() / 2) + 1;
  Write(dir / "events_1_local-1430917381534.lz4", *Encode(Codec::kLz4, plain_.substr(0, cut)));
  Write(dir / "events_2_local-1430917381534.lz4", *Encode(Codec::kLz4, plain_.substr(cut)));
  Write(dir / "appstatus_local-1430917381534", "");
  CollectLines lines;
  auto stats = ReadLog(dir, lines);
  ASSERT_TRUE(stats);
  EXPECT_EQ(lines.lines.size(), LineCount(plain_));
  EXPECT_EQ(stats->corrupt_files, 0u);
}

TEST_F(LogFilesTest, InProgressLogIsFollowedAndCutLineWaits) {
  fs::path p = dir_ / "app.zstd.inprogress";
  size_t third = plain_.size() / 3;
  // zstd frames end anywhere (closeFrameOnFlush); cut the text mid-line.
  std::string part1 = plain_.substr(0, third);
  Write(p, *Encode(Codec::kZstd, part1));
  LogReader reader(p);
  CollectLines lines;
  ASSERT_TRUE(reader.Poll(lines));
  size_t complete_lines = LineCount(part1);
  EXPECT_EQ(lines.lines.size(), complete_lines);
  EXPECT_TRUE(reader.stats().truncated_tail);
  // The app finishes: rest appended, file renamed.
  std::string all = *Encode(Codec::kZstd, part1) + *Encode(Codec::kZstd, plain_.substr(third));
  Write(p, all);
  fs::rename(p, dir_ / "app.zstd");
  ASSERT_TRUE(reader.Poll(lines));
  EXPECT_EQ(lines.lines.size(), LineCount(plain_));
  EXPECT_FALSE(reader.layout().in_progress);
  EXPECT_FALSE(reader.stats().truncated_tail);
}

// One zstd frame that grows (a writer that never closes it) is read poll after poll: each poll
// goes on where the last stopped, also when that was inside the frame's window.
TEST_F(LogFilesTest, GrowingZstdFrameIsFollowedAcrossPolls) {
  // The log again after 256 KiB of lines that hardly compress: it refers back further than
  // one poll reads.
  std::string text = plain_;
  std::mt19937_64 rng(5);
  while (text.size() < plain_.size() + (256 << 10))
    text +=
        "{\"Event\":\"Filler\",\"x\":\"" + std::to_string(rng()) + std::to_string(rng()) + "\"}\n";
  text += plain_;
  auto encoded = Encode(Codec::kZstd, text, text.size());  // one frame, 512 KiB window
  ASSERT_TRUE(encoded);
  fs::path p = dir_ / "app.zstd.inprogress";
  LogReader reader(p, 4096);  // 2 KiB decoded chunks: far less than the window
  CollectLines lines;
  for (size_t step = 1; step < 20; ++step) {
    Write(p, std::string_view(*encoded).substr(0, encoded->size() * step / 20));
    ASSERT_TRUE(reader.Poll(lines));
    EXPECT_EQ(reader.stats().corrupt_files, 0u) << step;
  }
  Write(p, *encoded);
  fs::rename(p, dir_ / "app.zstd");
  ASSERT_TRUE(reader.Poll(lines));
  EXPECT_TRUE(lines.lines == NonEmptyLines(text)) << lines.lines.size() << " lines";
  EXPECT_FALSE(reader.stats().truncated_tail);
}

// Plain files are mapped and handed out in windows; lines across window ends, a cut last line
// of a growing log and the unterminated last line of a finished one all come out whole.
TEST_F(LogFilesTest, MappedPlainLogInSmallWindowsGivesEveryLineOnce) {
  const std::vector<std::string> expected = NonEmptyLines(plain_);
  fs::path p = dir_ / "app.inprogress";
  size_t cut = plain_.size() / 3 + 7;  // mid-line
  Write(p, plain_.substr(0, cut));
  LogReader reader(p, 4096);  // 32 KiB windows
  CollectLines lines;
  ASSERT_TRUE(reader.Poll(lines));
  EXPECT_EQ(lines.lines.size(), LineCount(plain_.substr(0, cut)));
  EXPECT_TRUE(reader.stats().truncated_tail);
  std::string rest = plain_.substr(cut);
  if (!rest.empty() && rest.back() == '\n') rest.pop_back();  // unterminated last line
  Write(p, plain_.substr(0, cut) + rest);
  fs::rename(p, dir_ / "app");
  ASSERT_TRUE(reader.Poll(lines));
  EXPECT_EQ(lines.lines, expected);
  EXPECT_EQ(reader.stats().decoded_bytes, plain_.size() - 1);
  EXPECT_TRUE(reader.stats().truncated_tail);  // delivered, but reported: no final '\n'
}

// Decoded chunks go to the sink without a copy; only the line cut by a chunk end is joined.
// Many chunks, a line longer than a chunk and an unterminated last line all come out whole.
TEST_F(LogFilesTest, CompressedLogInManyChunksGivesEveryLineOnce) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += plain_;
  text += "{\"Event\":\"Long\",\"x\":\"" + std::string(300 * 1024, 'x') + "\"}\n";
  text += plain_;
  text += "{\"Event\":\"Last\"}";
  const std::vector<std::string> expected = NonEmptyLines(text);
  for (Codec codec : {Codec::kZstd, Codec::kLz4, Codec::kSnappy, Codec::kLzf}) {
    auto encoded = Encode(codec, text, 16 * 1024);
    ASSERT_TRUE(encoded);
    ASSERT_GT(encoded->size(), 3u * 64 * 1024) << "several compressed reads";
    fs::path p = dir_ / ("many." + std::string(CodecName(codec)));
    Write(p, *encoded);
    LogReader reader(p, 4096);  // 64 KiB compressed reads
    CollectLines lines;
    ASSERT_TRUE(reader.Poll(lines));
    EXPECT_EQ(lines.lines, expected) << CodecName(codec);
    EXPECT_EQ(reader.stats().decoded_bytes, text.size());
    EXPECT_EQ(reader.stats().corrupt_files, 0u);
  }
}

// A complete log's reader gives its buffers back; polling again finds nothing new.
TEST_F(LogFilesTest, ReleasedReaderOfACompleteLogPollsAgainCleanly) {
  for (Codec codec : {Codec::kZstd, Codec::kLz4}) {
    fs::path p = dir_ / ("done." + std::string(CodecName(codec)));
    Write(p, *Encode(codec, plain_, plain_.size()));
    LogReader reader(p, 4096);
    CollectLines lines;
    ASSERT_TRUE(reader.Poll(lines));
    ASSERT_EQ(lines.lines.size(), LineCount(plain_));
    reader.ReleaseBuffers();
    ASSERT_TRUE(reader.Poll(lines));
    EXPECT_EQ(lines.lines.size(), LineCount(plain_)) << CodecName(codec);
    EXPECT_EQ(reader.stats().corrupt_files, 0u);
    EXPECT_TRUE(reader.stats().errors.empty());
    EXPECT_FALSE(reader.stats().truncated_tail);
  }
}

TEST_F(LogFilesTest, CodecIsTheLastSuffix) {
  Write(dir_ / "application_1_0001_1.lz4.inprogress", "");
  auto layout = ResolveLog(dir_ / "application_1_0001_1.lz4.inprogress");
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->files[0].codec, Codec::kLz4);
  EXPECT_TRUE(layout->in_progress);
  EXPECT_EQ(layout->name, "application_1_0001_1");
  EXPECT_EQ(ListLogs(dir_).size(), 1u);
}

// A sparkplane data folder: the database and tokens at the top, each app's log two levels down.
TEST_F(LogFilesTest, FoldersWithLogsFindsTheServersLayoutAndSkipsOtherFiles) {
  const std::string start = R"({"Event":"SparkListenerLogStart","Spark Version":"4.0.1"})" "\n";
  fs::create_directories(dir_ / "apps" / "a" / "eventlog" / "eventlog_v2_local-1");
  fs::create_directories(dir_ / "apps" / "b" / "eventlog");
  fs::create_directories(dir_ / "apps" / "c" / "eventlog");  // not started: no log yet
  fs::create_directories(dir_ / ".hidden");
  Write(dir_ / "sparkplane.db", "SQLite format 3");
  Write(dir_ / "admin-token", "sp_secret\n");
  Write(dir_ / ".hidden" / "local-9", start);
  Write(dir_ / "apps" / "a" / "eventlog" / "eventlog_v2_local-1" / "events_1_local-1", start);
  Write(dir_ / "apps" / "b" / "eventlog" / "local-2.zstd", "");
  EXPECT_FALSE(LooksLikeEventLog(dir_ / "sparkplane.db"));
  EXPECT_FALSE(LooksLikeEventLog(dir_ / "admin-token"));
  EXPECT_TRUE(LooksLikeEventLog(dir_ / "apps" / "b" / "eventlog" / "local-2.zstd"));
  EXPECT_TRUE(LooksLikeEventLog(dir_ / "apps" / "a" / "eventlog" / "eventlog_v2_local-1"));
  EXPECT_EQ(FoldersWithLogs(dir_),
            (std::vector<fs::path>{dir_ / "apps" / "a" / "eventlog", dir_ / "apps" / "b" / "eventlog"}));
  EXPECT_TRUE(FoldersWithLogs(dir_, 1).empty()) << "the logs are deeper than one level";
}

}  // namespace
}  // namespace sparkplane::eventlog
