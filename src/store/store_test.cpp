#include "store/store.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/util.hpp"
#include "common/wait.hpp"

namespace sparkplane::store {
namespace {

// Runs one statement on the PostgreSQL server at `dsn` (test setup only).
::testing::AssertionResult PgAdmin(const std::string& dsn, const std::string& sql) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return ::testing::AssertionFailure() << "connect: " << message;
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(result);
  std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ::testing::AssertionFailure() << sql << ": " << message;
  }
  return ::testing::AssertionSuccess();
}

// `dsn` (URL or key=value form) with extra connection settings appended.
std::string WithSettings(const std::string& dsn, const std::string& search_path,
                         const std::string& app_name) {
  if (dsn.starts_with("postgresql://") || dsn.starts_with("postgres://")) {
    return fmt::format("{}{}options=-csearch_path%3D{}&application_name={}", dsn,
                       dsn.find('?') == std::string::npos ? "?" : "&", search_path, app_name);
  }
  return fmt::format("{} options='-csearch_path={}' application_name={}", dsn, search_path,
                     app_name);
}

// The same suite against every backend: "sqlite" (a file in a temp folder) and "postgres" (a
// fresh schema on the server named by PG_TEST_DSN; skipped when it is unset).
AppRecord MakeApp(std::string id, int64_t created) {
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

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (IsPostgres()) {
      const char* dsn = std::getenv("PG_TEST_DSN");
      if (!dsn || !*dsn)
        GTEST_SKIP()
            << "PG_TEST_DSN is unset (export PG_TEST_DSN=$(scripts/pg-test-server.sh start))";
      admin_dsn_ = dsn;
      schema_ = "sp_test_" + RandomHex(8);
      ASSERT_TRUE(PgAdmin(admin_dsn_, "CREATE SCHEMA " + schema_));
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("sp-store-" + RandomHex(8));
      std::filesystem::create_directories(dir_);
    }
    auto opened = Open();
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      EXPECT_TRUE(PgAdmin(admin_dsn_, "DROP SCHEMA " + schema_ + " CASCADE"));
    }
  }
  bool IsPostgres() const { return GetParam() == "postgres"; }
  // Another store on the same database; `name` tags its PostgreSQL sessions (application_name).
  Result<std::unique_ptr<Store>> Open(const std::string& name = "main") {
    if (IsPostgres())
      return OpenPostgresStore(WithSettings(admin_dsn_, schema_, schema_ + "_" + name));
    return OpenSqliteStore((dir_ / "db.sqlite").string());
  }
  // Ends every server session of the store opened as `name`, as a server restart would.
  void TerminateSessions(const std::string& name) {
    ASSERT_TRUE(PgAdmin(admin_dsn_,
                        fmt::format("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                                    "WHERE application_name = '{}_{}'",
                                    schema_, name)));
  }
  static AppRecord App(std::string id, int64_t created) { return MakeApp(std::move(id), created); }
  std::filesystem::path dir_;
  std::string admin_dsn_;
  std::string schema_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, InsertGetAndDuplicate) {
  ASSERT_TRUE(store_->InsertApp(App("a1", 10)).has_value());
  auto got = store_->GetApp("a1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->job_id, "job-a");
  EXPECT_EQ(got->state, AppState::kPending);
  EXPECT_FALSE(got->exit_code.has_value());
  auto dup = store_->InsertApp(App("a1", 11));
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().message, "an app with id 'a1' already exists");
  EXPECT_EQ(store_->GetApp("a1")->internal_id, got->internal_id) << "the duplicate changed nothing";
  EXPECT_EQ(store_->GetApp("nope").error().code, ErrorCode::kNotFound);
  auto job = store_->GetJob("osc-1", "job-a");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->last_app_id, "a1");
}

