#include "eventlog/history_api.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "common/util.hpp"
#include "eventlog/test_support.hpp"
#include "eventlog/zip_stream.hpp"

namespace sparkplane::eventlog {
namespace {

using testing::SparkHistoryData;

net::Request MakeRequest(std::string_view path_and_query) {
  net::Request req;
  req.method = "GET";
  size_t q = path_and_query.find('?');
  req.path = "/" + std::string(path_and_query.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view rest = path_and_query.substr(q + 1);
    while (!rest.empty()) {
      size_t amp = rest.find('&');
      std::string_view kv = rest.substr(0, amp);
      size_t eq = kv.find('=');
      req.query.emplace(std::string(kv.substr(0, eq)),
                        eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  return req;
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class HistoryApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = std::make_shared<Catalog>();
    catalog->AddDirectory(SparkHistoryData() / "spark-events");
    api_ = std::make_unique<HistoryApi>(catalog);
  }
  std::unique_ptr<HistoryApi> api_;
};

// One History Server expectation: the expected JSON file and the URL after /api/v1/.
struct ParityCase {
  std::filesystem::path expected;
  std::string url;
};

// The cases of a tab-separated file (expectation file, URL), skipping a header line if asked.
std::vector<ParityCase> ReadCases(const std::filesystem::path& dir, bool header) {
  std::vector<ParityCase> cases;
  std::ifstream in(dir / "cases.tsv");
  std::string line;
  if (header) std::getline(in, line);
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    if (line.empty() || tab == std::string::npos) continue;
    cases.push_back({dir / "expectations" / line.substr(0, tab), line.substr(tab + 1)});
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<ParityCase>& info) {
  std::string name = info.param.expected.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// Compares the reply to `url` with the expected file by Spark's rules (HistoryServerSuite).
void ExpectParity(HistoryApi& api, const ParityCase& c, bool ignore_last_updated) {
  net::Response r = api.Handle(MakeRequest(c.url));
  ASSERT_EQ(r.status, 200) << c.url << ": " << r.body;
  boost::system::error_code ec;
  auto expected = boost::json::parse(Slurp(c.expected), ec);
  ASSERT_FALSE(ec) << c.expected;
  auto actual = boost::json::parse(r.body, ec);
  ASSERT_FALSE(ec) << c.url << ": invalid JSON";
  if (ignore_last_updated) testing::ClearLastUpdated(actual);
  EXPECT_EQ(testing::JsonDiff(actual, expected), "") << c.url;
}

// Each case of the shared data's cases.tsv (Spark's own HistoryServerSuite expectations).
class SparkHistoryParityTest : public ::testing::TestWithParam<ParityCase> {
 protected:
  static void SetUpTestSuite() {
    auto catalog = std::make_shared<Catalog>();
    catalog->AddDirectory(SparkHistoryData() / "spark-events");
    api_ = new HistoryApi(catalog);
  }
  static void TearDownTestSuite() {
    delete api_;
    api_ = nullptr;
  }
  static HistoryApi* api_;
};
HistoryApi* SparkHistoryParityTest::api_ = nullptr;

TEST_P(SparkHistoryParityTest, MatchesExpectation) { ExpectParity(*api_, GetParam(), true); }
INSTANTIATE_TEST_SUITE_P(Cases, SparkHistoryParityTest,
                         ::testing::ValuesIn(ReadCases(SparkHistoryData(), true)), CaseName);

TEST(SparkHistoryParityCount, AllFortyFiveCasesAreRead) {
  EXPECT_EQ(ReadCases(SparkHistoryData(), true).size(), 45u);
}

// A real Spark 4.0.1 log (testdata/spark4_sql/sql_app.py: persisted RDD, cached DataFrame,
// broadcast join, AQE) against its History Server's answers: SQL plan graphs with node metrics,
// and storage. Compared with Spark's rules, like the cases of the shared data.
std::filesystem::path Spark4Data() {
  return std::filesystem::path(SPARKPLANE_SOURCE_DIR) / "src/eventlog/testdata/spark4_sql";
}

class Spark4ParityTest : public ::testing::TestWithParam<ParityCase> {};

TEST_P(Spark4ParityTest, MatchesSparkHistoryServer) {
  auto catalog = std::make_shared<Catalog>();
  catalog->AddDirectory(Spark4Data() / "logs");
  HistoryApi api(catalog);
  ExpectParity(api, GetParam(), false);
}
INSTANTIATE_TEST_SUITE_P(Cases, Spark4ParityTest, ::testing::ValuesIn(ReadCases(Spark4Data(), false)),
                         CaseName);

TEST(Spark4ParityCount, AtLeastFiveCases) { EXPECT_GE(ReadCases(Spark4Data(), false).size(), 5u); }


TEST_F(HistoryApiTest, ErrorsFollowSparkTexts) {
  auto r = api_->Handle(MakeRequest("applications/foobar"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "unknown app: foobar");
  r = api_->Handle(MakeRequest("applications/local-1422981780767/stages/12345"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "unknown stage: 12345");
  r = api_->Handle(MakeRequest("applications/local-1422981780767/stages/1/1"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "unknown attempt for stage 1.  Found attempts: [0]");
  r = api_->Handle(
      MakeRequest("applications/local-1430917381534/stages/0/0/taskSummary?quantiles=foo"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Bad value for parameter \"quantiles\".  Expected a double, got \"foo\"");
  r = api_->Handle(MakeRequest("version"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"spark\""), std::string::npos);
}

// Minimal reader for stored ZIPs: name → content.
std::map<std::string, std::string> ReadStoredZip(const std::string& zip) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(zip[at]) |
                                 (static_cast<unsigned char>(zip[at + 1]) << 8));
  };
  auto u32 = [&](size_t at) { return u16(at) | (u16(at + 2) << 16); };
  while (pos + 30 <= zip.size() && u32(pos) == 0x04034b50) {
    uint32_t crc = u32(pos + 14), size = u32(pos + 18), name_len = u16(pos + 26),
             extra = u16(pos + 28);
    std::string name = zip.substr(pos + 30, name_len);
    std::string data = zip.substr(pos + 30 + name_len + extra, size);
    EXPECT_EQ(Crc32(0, data), crc) << name;
    out[name] = data;
    pos += 30 + name_len + extra + size;
  }
  EXPECT_EQ(u32(pos), 0x02014b50u);  // central directory follows
  return out;
}

std::string Drain(net::Response& r) {
  std::string all, chunk;
  while (r.stream && r.stream(chunk)) all += chunk;
  return all;
}

TEST_F(HistoryApiTest, LogsDownloadIsAZipOfTheRawFiles) {
  auto r = api_->Handle(MakeRequest("applications/local-1430917381535/logs"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/octet-stream");
  auto files = ReadStoredZip(Drain(r));
  ASSERT_EQ(files.size(), 2u);
  for (const char* name : {"local-1430917381535_1", "local-1430917381535_2"}) {
    EXPECT_EQ(files[name], Slurp(SparkHistoryData() / "spark-events" / name)) << name;
  }
  r = api_->Handle(MakeRequest("applications/local-1430917381535/2/logs"));
  ASSERT_EQ(r.status, 200);
  files = ReadStoredZip(Drain(r));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "local-1430917381535_2");
  EXPECT_EQ(api_->Handle(MakeRequest("applications/nope/logs")).status, 404);
}

// A Spark 3 log with 960 more task lines before its end: each TaskEnd's accumulables in one of
// twelve shapes, in turn (more shapes than a reader keeps templates for, as when many stages
// run at once), and a TaskStart for each.
std::filesystem::path InterleavedShapesLog() {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("eventlog_shapes_" + RandomHex(8));
  fs::create_directories(dir);
  std::ifstream in(SparkHistoryData() / "spark-events" / "app-20200706201101-0003");
  std::vector<std::string> lines;
  std::string start, end;
  for (std::string line; std::getline(in, line);) {
    if (start.empty() && line.starts_with(R"({"Event":"SparkListenerTaskStart")")) start = line;
    if (end.empty() && line.starts_with(R"({"Event":"SparkListenerTaskEnd")")) end = line;
    lines.push_back(line);
  }
  auto replace_all = [](std::string text, const std::regex& re, auto&& with) {
    std::string out;
    auto last = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), re), stop; it != stop; ++it) {
      out.append(last, (*it)[0].first);
      out += with(*it);
      last = (*it)[0].second;
    }
    return out.append(last, text.cend());
  };
  const std::regex task_id(R"("Task ID":\d+)"), accum_id(R"(\{"ID":(\d+))");
  std::ofstream out(dir / "app-interleaved");
  for (const std::string& line : lines) {
    if (line.starts_with(R"({"Event":"SparkListenerApplicationEnd")")) {
      for (int n = 0; n < 480; ++n) {
        std::string id = R"("Task ID":)" + std::to_string(100000 + n);
        auto with_id = [&](const std::smatch&) { return id; };
        out << replace_all(start, task_id, with_id) << '\n';
        std::string task_end = replace_all(end, task_id, with_id);
        out << replace_all(task_end, accum_id, [&](const std::smatch& m) {
          return R"({"ID":)" + std::to_string(std::stoll(m[1]) + 1000 * (n % 12));
        }) << '\n';
      }
    }
    out << line << '\n';
  }
  return dir;
}

// The parallel replay (chunks parsed on a pool, applied in order) and the fast TaskEnd path
// must answer every endpoint with exactly the bytes of the sequential JSON-parser replay. Tiny
// chunks put chunk ends everywhere.
TEST(ParallelReplayTest, EveryEndpointIsByteIdenticalToSequential) {
  BuilderOptions reference_options;
  reference_options.parse_threads = 1;
  reference_options.fast_task_events = false;
  BuilderOptions fast_options;
  fast_options.parse_threads = 1;
  BuilderOptions parallel_options;
  parallel_options.parse_threads = 3;
  parallel_options.parallel_min_bytes = 1;
  parallel_options.parallel_chunk_bytes = 900;
  parallel_options.chunks_ahead = 3;
  int compared = 0;
  const std::filesystem::path interleaved = InterleavedShapesLog();
  for (const auto& dir :
       {SparkHistoryData() / "spark-events",
        std::filesystem::path(SPARKPLANE_SOURCE_DIR) / "src/eventlog/testdata/spark4_sql/logs",
        interleaved}) {
    std::vector<std::shared_ptr<Catalog>> catalogs;
    std::vector<std::unique_ptr<HistoryApi>> apis;
    for (const auto& options : {reference_options, fast_options, parallel_options}) {
      catalogs.push_back(std::make_shared<Catalog>(options));
      catalogs.back()->AddDirectory(dir);
      apis.push_back(std::make_unique<HistoryApi>(catalogs.back()));
    }
    const HistoryApi& reference = *apis[0];
    for (const auto& app : catalogs[0]->List()) {
      std::string base = "applications/" + app.app_id + "/";
      if (app.attempt_id) base += *app.attempt_id + "/";
      std::vector<std::string> urls;
      for (const char* what :
           {"jobs", "stages", "stages?details=true&withSummaries=true", "executors", "allexecutors",
            "environment", "sql", "sql?details=true", "storage/rdd", "metrics"}) {
        urls.push_back(base + what);
      }
      // Every stage attempt with its tasks, summary and per-executor distributions.
      auto stages = boost::json::parse(reference.Handle(MakeRequest(base + "stages")).body);
      for (const auto& s : stages.as_array()) {
        std::string stage = base + "stages/" + std::to_string(s.at("stageId").as_int64()) + "/" +
                            std::to_string(s.at("attemptId").as_int64());
        urls.push_back(stage + "?withSummaries=true");
        urls.push_back(stage + "/taskList?length=100000");
        urls.push_back(stage + "/taskSummary");
      }
      for (const auto& url : urls) {
        net::Response expected = reference.Handle(MakeRequest(url));
        for (size_t i = 1; i < apis.size(); ++i) {
          net::Response actual = apis[i]->Handle(MakeRequest(url));
          EXPECT_EQ(actual.status, expected.status) << url << " (variant " << i << ")";
          EXPECT_EQ(actual.body, expected.body) << url << " (variant " << i << ")";
        }
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 250);
  std::filesystem::remove_all(interleaved);
}

// Big plain logs are listed from their first and last MiB only; the answer must not change.
TEST(CatalogTest, WindowedListingOfBigLogsMatchesFullRead) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("eventlog_listing_" + RandomHex(8));
  fs::create_directories(dir);
  std::string text = Slurp(SparkHistoryData() / "spark-events" / "local-1422981780767");
  size_t cut = text.find('\n', text.size() / 2) + 1;
  std::string filler;
  while (filler.size() < (5u << 20)) {
    filler += R"({"Event":"org.example.Filler","payload":")" + std::string(1000, 'x') + "\"}\n";
  }
  {
    std::ofstream out(dir / "local-1422981780767", std::ios::binary);
    out << text.substr(0, cut) << filler << text.substr(cut);
  }
  auto catalog = std::make_shared<Catalog>();
  catalog->AddDirectory(dir);
  auto listed = catalog->List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].app_id, "local-1422981780767");
  EXPECT_EQ(listed[0].start_time, 1422981779720);
  EXPECT_EQ(listed[0].end_time, 1422981788731);
  EXPECT_EQ(listed[0].spark_version, "");  // 1.2 logs have no LogStart
  EXPECT_TRUE(listed[0].completed);
  fs::remove_all(dir);
}

TEST_F(HistoryApiTest, MetricsJsonFollowsDesignDefinitions) {
  auto r = api_->Handle(MakeRequest("applications/application_1553914137147_0018/metrics"));
  ASSERT_EQ(r.status, 200) << r.body;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  ASSERT_FALSE(ec);
  const auto& o = v.as_object();
  double core = o.at("coreSeconds").as_double(), task = o.at("taskSeconds").as_double();
  EXPECT_GT(core, 0);
  EXPECT_GT(task, 0);
  EXPECT_NEAR(o.at("efficiency").as_double(), task / core, 1e-9);
  EXPECT_FALSE(o.at("timeSeries").at("runningTasks").as_array().empty());
  EXPECT_EQ(o.at("timeSeries").at("bucketMs").as_int64(), 1000);
}

}  // namespace
}  // namespace sparkplane::eventlog

