#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/util.hpp"
#include "store/store.hpp"

namespace sparkplane::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sp-store-" + RandomHex(8));
    std::filesystem::create_directories(dir_);
    auto opened = OpenSqliteStore((dir_ / "db.sqlite").string());
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  AppRecord App(std::string id, int64_t created) {
    AppRecord a;
    a.id = std::move(id);
    a.internal_id = NewUuid4();
    a.cluster_id = "osc-1";
    a.job_id = "job-a";
    a.display_name = a.id;
    a.created_at = a.updated_at = created;
    a.request_json = "{}";
    a.config_json = "{}";
    a.config_sources_json = "{}";
    a.app_dir = "/tmp/x";
    return a;
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, InsertGetAndDuplicate) {
  ASSERT_TRUE(store_->InsertApp(App("a1", 10)).has_value());
  auto got = store_->GetApp("a1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->job_id, "job-a");
  EXPECT_EQ(got->state, AppState::kPending);
  EXPECT_FALSE(got->exit_code.has_value());
  auto dup = store_->InsertApp(App("a1", 11));
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetApp("nope").error().code, ErrorCode::kNotFound);
  auto job = store_->GetJob("osc-1", "job-a");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->last_app_id, "a1");
}

TEST_F(SqliteStoreTest, TerminalStatesNeverChange) {
  ASSERT_TRUE(store_->InsertApp(App("a1", 10)).has_value());
  AppTransition run{.to = AppState::kRunning, .from = AppState::kPending, .at = 20, .started_at = 20, .pid = 1234};
  EXPECT_TRUE(store_->TransitionApp("a1", run).value());
  EXPECT_FALSE(store_->TransitionApp("a1", run).value()) << "from no longer matches";
  AppTransition done{.to = AppState::kCompleted, .at = 30, .ended_at = 30, .exit_code = 0};
  EXPECT_TRUE(store_->TransitionApp("a1", done).value());
  AppTransition kill{.to = AppState::kKilled, .at = 40, .ended_at = 40};
  EXPECT_FALSE(store_->TransitionApp("a1", kill).value());
  auto got = store_->GetApp("a1").value();
  EXPECT_EQ(got.state, AppState::kCompleted);
  EXPECT_EQ(got.started_at, 20);
  EXPECT_EQ(got.ended_at, 30);
  EXPECT_EQ(got.pid, 1234);
  EXPECT_EQ(got.exit_code, 0);
}

TEST_F(SqliteStoreTest, ListFiltersByStateOldestFirst) {
  ASSERT_TRUE(store_->InsertApp(App("b", 20)).has_value());
  ASSERT_TRUE(store_->InsertApp(App("a", 10)).has_value());
  ASSERT_TRUE(store_->TransitionApp("b", {.to = AppState::kRunning, .at = 30}).value());
  auto pending = store_->ListApps({.states = {AppState::kPending}}).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, "a");
  auto all = store_->ListApps({.cluster_id = "osc-1"}).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "a");
  EXPECT_TRUE(store_->ListApps({.cluster_id = "osc-2"}).value().empty());
}

TEST_F(SqliteStoreTest, SurvivesReopenAndTokens) {
  ASSERT_TRUE(store_->InsertCluster({"osc-12345678", "AVAILABLE", "local", 1, 1}).has_value());
  ASSERT_TRUE(store_->InsertToken("digest", "admin", 1).has_value());
  store_.reset();
  auto reopened = OpenSqliteStore((dir_ / "db.sqlite").string());
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ((*reopened)->ListClusters().value().size(), 1u);
  EXPECT_TRUE((*reopened)->TokenExists("digest").value());
  EXPECT_FALSE((*reopened)->TokenExists("other").value());
}