TEST_P(StoreTest, TerminalStatesNeverChange) {
  ASSERT_TRUE(store_->InsertApp(App("a1", 10)).has_value());
  AppTransition run{.to = AppState::kRunning,
                    .from = AppState::kPending,
                    .at = 20,
                    .started_at = 20,
                    .pid = 1234};
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

TEST_P(StoreTest, ListFiltersByStateOldestFirst) {
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

TEST_P(StoreTest, SurvivesReopenAndTokens) {
  ASSERT_TRUE(store_->InsertCluster({"osc-12345678", "AVAILABLE", "local", 1, 1}).has_value());
  ASSERT_TRUE(store_->InsertToken("digest", "admin", 1).has_value());
  store_.reset();
  auto reopened = Open();
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ((*reopened)->ListClusters().value().size(), 1u);
  EXPECT_TRUE((*reopened)->TokenExists("digest").value());
  EXPECT_FALSE((*reopened)->TokenExists("other").value());
}

TEST_P(StoreTest, SessionsAreStoredDeletedAndPrunedWhenExpired) {
  ASSERT_TRUE(store_->InsertSession({"s1", "token-1", "csrf-1", 1000, 2000}).has_value());
  auto got = store_->GetSession("s1");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->token_digest, "token-1");
  EXPECT_EQ(got->csrf_token, "csrf-1");
  EXPECT_EQ(got->created_at, 1000);
  EXPECT_EQ(got->expires_at, 2000);
  EXPECT_EQ(store_->GetSession("other").error().code, ErrorCode::kNotFound);
  // A later sign-in prunes sessions that expired before it.
  ASSERT_TRUE(store_->InsertSession({"s2", "token-1", "csrf-2", 2001, 9000}).has_value());
  EXPECT_EQ(store_->GetSession("s1").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->DeleteSession("s2").has_value());
  EXPECT_EQ(store_->GetSession("s2").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->DeleteSession("s2").has_value());
  EXPECT_EQ(store_->InsertSession({"s3", "t", "c", 3000, 4000}).has_value(), true);
  EXPECT_EQ(store_->InsertSession({"s3", "t", "c", 3000, 4000}).has_value(), false);
}

TEST_P(StoreTest, ListsAndDeletesTokens) {
  ASSERT_TRUE(store_->InsertToken("d2", "ci", 20).has_value());
  ASSERT_TRUE(store_->InsertToken("d1", "admin", 10).has_value());
  auto tokens = store_->ListTokens().value();
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].digest, "d1") << "oldest first";
  EXPECT_EQ(tokens[0].name, "admin");
  EXPECT_EQ(tokens[0].created_at, 10);
  EXPECT_EQ(tokens[1].name, "ci");
  ASSERT_TRUE(store_->DeleteToken("d2").has_value());
  EXPECT_FALSE(store_->TokenExists("d2").value());
  EXPECT_TRUE(store_->TokenExists("d1").value());
  auto again = store_->DeleteToken("d2");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListTokens().value().size(), 1u);
}

TEST_P(StoreTest, NodesUpsertAndListLiveOnes) {
  NodeRecord node{"node-a",
                  "spark-workers",
                  "local-2c4g",
                  "STARTING",
                  "added for pending apps",
                  2,
                  4096,
                  100000,
                  "127.0.0.1",
                  40000,
                  123,
                  456,
                  10,
                  0,
                  0,
                  10};
  ASSERT_TRUE(store_->UpsertNode(node).has_value());
  NodeRecord other = node;
  other.id = "node-b";
  other.created_at = 20;
  ASSERT_TRUE(store_->UpsertNode(other).has_value());
  node.state = "READY";
  node.ready_at = 15;
  ASSERT_TRUE(store_->UpsertNode(node).has_value());  // the same row, replaced
  other.state = "LOST";
  other.reason = "the worker process exited (code 137)";
  other.ended_at = 30;
  ASSERT_TRUE(store_->UpsertNode(other).has_value());
  auto all = store_->ListNodes(false).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "node-a");
  EXPECT_EQ(all[0].state, "READY");
  EXPECT_EQ(all[0].ready_at, 15);
  EXPECT_EQ(all[0].pid_start_ticks, 456);
  EXPECT_EQ(all[0].price_micro_usd_per_hour, 100000);
  EXPECT_EQ(all[1].reason, "the worker process exited (code 137)");
  auto live = store_->ListNodes(true).value();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].id, "node-a");
}