namespace sparkplane::eventlog {
namespace {

// Issue 18: /environment redacts as Spark's does, with the server's pattern and the app's own.
TEST(HistoryRedactionTest, EnvironmentValuesAreRedacted) {
  auto dir = std::filesystem::temp_directory_path() / ("shs-redact-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "local-9") << R"({"Event":"SparkListenerLogStart","Spark Version":"4.0.1"}
{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Version":"17"},"Spark Properties":{"spark.app.id":"local-9","spark.myapp.password":"pw-in-log","spark.redaction.regex":"(?i)secret|password|myco","spark.myco.thing":"mc-val","spark.executor.memory":"1g"},"Hadoop Properties":{"fs.s3a.secret.key":"hk-in-log"},"System Properties":{"sun.java.command":"Main --token tk-in-log"},"Metrics Properties":{},"Classpath Entries":{"/a.jar":"System Classpath"}}
{"Event":"SparkListenerApplicationStart","App Name":"t","App ID":"local-9","Timestamp":1000,"User":"u"}
{"Event":"SparkListenerApplicationEnd","Timestamp":2000}
)";
  auto catalog = std::make_shared<Catalog>();
  catalog->AddDirectory(dir);
  auto check = [&](const HistoryApi& api) {
    auto r = api.Handle(MakeRequest("applications/local-9/environment"));
    ASSERT_EQ(r.status, 200) << r.body;
    for (std::string_view secret : {"pw-in-log", "hk-in-log", "tk-in-log"}) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << secret;
    }
    EXPECT_EQ(r.body.find("mc-val"), std::string::npos);  // by the app's own pattern
    EXPECT_NE(r.body.find("*********(redacted)"), std::string::npos);
    EXPECT_NE(r.body.find("\"1g\""), std::string::npos);
    EXPECT_NE(r.body.find("(?i)secret|password|myco"), std::string::npos);  // the pattern itself
  };
  check(HistoryApi(catalog));
  auto server = Redactor::Create("(?i)secret|password|token");
  ASSERT_TRUE(server.has_value());
  check(HistoryApi(catalog, *server));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sparkplane::eventlog
