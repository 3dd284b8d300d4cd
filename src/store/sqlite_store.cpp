#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <thread>
#include <tuple>
#include <variant>

#include <fmt/format.h>

#include "store/migrations.hpp"
#include "store/query_sql.hpp"
#include "store/row_readers.hpp"
#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace sparkplane::store {
namespace {

constexpr int kReadConnections = 4;  // WAL readers beside the one writer connection
constexpr size_t kAppCacheSize = 4096;  // apps kept by GetApp; cleared when full

class SqliteStore final : public Store {
 public:
  SqliteStore(Db db, SqliteOptions options) : db_(std::move(db)), options_(options) {}

  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_wake_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
  }

  // Opens the read connections and the checkpointer (after Migrate, so they see the schema).
  // WAL readers never block the writer or each other, so reads do not queue behind writes or
  // other reads; checkpoints run on a connection and thread of their own, so no commit waits
  // for one (the writer's automatic checkpoints are off).
  Status OpenHelpers(const std::string& path, int readers) {
    for (int i = 0; i < readers; ++i) {
      auto db = Db::Open(path);
      if (!db) return tl::unexpected(db.error());
      readers_.push_back(std::make_unique<ReadConnection>(std::move(*db)));
    }
    auto db = Db::Open(path);
    if (!db) return tl::unexpected(db.error());
    SPARKPLANE_TRY(db->Exec("PRAGMA journal_mode=WAL"));  // reads the header: checkpoints need it
    SPARKPLANE_TRY(db_.Exec("PRAGMA wal_autocheckpoint=0"));
    checkpointer_ = std::thread([this, checkpoint_db = std::move(*db)]() mutable { CheckpointLoop(checkpoint_db); });
    return Ok();
  }