// Walks every page forward and backward under several filters and orders: no duplicates, no gaps,
// and the same set as one unpaginated query.
TEST_F(SqliteStoreTest, KeysetPaginationWalksWithoutGapsOrDuplicates) {
  const char* jobs[] = {"etl", "report", "ml-train"};
  for (int i = 0; i < 1000; ++i) {
    AppRecord a = App(fmt::format("app-{:04}", i), 1000 + (i % 97) * 10);  // many equal created_at
    a.job_id = jobs[i % 3];
    a.cluster_id = i % 5 == 0 ? "osc-2" : "osc-1";
    a.updated_at = 5000 + i;
    a.submission_source = i % 7 == 0 ? "jupyter-enterprise-gateway" : "public-api";
    ASSERT_TRUE(store_->InsertApp(a).has_value());
    if (i % 4 == 0) {
      ASSERT_TRUE(store_->TransitionApp(a.id, {.to = AppState::kRunning, .at = a.updated_at, .started_at = 100 + i}).value());
      if (i % 8 == 0) {
        ASSERT_TRUE(store_->TransitionApp(a.id, {.to = AppState::kCompleted, .at = a.updated_at, .ended_at = 100 + i + (i * 37) % 500}).value());
      }
    }
  }
  std::vector<AppQuery> queries = {
      {},
      {.cluster_id = "osc-1", .descending = true},
      {.states = {AppState::kCompleted, AppState::kRunning}},
      {.job_id = "etl", .submission_source = "public-api", .descending = true},
      {.search_term = "app-01", .min_created_at = 1100, .max_created_at = 1800},
      {.min_updated_at = 5100, .max_updated_at = 5900, .order_by = AppOrderBy::kDuration, .descending = true},
      {.states = {AppState::kCompleted}, .order_by = AppOrderBy::kDuration},
  };
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    AppQuery all = queries[qi];
    all.limit = 100000;
    auto expected = store_->ListApps(all).value();
    ASSERT_EQ(store_->CountApps(all).value(), static_cast<int64_t>(expected.size()));
    ASSERT_FALSE(expected.empty()) << "query " << qi;
    for (int page_size : {1, 7, 20, 1000}) {
      // Forward.
      std::vector<std::string> seen;
      AppQuery q = queries[qi];
      q.limit = page_size;
      while (true) {
        auto page = store_->ListApps(q).value();
        for (auto& a : page) seen.push_back(a.id);
        if (static_cast<int>(page.size()) < page_size) break;
        q.after = Cursor{Store::SortKey(page.back(), q.order_by), page.back().id};
      }
      ASSERT_EQ(seen.size(), expected.size()) << "query " << qi << " page " << page_size;
      for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], expected[i].id) << "query " << qi;
      // Backward from the end.
      std::vector<std::string> back;
      q = queries[qi];
      q.limit = page_size;
      q.before = Cursor{Store::SortKey(expected.back(), q.order_by), expected.back().id};
      back.push_back(expected.back().id);
      while (true) {
        auto page = store_->ListApps(q).value();
        for (auto it = page.rbegin(); it != page.rend(); ++it) back.push_back(it->id);
        if (static_cast<int>(page.size()) < page_size) break;
        q.before = Cursor{Store::SortKey(page.front(), q.order_by), page.front().id};
      }
      std::reverse(back.begin(), back.end());
      ASSERT_EQ(back.size(), expected.size()) << "query " << qi << " page " << page_size;
      for (size_t i = 0; i < back.size(); ++i) ASSERT_EQ(back[i], expected[i].id);
    }
  }
  // Jobs list and count.
  auto jobs_list = store_->ListJobs({.cluster_id = "osc-1"}).value();
  EXPECT_EQ(jobs_list.size(), 3u);
  EXPECT_EQ(store_->CountJobs({}).value(), 6);
}

TEST_F(SqliteStoreTest, TemplatesAndJobConfigs) {
  TemplateRecord t{"small", "osc-1", "Small", R"({"driver":{"cores":1}})", 1, 1};
  ASSERT_TRUE(store_->InsertTemplate(t).has_value());
  EXPECT_EQ(store_->InsertTemplate(t).error().code, ErrorCode::kAlreadyExists);
  t.display_name = "Smaller";
  t.updated_at = 2;
  ASSERT_TRUE(store_->ReplaceTemplate(t).has_value());
  EXPECT_EQ(store_->GetTemplate("osc-1", "small")->display_name, "Smaller");
  EXPECT_EQ(store_->GetTemplate("osc-2", "small").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListTemplates("").value().size(), 1u);
  EXPECT_TRUE(store_->ListTemplates("osc-2").value().empty());
  ASSERT_TRUE(store_->DeleteTemplate("osc-1", "small").has_value());
  EXPECT_EQ(store_->DeleteTemplate("osc-1", "small").error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->SetJobConfig("osc-1", "nightly", R"({"sparkConf":{"a":"b"}})", 5).has_value());
  EXPECT_EQ(store_->GetJob("osc-1", "nightly")->config_json, R"({"sparkConf":{"a":"b"}})");
  ASSERT_TRUE(store_->InsertApp(App("n1", 10)).has_value());  // job-a, untouched
  ASSERT_TRUE(store_->SetJobConfig("osc-1", "nightly", "", 6).has_value());
  EXPECT_EQ(store_->GetJob("osc-1", "nightly")->config_json, "");
  EXPECT_TRUE(store_->HoldsSchedulerLease().value());
}

TEST_F(SqliteStoreTest, CorruptFileIsAnError) {
  auto path = dir_ / "bad.sqlite";
  ASSERT_TRUE(WriteFileAtomic(path, std::string(4096, 'x')).has_value());
  auto opened = OpenSqliteStore(path.string());
  ASSERT_FALSE(opened.has_value());
}

}  // namespace
}  // namespace sparkplane::store
