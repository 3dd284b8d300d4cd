#include <filesystem>

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

TEST_F(SqliteStoreTest, CorruptFileIsAnError) {
  auto path = dir_ / "bad.sqlite";
  ASSERT_TRUE(WriteFileAtomic(path, std::string(4096, 'x')).has_value());
  auto opened = OpenSqliteStore(path.string());
  ASSERT_FALSE(opened.has_value());
}

}  // namespace
}  // namespace sparkplane::store