  Status Migrate() {
    SPARKPLANE_TRY(db_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                            "PRAGMA journal_size_limit=67108864;"));
    SPARKPLANE_TRY(db_.Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
    auto stmt = db_.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    SPARKPLANE_TRY(stmt);
    SPARKPLANE_TRY(stmt->Step());
    int64_t version = stmt->Int(0);
    auto migrations = Migrations();
    if (version > static_cast<int64_t>(migrations.size())) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("database schema version {} is newer than this sparkplane ({}); "
                              "upgrade sparkplane",
                              version, migrations.size()));
    }
    for (size_t i = static_cast<size_t>(version); i < migrations.size(); ++i) {
      SPARKPLANE_TRY(db_.Exec("BEGIN IMMEDIATE"));
      auto applied = db_.Exec(migrations[i]);
      if (applied) applied = db_.Exec(fmt::format("INSERT INTO schema_version VALUES ({})", i + 1));
      if (!applied) {
        (void)db_.Exec("ROLLBACK");
        return applied;
      }
      SPARKPLANE_TRY(db_.Exec("COMMIT"));
    }
    return Ok();
  }

  Result<std::vector<ClusterRecord>> ListClusters() override {
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare("SELECT id, state, region, created_at, updated_at FROM clusters ORDER BY created_at");
    SPARKPLANE_TRY(s);
    std::vector<ClusterRecord> out;
    while (true) {
      auto row = s->Step();
      SPARKPLANE_TRY(row);
      if (!*row) break;
      out.push_back({s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)});
    }
    return out;
  }

  Result<ClusterRecord> GetCluster(const std::string& id) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare("SELECT id, state, region, created_at, updated_at FROM clusters WHERE id = ?");
    SPARKPLANE_TRY(s);
    s->Bind(1, id);
    auto row = s->Step();
    SPARKPLANE_TRY(row);
    if (!*row) return Fail(ErrorCode::kNotFound, fmt::format("cluster '{}' not found", id));
    return ClusterRecord{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)};
  }

  Status InsertCluster(const ClusterRecord& c) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare("INSERT INTO clusters (id, state, region, created_at, updated_at) VALUES (?,?,?,?,?)");
    SPARKPLANE_TRY(s);
    s->Bind(1, c.id).Bind(2, c.state).Bind(3, c.region).Bind(4, c.created_at).Bind(5, c.updated_at);
    return s->Run();
  }

  Status InsertToken(const std::string& digest, const std::string& name, int64_t now) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare("INSERT INTO tokens (digest, name, created_at) VALUES (?,?,?)");
    SPARKPLANE_TRY(s);
    s->Bind(1, digest).Bind(2, name).Bind(3, now);
    return s->Run();
  }

  Result<bool> TokenExists(const std::string& digest) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare("SELECT 1 FROM tokens WHERE digest = ?");
    SPARKPLANE_TRY(s);
    s->Bind(1, digest);
    return s->Step();
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    auto reader = Reader();
    SqlQuery query{fmt::format("SELECT {} FROM tokens ORDER BY created_at, digest", kTokenColumns), {}};
    std::vector<TokenRecord> out;
    SPARKPLANE_TRY(ForEachRow(reader.db, query, [&](const Stmt& s) { out.push_back(ReadToken(s)); }));
    return out;
  }

  Status DeleteToken(const std::string& digest) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare("DELETE FROM tokens WHERE digest = ?");
    SPARKPLANE_TRY(s);
    s->Bind(1, digest);
    SPARKPLANE_TRY(s->Run());
    if (db_.Changes() == 0) return Fail(ErrorCode::kNotFound, "no such token");
    return Ok();
  }

  // Group commit: concurrent submissions queue up, and whoever holds the connection next
  // inserts every queued app in one transaction (a savepoint each, so one duplicate id fails
  // alone). Each caller still returns only once its own app is committed or refused.
  Status InsertApp(const AppRecord& a) override {
    PendingInsert mine{&a};
    {
      std::lock_guard queue_lock(queue_mutex_);
      queue_.push_back(&mine);
    }
    std::lock_guard lock(mutex_);
    if (mine.done) return mine.status;  // committed by the previous holder
    std::vector<PendingInsert*> batch;
    {
      std::lock_guard queue_lock(queue_mutex_);
      batch.swap(queue_);
    }
    Status tx = db_.Exec("BEGIN IMMEDIATE");
    for (auto* p : batch) {
      if (tx) tx = db_.Exec("SAVEPOINT insert_app");
      if (!tx) break;
      p->status = InsertAppLocked(*p->app);
      if (!p->status) {
        tx = db_.Exec("ROLLBACK TO insert_app");
        if (p->status.error().code == ErrorCode::kAlreadyExists) {
          p->status = Fail(ErrorCode::kAlreadyExists,
                           fmt::format("an app with id '{}' already exists", p->app->id), {"appId"});
        }
      }
      if (tx) tx = db_.Exec("RELEASE insert_app");
    }
    if (tx) tx = db_.Exec("COMMIT");
    if (!tx) {
      (void)db_.Exec("ROLLBACK");
      for (auto* p : batch) p->status = tx;  // nothing of the batch was stored
    }
    for (auto* p : batch) p->done = true;  // read by their owners under mutex_
    return mine.status;
  }

  // Served from a cache of recently read apps when possible: this process is the database's
  // only writer, and every write of an app (InsertApp, TransitionApp) passes through here.
  Result<AppRecord> GetApp(const std::string& id) override {
    uint64_t generation = 0;
    {
      std::shared_lock lock(app_cache_mutex_);
      if (auto it = app_cache_.find(id); it != app_cache_.end()) return it->second;
      generation = app_cache_generation_;
    }
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare(fmt::format("SELECT {} FROM apps WHERE id = ?", kAppColumns));
    SPARKPLANE_TRY(s);
    s->Bind(1, id);
    auto row = s->Step();
    SPARKPLANE_TRY(row);
    if (!*row) return Fail(ErrorCode::kNotFound, fmt::format("app '{}' not found", id));
    AppRecord app = ReadApp(*s);
    std::unique_lock lock(app_cache_mutex_);
    if (generation == app_cache_generation_) {  // no write since the read began: not stale
      if (app_cache_.size() >= kAppCacheSize) app_cache_.clear();
      app_cache_.emplace(id, app);
    }
    return app;
  }

  Result<std::vector<AppRecord>> ListApps(const AppQuery& q) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto query = ListAppsSql(q, kAppColumns, Dialect::kSqlite, false);
    std::vector<AppRecord> out;
    SPARKPLANE_TRY(ForEachRow(db, query, [&](const Stmt& s) { out.push_back(ReadApp(s)); }));
    if (query.reversed) std::reverse(out.begin(), out.end());
    return out;
  }

  Result<int64_t> CountApps(const AppQuery& q) override {
    auto reader = Reader();
    Db& db = reader.db;
    int64_t count = 0;
    SPARKPLANE_TRY(ForEachRow(db, ListAppsSql(q, "", Dialect::kSqlite, true), [&](const Stmt& s) { count = s.Int(0); }));
    return count;
  }

  Result<std::vector<JobRecord>> ListJobs(const JobQuery& q) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto query = ListJobsSql(q, kJobColumns, Dialect::kSqlite, false);
    std::vector<JobRecord> out;
    SPARKPLANE_TRY(ForEachRow(db, query, [&](const Stmt& s) { out.push_back(ReadJob(s)); }));
    if (query.reversed) std::reverse(out.begin(), out.end());
    return out;
  }

  Result<int64_t> CountJobs(const JobQuery& q) override {
    auto reader = Reader();
    Db& db = reader.db;
    int64_t count = 0;
    SPARKPLANE_TRY(ForEachRow(db, ListJobsSql(q, "", Dialect::kSqlite, true), [&](const Stmt& s) { count = s.Int(0); }));
    return count;
  }

  Status SetJobConfig(const std::string& cluster_id, const std::string& job_id, const std::string& config_json,
                      int64_t now) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare(
        "INSERT INTO jobs (cluster_id, id, display_name, created_at, updated_at, config_json) "
        "VALUES (?1, ?2, ?2, ?3, ?3, ?4) ON CONFLICT (cluster_id, id) DO UPDATE SET "
        "updated_at = excluded.updated_at, config_json = excluded.config_json");
    SPARKPLANE_TRY(s);
    s->Bind(1, cluster_id).Bind(2, job_id).Bind(3, now).Bind(4, config_json);
    return s->Run();
  }

  Status InsertTemplate(const TemplateRecord& t) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare(
        "INSERT INTO config_templates (cluster_id, id, display_name, config_json, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?)");
    SPARKPLANE_TRY(s);
    s->Bind(1, t.cluster_id).Bind(2, t.id).Bind(3, t.display_name).Bind(4, t.config_json);
    s->Bind(5, t.created_at).Bind(6, t.updated_at);
    auto done = s->Run();
    if (!done && done.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists, fmt::format("config template '{}' already exists", t.id), {"id"});
    }
    return done;
  }

  Result<TemplateRecord> GetTemplate(const std::string& cluster_id, const std::string& id) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare(fmt::format("SELECT {} FROM config_templates WHERE cluster_id = ? AND id = ?", kTemplateColumns));
    SPARKPLANE_TRY(s);
    s->Bind(1, cluster_id).Bind(2, id);
    auto row = s->Step();
    SPARKPLANE_TRY(row);
    if (!*row) return Fail(ErrorCode::kNotFound, fmt::format("config template '{}' not found", id));
    return ReadTemplate(*s);
  }

  Result<std::vector<TemplateRecord>> ListTemplates(const std::string& cluster_id) override {
    auto reader = Reader();
    Db& db = reader.db;
    SqlQuery query{fmt::format("SELECT {} FROM config_templates WHERE (?1 = '' OR cluster_id = ?1) "
                               "ORDER BY created_at, id", kTemplateColumns),
                   {cluster_id}};
    std::vector<TemplateRecord> out;
    SPARKPLANE_TRY(ForEachRow(db, query, [&](const Stmt& s) { out.push_back(ReadTemplate(s)); }));
    return out;
  }

  Status ReplaceTemplate(const TemplateRecord& t) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare("UPDATE config_templates SET display_name = ?, config_json = ?, updated_at = ? "
                         "WHERE cluster_id = ? AND id = ?");
    SPARKPLANE_TRY(s);
    s->Bind(1, t.display_name).Bind(2, t.config_json).Bind(3, t.updated_at).Bind(4, t.cluster_id).Bind(5, t.id);
    SPARKPLANE_TRY(s->Run());
    if (db_.Changes() == 0) return Fail(ErrorCode::kNotFound, fmt::format("config template '{}' not found", t.id));
    return Ok();
  }

  Status DeleteTemplate(const std::string& cluster_id, const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare("DELETE FROM config_templates WHERE cluster_id = ? AND id = ?");
    SPARKPLANE_TRY(s);
    s->Bind(1, cluster_id).Bind(2, id);
    SPARKPLANE_TRY(s->Run());
    if (db_.Changes() == 0) return Fail(ErrorCode::kNotFound, fmt::format("config template '{}' not found", id));
    return Ok();
  }

  Status InsertSession(const SessionRecord& r) override {
    std::lock_guard lock(mutex_);
    SPARKPLANE_TRY(db_.Exec("BEGIN IMMEDIATE"));
    Status tx = [&]() -> Status {
      auto prune = db_.Prepare("DELETE FROM sessions WHERE expires_at < ?");
      SPARKPLANE_TRY(prune);
      prune->Bind(1, r.created_at);
      SPARKPLANE_TRY(prune->Run());
      auto s = db_.Prepare(fmt::format("INSERT INTO sessions ({}) VALUES (?,?,?,?,?)", kSessionColumns));
      SPARKPLANE_TRY(s);
      s->Bind(1, r.digest).Bind(2, r.token_digest).Bind(3, r.csrf_token).Bind(4, r.created_at).Bind(5, r.expires_at);
      return s->Run();
    }();
    if (tx) tx = db_.Exec("COMMIT");
    if (!tx) std::ignore = db_.Exec("ROLLBACK");
    return tx;
  }

  Result<SessionRecord> GetSession(const std::string& digest) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare(fmt::format("SELECT {} FROM sessions WHERE digest = ?", kSessionColumns));
    SPARKPLANE_TRY(s);
    s->Bind(1, digest);
    auto row = s->Step();
    SPARKPLANE_TRY(row);
    if (!*row) return Fail(ErrorCode::kNotFound, "no such session");
    return ReadSession(*s);
  }

  Status DeleteSession(const std::string& digest) override {
    std::lock_guard lock(mutex_);
    auto s = db_.Prepare("DELETE FROM sessions WHERE digest = ?");
    SPARKPLANE_TRY(s);
    s->Bind(1, digest);
    return s->Run();
  }

  Status UpsertNode(const NodeRecord& node) override {
    std::lock_guard lock(mutex_);
    return ForEachRow(db_, UpsertNodeSql(node, Dialect::kSqlite), [](const Stmt&) {});
  }

  Result<std::vector<NodeRecord>> ListNodes(bool live_only) override {
    auto reader = Reader();
    std::vector<NodeRecord> out;
    SPARKPLANE_TRY(ForEachRow(reader.db, ListNodesSql(live_only, Dialect::kSqlite),
                              [&](const Stmt& s) { out.push_back(ReadNode(s)); }));
    return out;
  }

  // One process owns an embedded database, so it always runs the scheduler.
  Result<bool> HoldsSchedulerLease() override { return true; }

  Result<bool> TransitionApp(const std::string& id, const AppTransition& t) override {
    std::lock_guard lock(mutex_);
    SPARKPLANE_TRY(db_.Exec("BEGIN IMMEDIATE"));
    auto applied = TransitionLocked(id, t);
    if (!applied) {
      (void)db_.Exec("ROLLBACK");
      return applied;
    }
    SPARKPLANE_TRY(db_.Exec("COMMIT"));
    if (*applied) ForgetApp(id);
    return applied;
  }

  Result<JobRecord> GetJob(const std::string& cluster_id, const std::string& id) override {
    auto reader = Reader();
    Db& db = reader.db;
    auto s = db.Prepare(fmt::format("SELECT {} FROM jobs WHERE cluster_id = ? AND id = ?", kJobColumns));
    SPARKPLANE_TRY(s);
    s->Bind(1, cluster_id).Bind(2, id);
    auto row = s->Step();
    SPARKPLANE_TRY(row);
    if (!*row) return Fail(ErrorCode::kNotFound, fmt::format("job '{}' not found", id));
    return ReadJob(*s);
  }

 private:
  static void BindOptional(Stmt& s, int index, const std::optional<std::string>& value) {
    if (value) {
      s.Bind(index, *value);
    } else {
      s.BindNull(index);
    }
  }

  template <class RowFn>
  static Status ForEachRow(Db& db, const SqlQuery& query, RowFn&& on_row) {
    auto s = db.Prepare(query.sql);
    SPARKPLANE_TRY(s);
    for (size_t i = 0; i < query.params.size(); ++i) {
      std::visit([&](const auto& v) { s->Bind(static_cast<int>(i + 1), v); }, query.params[i]);
    }
    while (true) {
      auto row = s->Step();
      SPARKPLANE_TRY(row);
      if (!*row) return Ok();
      on_row(*s);
    }
  }

  Status InsertAppLocked(const AppRecord& a) {
    auto s = db_.Prepare(fmt::format(
        "INSERT INTO apps ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", kAppColumns));
    SPARKPLANE_TRY(s);
    s->Bind(1, a.id).Bind(2, a.internal_id).Bind(3, a.cluster_id).Bind(4, a.job_id);
    s->Bind(5, a.display_name).Bind(6, a.user_id).Bind(7, a.submission_source).Bind(8, a.app_type);
    s->Bind(9, AppStateName(a.state)).Bind(10, a.created_at).Bind(11, a.updated_at);
    s->Bind(12, a.started_at).Bind(13, a.ended_at).Bind(14, a.kill_requested_at);
    s->Bind(15, a.config_template_id).Bind(16, a.request_json).Bind(17, a.config_json);
    s->Bind(18, a.config_sources_json).Bind(19, a.error_message);
    if (a.exit_code) {
      s->Bind(20, static_cast<int64_t>(*a.exit_code));
    } else {
      s->BindNull(20);
    }
    s->Bind(21, a.pid).Bind(22, a.pid_start_ticks).Bind(23, a.app_dir);
    s->Bind(24, a.issues_json).Bind(25, a.metrics_json).Bind(26, a.cores);
    SPARKPLANE_TRY(s->Run());
    auto job = db_.Prepare(
        "INSERT INTO jobs (cluster_id, id, display_name, created_at, updated_at, last_app_id) "
        "VALUES (?1, ?2, ?2, ?3, ?3, ?4) ON CONFLICT (cluster_id, id) DO UPDATE SET "
        "updated_at = excluded.updated_at, last_app_id = excluded.last_app_id");
    SPARKPLANE_TRY(job);
    job->Bind(1, a.cluster_id).Bind(2, a.job_id).Bind(3, a.created_at).Bind(4, a.id);
    SPARKPLANE_TRY(job->Run());
    return AppendEvent(a.id, a.created_at, "", AppStateName(a.state), "submitted");
  }

  Result<bool> TransitionLocked(const std::string& id, const AppTransition& t) {
    auto cur = db_.Prepare("SELECT state FROM apps WHERE id = ?");
    SPARKPLANE_TRY(cur);
    cur->Bind(1, id);
    auto row = cur->Step();
    SPARKPLANE_TRY(row);
    if (!*row) return Fail(ErrorCode::kNotFound, fmt::format("app '{}' not found", id));
    auto from = ParseAppState(cur->Text(0)).value_or(AppState::kFailed);
    if (IsTerminal(from) || (t.from && *t.from != from)) return false;
    auto s = db_.Prepare(
        "UPDATE apps SET state = ?2, updated_at = ?3, "
        "started_at = COALESCE(?4, started_at), ended_at = COALESCE(?5, ended_at), "
        "kill_requested_at = COALESCE(?6, kill_requested_at), "
        "error_message = COALESCE(?7, error_message), exit_code = COALESCE(?8, exit_code), "
        "pid = COALESCE(?9, pid), pid_start_ticks = COALESCE(?10, pid_start_ticks), "
        "issues_json = COALESCE(?11, issues_json), metrics_json = COALESCE(?12, metrics_json), "
        "cores = COALESCE(?13, cores) WHERE id = ?1");
    SPARKPLANE_TRY(s);
    s->Bind(1, id).Bind(2, AppStateName(t.to)).Bind(3, t.at);
    s->Bind(4, t.started_at).Bind(5, t.ended_at).Bind(6, t.kill_requested_at);
    BindOptional(*s, 7, t.error_message);
    s->Bind(8, t.exit_code ? std::optional<int64_t>(*t.exit_code) : std::nullopt);
    s->Bind(9, t.pid).Bind(10, t.pid_start_ticks);
    BindOptional(*s, 11, t.issues_json);
    BindOptional(*s, 12, t.metrics_json);
    s->Bind(13, t.cores);
    SPARKPLANE_TRY(s->Run());
    if (from != t.to) SPARKPLANE_TRY(AppendEvent(id, t.at, AppStateName(from), AppStateName(t.to), t.reason));
    return true;
  }

  Status AppendEvent(std::string_view app_id, int64_t at, std::string_view from, std::string_view to,
                     std::string_view reason) {
    auto s = db_.Prepare("INSERT INTO app_events (app_id, at, from_state, to_state, reason) VALUES (?,?,?,?,?)");
    SPARKPLANE_TRY(s);
    s->Bind(1, app_id).Bind(2, at).Bind(3, from).Bind(4, to).Bind(5, reason);
    return s->Run();
  }

  struct ReadConnection {
    explicit ReadConnection(Db connection) : db(std::move(connection)) {}
    std::mutex mutex;
    Db db;
  };
  struct ReadLease {
    std::unique_lock<std::mutex> lock;
    Db& db;
  };

  void ForgetApp(const std::string& id) {
    std::unique_lock lock(app_cache_mutex_);
    app_cache_.erase(id);
    ++app_cache_generation_;
  }

  void CheckpointLoop(Db& db) {
    std::unique_lock lock(checkpoint_mutex_);
    while (!checkpoint_wake_.wait_for(lock, options_.checkpoint_interval, [&] { return stopping_; })) {
      lock.unlock();
      db.CheckpointPassive();  // busy or nothing to copy: fine, the next round retries
      lock.lock();
    }
    db.CheckpointPassive();
  }

  // A free read connection, else one in turn.
  ReadLease Reader() {
    for (auto& r : readers_) {
      std::unique_lock lock(r->mutex, std::try_to_lock);
      if (lock) return {std::move(lock), r->db};
    }
    auto& r = readers_[next_reader_++ % readers_.size()];
    return {std::unique_lock(r->mutex), r->db};
  }

  struct PendingInsert {
    const AppRecord* app;
    Status status = Ok();
    bool done = false;
  };

  std::mutex mutex_;  // serializes use of db_
  Db db_;
  std::mutex queue_mutex_;
  std::vector<PendingInsert*> queue_;  // InsertApp calls waiting for the next group commit
  std::vector<std::unique_ptr<ReadConnection>> readers_;
  std::atomic<size_t> next_reader_{0};
  std::shared_mutex app_cache_mutex_;
  std::unordered_map<std::string, AppRecord> app_cache_;
  uint64_t app_cache_generation_ = 0;  // bumped by every app write; guarded by app_cache_mutex_
  SqliteOptions options_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool stopping_ = false;  // guarded by checkpoint_mutex_
  std::thread checkpointer_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options) {
  auto db = Db::Open(path);
  if (!db) return tl::unexpected(db.error());
  auto store = std::make_unique<SqliteStore>(std::move(*db), options);
  if (auto st = store->Migrate(); !st) return tl::unexpected(st.error());
  if (auto st = store->OpenHelpers(path, kReadConnections); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sparkplane::store