// Walks every page forward and backward under several filters and orders: no duplicates, no gaps,
// and the same set as one unpaginated query.
TEST_P(StoreTest, KeysetPaginationWalksWithoutGapsOrDuplicates) {
  const char* jobs[] = {"etl", "report", "ml-train"};
  for (int i = 0; i < 1000; ++i) {
    AppRecord a = App(fmt::format("app-{:04}", i), 1000 + (i % 97) * 10);  // many equal created_at
    a.job_id = jobs[i % 3];
    a.cluster_id = i % 5 == 0 ? "osc-2" : "osc-1";
    a.updated_at = 5000 + i;
    a.submission_source = i % 7 == 0 ? "jupyter-enterprise-gateway" : "public-api";
    ASSERT_TRUE(store_->InsertApp(a).has_value());
    if (i % 4 == 0) {
      ASSERT_TRUE(
          store_
              ->TransitionApp(a.id,
                              {.to = AppState::kRunning, .at = a.updated_at, .started_at = 100 + i})
              .value());
      if (i % 8 == 0) {
        ASSERT_TRUE(store_
                        ->TransitionApp(a.id, {.to = AppState::kCompleted,
                                               .at = a.updated_at,
                                               .ended_at = 100 + i + (i * 37) % 500})
                        .value());
      }
    }
  }
  std::vector<AppQuery> queries = {
      {},
      {.cluster_id = "osc-1", .descending = true},
      {.states = {AppState::kCompleted, AppState::kRunning}},
      {.job_id = "etl", .submission_source = "public-api", .descending = true},
      {.search_term = "app-01", .min_created_at = 1100, .max_created_at = 1800},
      {.min_updated_at = 5100,
       .max_updated_at = 5900,
       .order_by = AppOrderBy::kDuration,
       .descending = true},
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

TEST_P(StoreTest, TemplatesAndJobConfigs) {
  TemplateRecord t{"small", "osc-1", "Small", R"({"driver":{"cores":1}})", 1, 1};
  ASSERT_TRUE(store_->InsertTemplate(t).has_value());
  EXPECT_EQ(store_->InsertTemplate(t).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->InsertTemplate(t).error().message, "config template 'small' already exists");
  t.display_name = "Smaller";
  t.updated_at = 2;
  ASSERT_TRUE(store_->ReplaceTemplate(t).has_value());
  EXPECT_EQ(store_->GetTemplate("osc-1", "small")->display_name, "Smaller");
  EXPECT_EQ(store_->GetTemplate("osc-2", "small").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListTemplates("").value().size(), 1u);
  EXPECT_TRUE(store_->ListTemplates("osc-2").value().empty());
  ASSERT_TRUE(store_->DeleteTemplate("osc-1", "small").has_value());
  EXPECT_EQ(store_->DeleteTemplate("osc-1", "small").error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(
      store_->SetJobConfig("osc-1", "nightly", R"({"sparkConf":{"a":"b"}})", 5).has_value());
  EXPECT_EQ(store_->GetJob("osc-1", "nightly")->config_json, R"({"sparkConf":{"a":"b"}})");
  ASSERT_TRUE(store_->InsertApp(App("n1", 10)).has_value());  // job-a, untouched
  ASSERT_TRUE(store_->SetJobConfig("osc-1", "nightly", "", 6).has_value());
  EXPECT_EQ(store_->GetJob("osc-1", "nightly")->config_json, "");
  EXPECT_TRUE(store_->HoldsSchedulerLease().value());
}

// Many threads race the same compare-and-set transition: exactly one applies, and every
// concurrent submission lands with its job and events intact.
TEST_P(StoreTest, ConcurrentWritersTransitionOnce) {
  constexpr int kThreads = 8;
  ASSERT_TRUE(store_->InsertApp(App("race", 10)).has_value());
  std::atomic<int> applied{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto done = store_->TransitionApp(
          "race",
          {.to = AppState::kRunning, .from = AppState::kPending, .at = 20 + i, .pid = 100 + i});
      if (!done) {
        ++failed;
      } else if (*done) {
        ++applied;
      }
      for (int j = 0; j < 10; ++j) {
        if (!store_->InsertApp(App(fmt::format("t{}-{}", i, j), 100 + j))) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(store_->GetApp("race")->state, AppState::kRunning);
  EXPECT_EQ(store_->CountApps({}).value(), 1 + kThreads * 10);
  EXPECT_EQ(store_->CountJobs({}).value(), 1);
}

// Reads may be served from a cache; a transition must show in the very next read.
TEST_P(StoreTest, ReadAfterTransitionSeesTheNewState) {
  ASSERT_TRUE(store_->InsertApp(App("fresh", 10)).has_value());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(store_->GetApp("fresh")->state, AppState::kPending);
  ASSERT_TRUE(*store_->TransitionApp("fresh", {.to = AppState::kRunning, .at = 20, .pid = 7}));
  auto running = store_->GetApp("fresh");
  EXPECT_EQ(running->state, AppState::kRunning);
  EXPECT_EQ(running->pid, 7);
  ASSERT_TRUE(*store_->TransitionApp("fresh", {.to = AppState::kCompleted, .at = 30, .ended_at = 30, .exit_code = 0}));
  auto done = store_->GetApp("fresh");
  EXPECT_EQ(done->state, AppState::kCompleted);
  EXPECT_EQ(done->ended_at, 30);
  EXPECT_EQ(done->exit_code, 0);
}

// Concurrent inserts are committed in groups on SQLite: a duplicate in a group fails alone and
// every other app of the group is stored.
TEST_P(StoreTest, ConcurrentInsertsWithDuplicatesFailOnlyTheDuplicates) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::atomic<int> stored{0}, duplicates{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        // Threads i and i^1 submit the same ids, so about half the submissions are duplicates.
        auto done = store_->InsertApp(App(fmt::format("dup{}-{}", i / 2, j), 100 + j));
        if (done) {
          ++stored;
        } else if (done.error().code == ErrorCode::kAlreadyExists) {
          EXPECT_NE(done.error().message.find("already exists"), std::string::npos);
          ++duplicates;
        } else {
          ++other_errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(stored.load(), kThreads / 2 * kPerThread);
  EXPECT_EQ(duplicates.load(), kThreads / 2 * kPerThread);
  EXPECT_EQ(store_->CountApps({}).value(), kThreads / 2 * kPerThread);
}

TEST_P(StoreTest, SchedulerLeaseIsExclusiveAndPassesOn) {
  if (!IsPostgres())
    GTEST_SKIP() << "an embedded database has one process, which always holds the lease";
  auto first = Open("first");
  auto second = Open("second");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(second.has_value()) << second.error().message;
  ASSERT_TRUE((*first)->HoldsSchedulerLease().value());
  EXPECT_FALSE((*second)->HoldsSchedulerLease().value());
  EXPECT_TRUE((*first)->HoldsSchedulerLease().value()) << "holding is stable";
  EXPECT_FALSE((*second)->HoldsSchedulerLease().value());
  first->reset();  // the holder goes away
  EXPECT_TRUE(WaitUntil([&] { return (*second)->HoldsSchedulerLease().value(); }, std::chrono::seconds(30)))
      << "the lease did not pass on";
}

// The server ends every session of a store (as on a restart or failover): the holder reports
// the lease lost, another store takes it, and the first keeps working through fresh connections.
TEST_P(StoreTest, LostSessionsLoseTheLeaseAndReconnect) {
  if (!IsPostgres()) GTEST_SKIP() << "PostgreSQL sessions only";
  auto first = Open("first");
  auto second = Open("second");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(second.has_value()) << second.error().message;
  ASSERT_TRUE((*first)->InsertApp(App("a1", 10)).has_value());
  ASSERT_TRUE((*first)->HoldsSchedulerLease().value());
  ASSERT_FALSE((*second)->HoldsSchedulerLease().value());
  TerminateSessions("first");
  EXPECT_FALSE((*first)->HoldsSchedulerLease().value_or(true));
  EXPECT_TRUE((*second)->HoldsSchedulerLease().value());
  EXPECT_FALSE((*first)->HoldsSchedulerLease().value_or(true)) << "the other store holds it now";
  auto app = (*first)->GetApp("a1");
  ASSERT_TRUE(app.has_value()) << app.error().message;
  TerminateSessions("first");
  EXPECT_TRUE((*first)->InsertApp(App("a2", 20)).has_value())
      << "a write after the pool's sessions died";
  EXPECT_EQ((*first)->CountApps({}).value(), 2);
  // The waiting store's own lease session dies too: it reconnects instead of failing.
  auto waiting = (*first)->HoldsSchedulerLease();
  ASSERT_TRUE(waiting.has_value()) << waiting.error().message;
  EXPECT_FALSE(*waiting);
  second->reset();
  EXPECT_TRUE(WaitUntil([&] { return (*first)->HoldsSchedulerLease().value_or(false); }, std::chrono::seconds(30)))
      << "the lease did not come back";
}

// Replicas starting at once on an empty schema: the advisory lock lets exactly one migrate.
TEST_P(StoreTest, ConcurrentStartsMigrateOnce) {
  if (!IsPostgres()) GTEST_SKIP() << "one process owns an embedded database";
  for (int round = 0; round < 5; ++round) {
    std::string schema = fmt::format("{}_m{}", schema_, round);
    ASSERT_TRUE(PgAdmin(admin_dsn_, "CREATE SCHEMA " + schema));
    std::vector<Result<std::unique_ptr<Store>>> opened;
    for (int i = 0; i < 3; ++i) opened.emplace_back(Fail(ErrorCode::kInternal, "not run"));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < opened.size(); ++i) {
      threads.emplace_back(
          [&, i] { opened[i] = OpenPostgresStore(WithSettings(admin_dsn_, schema, schema)); });
    }
    for (auto& t : threads) t.join();
    for (auto& o : opened) {
      ASSERT_TRUE(o.has_value()) << o.error().message;
      EXPECT_EQ((*o)->CountApps({}).value(), 0);
    }
    opened.clear();
    ASSERT_TRUE(PgAdmin(admin_dsn_, "DROP SCHEMA " + schema + " CASCADE"));
  }
}

TEST_P(StoreTest, NewerSchemaIsRefused) {
  if (!IsPostgres()) GTEST_SKIP() << "PostgreSQL only";
  ASSERT_TRUE(
      PgAdmin(admin_dsn_, fmt::format("INSERT INTO {}.schema_version VALUES (99)", schema_)));
  auto opened = Open("again");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(StoreTest, BadTextIsInvalidArgument) {
  if (!IsPostgres()) GTEST_SKIP() << "SQLite stores any bytes";
  auto nul = App(std::string("a\0b", 3), 10);
  auto done = store_->InsertApp(nul);
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::kInvalidArgument) << done.error().message;
  auto bad_utf8 = App("ok", 10);
  bad_utf8.display_name = "\xff\xfe";
  EXPECT_EQ(store_->InsertApp(bad_utf8).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->CountApps({}).value(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(PgStoreTest, UnreachableServerIsUnavailable) {
  auto opened = OpenPostgresStore("postgresql://sparkplane@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable) << opened.error().message;
}

TEST(PgStoreTest, MalformedUrlIsInvalidArgument) {
  auto opened = OpenPostgresStore("host=localhost no_such_option=1");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument) << opened.error().message;
}

TEST(SqliteStoreTest, CorruptFileIsAnError) {
  auto dir = std::filesystem::temp_directory_path() / ("sp-store-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  auto path = dir / "bad.sqlite";
  ASSERT_TRUE(WriteFileAtomic(path, std::string(4096, 'x')).has_value());
  auto opened = OpenSqliteStore(path.string());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(opened.has_value());
}

// Commits never checkpoint; a background thread copies the WAL into the database file. With the
// checkpointer held off (an hour's interval) 300 commits leave the file as it was; with a short
// one the file grows without another commit.
TEST(SqliteStoreTest, CheckpointsRunInTheBackground) {
  auto dir = std::filesystem::temp_directory_path() / ("sp-store-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  auto path = dir / "db.sqlite";
  {
    auto store = OpenSqliteStore(path.string(), {.checkpoint_interval = std::chrono::hours(1)});
    ASSERT_TRUE(store.has_value()) << store.error().message;
    ASSERT_TRUE((*store)->InsertCluster({"osc-1", "AVAILABLE", "local", 1, 1}).has_value());
    auto size_before = std::filesystem::file_size(path);
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE((*store)->InsertApp(MakeApp(fmt::format("ckpt-{}", i), i)).has_value());
    }
    EXPECT_EQ(std::filesystem::file_size(path), size_before);  // everything is still in the WAL
  }
  {
    auto size_before = std::filesystem::file_size(path);  // closing checkpointed the rest
    auto store = OpenSqliteStore(path.string(), {.checkpoint_interval = std::chrono::milliseconds(20)});
    ASSERT_TRUE(store.has_value()) << store.error().message;
    for (int i = 300; i < 600; ++i) {
      ASSERT_TRUE((*store)->InsertApp(MakeApp(fmt::format("ckpt-{}", i), i)).has_value());
    }
    EXPECT_TRUE(WaitUntil([&] { return std::filesystem::file_size(path) > size_before; }, std::chrono::seconds(30)));
    EXPECT_EQ((*store)->CountApps({}).value(), 600);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sparkplane::store
