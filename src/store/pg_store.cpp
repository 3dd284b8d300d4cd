// PostgreSQL backend of Store, on libpq directly. A small connection pool serves the API; the
// scheduler lease is a session-level advisory lock on one dedicated connection.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/migrations.hpp"
#include "store/query_sql.hpp"
#include "store/row_readers.hpp"
#include "store/store.hpp"

namespace sparkplane::store {
namespace {

// Two-int advisory lock keys: sparkplane's namespace (0x53504b50, "SPKP") and a hash of the
// current schema, so deployments sharing one database through different schemas do not share
// locks.
constexpr std::string_view kMigrationLockSql =
    "SELECT pg_advisory_xact_lock(1397770064, hashtext(COALESCE(current_schema(), '') || "
    "':migrations'))";
constexpr std::string_view kSchedulerLeaseSql =
    "SELECT pg_try_advisory_lock(1397770064, hashtext(COALESCE(current_schema(), '') || "
    "':scheduler'))";

constexpr size_t kPoolSize = 4;

// PostgreSQL type oids for parameters (pg_type.h is server-side only).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultClearer>;

// Positional parameters: integers go as text, strings as binary `text` so that embedded NULs
// and invalid UTF-8 reach the server and are rejected there instead of being cut short.
class Params {
 public:
  Params& Add(std::string_view value) {
    values_.emplace_back(value);
    types_.push_back(kTextOid);
    formats_.push_back(1);
    return *this;
  }
  Params& Add(const std::string& value) { return Add(std::string_view(value)); }
  Params& Add(int64_t value) {
    values_.emplace_back(std::to_string(value));
    types_.push_back(kInt8Oid);
    formats_.push_back(0);
    return *this;
  }
  Params& Add(std::optional<int64_t> value) {
    if (value) return Add(*value);
    values_.emplace_back(std::nullopt);
    types_.push_back(kInt8Oid);
    formats_.push_back(0);
    return *this;
  }
  Params& Add(const std::optional<std::string>& value) {
    if (value) return Add(std::string_view(*value));
    values_.emplace_back(std::nullopt);
    types_.push_back(kTextOid);
    formats_.push_back(1);
    return *this;
  }
  Params& Add(const SqlParam& value) {
    std::visit([&](const auto& v) { Add(v); }, value);
    return *this;
  }

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const int* formats() const { return formats_.data(); }
  // Pointer and length arrays; valid while this object is alive and unchanged.
  void Arrays(std::vector<const char*>* pointers, std::vector<int>* lengths) const {
    for (const auto& v : values_) {
      pointers->push_back(v ? v->data() : nullptr);
      lengths->push_back(v ? static_cast<int>(v->size()) : 0);
    }
  }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
};

Params FromSql(const std::vector<SqlParam>& params) {
  Params out;
  for (const auto& p : params) out.Add(p);
  return out;
}

// One row of a text-format result.
class Row {
 public:
  Row(const PGresult* result, int row) : result_(result), row_(row) {}
  std::string Text(int column) const {
    return std::string(PQgetvalue(result_, row_, column),
                       static_cast<size_t>(PQgetlength(result_, row_, column)));
  }
  int64_t Int(int column) const {
    const char* begin = PQgetvalue(result_, row_, column);
    int64_t value = 0;
    std::from_chars(begin, begin + PQgetlength(result_, row_, column), value);
    return value;
  }
  bool IsNull(int column) const { return PQgetisnull(result_, row_, column) != 0; }

 private:
  const PGresult* result_;
  int row_;
};

template <class ReadFn>
auto Rows(const PgResult& result, ReadFn read) {
  std::vector<decltype(read(std::declval<Row>()))> out;
  int n = PQntuples(result.get());
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(read(Row(result.get(), i)));
  return out;
}

ClusterRecord ReadCluster(const Row& r) {
  return ClusterRecord{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)};
}

std::string ErrorText(PGconn* conn, const PGresult* result) {
  std::string text = result ? PQresultErrorMessage(result) : "";
  if (text.empty() && conn) text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unknown error" : text;
}

// Maps a failed statement to an Error: unique violations → kAlreadyExists, lost or refused
// connections and retryable conflicts → kUnavailable, bad data → kInvalidArgument.
Error PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  std::string_view state;
  if (result) {
    const char* field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (field) state = field;
  }
  ErrorCode code = ErrorCode::kInternal;
  if (!conn || PQstatus(conn) == CONNECTION_BAD) {
    code = ErrorCode::kUnavailable;
  } else if (state == "23505") {
    code = ErrorCode::kAlreadyExists;
  } else if (state.starts_with("08") || state.starts_with("57P") || state == "53300" ||
             state == "40001" || state == "40P01") {
    code = ErrorCode::kUnavailable;
  } else if (state.starts_with("22")) {
    code = ErrorCode::kInvalidArgument;
  } else if (state.starts_with("53")) {
    code = ErrorCode::kIo;  // disk full, out of memory
  }
  return Error{code, fmt::format("postgres {}: {}", what, ErrorText(conn, result)), {}};
}

void IgnoreNotice(void*, const char*) {}

// Connects with sparkplane's defaults; settings in `url` override them.
Result<Conn> Connect(const std::string& url) {
  // Keywords before "dbname" are defaults the expanded URL may override.
  const char* keywords[] = {"connect_timeout",
                            "application_name",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "tcp_user_timeout",
                            "dbname",
                            nullptr};
  const char* values[] = {"5", "sparkplane", "1", "5", "2", "3", "10000", url.c_str(), nullptr};
  Conn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (!conn) return Fail(ErrorCode::kUnavailable, "postgres connect: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("postgres connect: {}", ErrorText(conn.get(), nullptr)));
  }
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return conn;
}

// Statements on one checked-out connection. Remembers whether anything succeeded, which decides
// whether a failure on a broken connection may be retried on a fresh one.
class Session {
 public:
  explicit Session(PGconn* conn) : conn_(conn) {}

  Result<PgResult> Exec(std::string_view sql, const Params& params = {}) {
    std::string text(sql);
    std::vector<const char*> pointers;
    std::vector<int> lengths;
    params.Arrays(&pointers, &lengths);
    PgResult result(PQexecParams(conn_, text.c_str(), params.size(), params.types(),
                                 pointers.data(), lengths.data(), params.formats(), 0));
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return tl::unexpected(PgError(conn_, result.get(), "query"));
    }
    ++succeeded_;
    return result;
  }

  // Several statements without parameters or rows (migrations).
  Status ExecScript(std::string_view sql) {
    std::string text(sql);
    PgResult result(PQexec(conn_, text.c_str()));
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return tl::unexpected(PgError(conn_, result.get(), "script"));
    }
    ++succeeded_;
    return Ok();
  }

  // Rows affected by a statement without rows.
  Result<int64_t> Affected(std::string_view sql, const Params& params) {
    auto result = Exec(sql, params);
    SPARKPLANE_TRY(result);
    const char* count = PQcmdTuples(result->get());
    int64_t n = 0;
    std::from_chars(count, count + std::char_traits<char>::length(count), n);
    return n;
  }

  // Runs `fn` between BEGIN and COMMIT; rolls back when it fails.
  template <class Fn>
  auto Transaction(Fn&& fn) -> decltype(fn()) {
    SPARKPLANE_TRY(Exec("BEGIN"));
    auto result = fn();
    if (!result) {
      if (!Broken()) (void)Exec("ROLLBACK");
      return result;
    }
    SPARKPLANE_TRY(Exec("COMMIT"));
    return result;
  }

  bool Broken() const { return PQstatus(conn_) == CONNECTION_BAD; }
  bool SucceededAny() const { return succeeded_ > 0; }

 private:
  PGconn* conn_;
  int succeeded_ = 0;
};

// A fixed number of connections, opened on demand. Connections left broken or inside a
// transaction are closed instead of being returned.
class Pool {
 public:
  Pool(std::string url, size_t size) : url_(std::move(url)), size_(size) {}

  class Checkout {
   public:
    Checkout(Pool* pool, Conn conn) : pool_(pool), conn_(std::move(conn)) {}
    Checkout(Checkout&&) = default;
    Checkout(const Checkout&) = delete;
    ~Checkout() {
      if (pool_ && conn_) pool_->Release(std::move(conn_));
    }
    PGconn* get() const { return conn_.get(); }

   private:
    Pool* pool_;
    Conn conn_;
  };

  Result<Checkout> Acquire() {
    {
      std::unique_lock lock(mutex_);
      available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
      if (!idle_.empty()) {
        Conn conn = std::move(idle_.back());
        idle_.pop_back();
        return Checkout(this, std::move(conn));
      }
      ++open_;
    }
    auto conn = Connect(url_);
    if (!conn) {
      Forget();
      return tl::unexpected(conn.error());
    }
    return Checkout(this, std::move(*conn));
  }

 private:
  void Release(Conn conn) {
    if (PQstatus(conn.get()) != CONNECTION_OK || PQtransactionStatus(conn.get()) != PQTRANS_IDLE) {
      conn.reset();
      Forget();
      return;
    }
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
    available_.notify_one();
  }

  void Forget() {
    std::lock_guard lock(mutex_);
    --open_;
    available_.notify_one();
  }

  std::string url_;
  size_t size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Conn> idle_;
  size_t open_ = 0;
};

class PgStore final : public Store {
 public:
  explicit PgStore(std::string url) : url_(std::move(url)), pool_(url_, kPoolSize) {}

  // All pending migrations in one transaction under a transaction-scoped advisory lock, so
  // replicas starting together apply them exactly once.
  Status Migrate() {
    return Run([&](Session& s) -> Status {
      return s.Transaction([&]() -> Status {
        SPARKPLANE_TRY(s.Exec(kMigrationLockSql));
        SPARKPLANE_TRY(
            s.Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
        auto version_result = s.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        SPARKPLANE_TRY(version_result);
        int64_t version = Row(version_result->get(), 0).Int(0);
        auto migrations = Migrations();
        if (version > static_cast<int64_t>(migrations.size())) {
          return Fail(ErrorCode::kFailedPrecondition,
                      fmt::format("database schema version {} is newer than this sparkplane ({}); "
                                  "upgrade sparkplane",
                                  version, migrations.size()));
        }
        for (size_t i = static_cast<size_t>(version); i < migrations.size(); ++i) {
          SPARKPLANE_TRY(s.ExecScript(migrations[i]));
          SPARKPLANE_TRY(s.Exec("INSERT INTO schema_version VALUES ($1)",
                                Params().Add(static_cast<int64_t>(i + 1))));
        }
        return Ok();
      });
    });
  }

  Result<std::vector<ClusterRecord>> ListClusters() override {
    return Run([&](Session& s) -> Result<std::vector<ClusterRecord>> {
      auto result = s.Exec(
          "SELECT id, state, region, created_at, updated_at FROM clusters ORDER BY created_at, id");
      SPARKPLANE_TRY(result);
      return Rows(*result, ReadCluster);
    });
  }

  Result<ClusterRecord> GetCluster(const std::string& id) override {
    return One("SELECT id, state, region, created_at, updated_at FROM clusters WHERE id = $1",
               Params().Add(id), ReadCluster, fmt::format("cluster '{}' not found", id));
  }

  Status InsertCluster(const ClusterRecord& c) override {
    return Run([&](Session& s) -> Status {
      return Done(s.Exec(
          "INSERT INTO clusters (id, state, region, created_at, updated_at) VALUES "
          "($1,$2,$3,$4,$5)",
          Params().Add(c.id).Add(c.state).Add(c.region).Add(c.created_at).Add(c.updated_at)));
    });
  }

  Status InsertToken(const std::string& digest, const std::string& name, int64_t now) override {
    return Run([&](Session& s) -> Status {
      return Done(s.Exec("INSERT INTO tokens (digest, name, created_at) VALUES ($1,$2,$3)",
                         Params().Add(digest).Add(name).Add(now)));
    });
  }

  Result<bool> TokenExists(const std::string& digest) override {
    return Run([&](Session& s) -> Result<bool> {
      auto result = s.Exec("SELECT 1 FROM tokens WHERE digest = $1", Params().Add(digest));
      SPARKPLANE_TRY(result);
      return PQntuples(result->get()) > 0;
    });
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    return List(SqlQuery{fmt::format("SELECT {} FROM tokens ORDER BY created_at, digest", kTokenColumns), {}},
                ReadToken<Row>);
  }

  Status DeleteToken(const std::string& digest) override {
    return Run([&](Session& s) -> Status {
      auto changed = s.Affected("DELETE FROM tokens WHERE digest = $1", Params().Add(digest));
      SPARKPLANE_TRY(changed);
      if (*changed == 0) return Fail(ErrorCode::kNotFound, "no such token");
      return Ok();
    });
  }

  // One statement (atomic on its own, one round trip): the app, its job's upsert and the
  // first state event.
  Status InsertApp(const AppRecord& a) override {
    auto done = Run([&](Session& s) -> Status {
      Params app;
      app.Add(a.id).Add(a.internal_id).Add(a.cluster_id).Add(a.job_id).Add(a.display_name);
      app.Add(a.user_id).Add(a.submission_source).Add(a.app_type).Add(AppStateName(a.state));
      app.Add(a.created_at)
          .Add(a.updated_at)
          .Add(a.started_at)
          .Add(a.ended_at)
          .Add(a.kill_requested_at);
      app.Add(a.config_template_id)
          .Add(a.request_json)
          .Add(a.config_json)
          .Add(a.config_sources_json);
      app.Add(a.error_message);
      app.Add(a.exit_code ? std::optional<int64_t>(*a.exit_code) : std::nullopt);
      app.Add(a.pid).Add(a.pid_start_ticks).Add(a.app_dir).Add(a.issues_json).Add(a.metrics_json);
      app.Add(a.cores);
      // $1 id, $3 cluster, $4 job, $9 state, $10 created_at.
      return Done(s.Exec(
          fmt::format(
              "WITH app AS (INSERT INTO apps ({}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,"
              "$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26) RETURNING id), "
              "job AS (INSERT INTO jobs (cluster_id, id, display_name, created_at, updated_at, "
              "last_app_id) VALUES ($3, $4, $4, $10, $10, $1) ON CONFLICT (cluster_id, id) DO "
              "UPDATE SET updated_at = excluded.updated_at, last_app_id = excluded.last_app_id) "
              "INSERT INTO app_events (app_id, at, from_state, to_state, reason) "
              "SELECT id, $10, '', $9, 'submitted' FROM app",
              kAppColumns),
          app));
    });
    if (!done && done.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  fmt::format("an app with id '{}' already exists", a.id), {"appId"});
    }
    return done;
  }

  Result<AppRecord> GetApp(const std::string& id) override {
    return One(fmt::format("SELECT {} FROM apps WHERE id = $1", kAppColumns), Params().Add(id),
               ReadApp<Row>, fmt::format("app '{}' not found", id));
  }

  Result<std::vector<AppRecord>> ListApps(const AppQuery& q) override {
    return List(ListAppsSql(q, kAppColumns, Dialect::kPostgres, false), ReadApp<Row>);
  }

  Result<int64_t> CountApps(const AppQuery& q) override {
    return Count(ListAppsSql(q, "", Dialect::kPostgres, true));
  }

  Result<bool> TransitionApp(const std::string& id, const AppTransition& t) override {
    return Run([&](Session& s) -> Result<bool> {
      return s.Transaction([&]() -> Result<bool> {
        // FOR UPDATE makes the check and the update one compare-and-set against concurrent writers.
        auto current = s.Exec("SELECT state FROM apps WHERE id = $1 FOR UPDATE", Params().Add(id));
        SPARKPLANE_TRY(current);
        if (PQntuples(current->get()) == 0) {
          return Fail(ErrorCode::kNotFound, fmt::format("app '{}' not found", id));
        }
        auto from = ParseAppState(Row(current->get(), 0).Text(0)).value_or(AppState::kFailed);
        if (IsTerminal(from) || (t.from && *t.from != from)) return false;
        Params p;
        p.Add(id)
            .Add(AppStateName(t.to))
            .Add(t.at)
            .Add(t.started_at)
            .Add(t.ended_at)
            .Add(t.kill_requested_at);
        p.Add(t.error_message)
            .Add(t.exit_code ? std::optional<int64_t>(*t.exit_code) : std::nullopt);
        p.Add(t.pid).Add(t.pid_start_ticks).Add(t.issues_json).Add(t.metrics_json).Add(t.cores);
        SPARKPLANE_TRY(s.Exec(
            "UPDATE apps SET state = $2, updated_at = $3, "
            "started_at = COALESCE($4, started_at), ended_at = COALESCE($5, ended_at), "
            "kill_requested_at = COALESCE($6, kill_requested_at), "
            "error_message = COALESCE($7, error_message), exit_code = COALESCE($8, exit_code), "
            "pid = COALESCE($9, pid), pid_start_ticks = COALESCE($10, pid_start_ticks), "
            "issues_json = COALESCE($11, issues_json), metrics_json = COALESCE($12, metrics_json), "
            "cores = COALESCE($13, cores) WHERE id = $1",
            p));
        if (from != t.to) {
          SPARKPLANE_TRY(
              AppendEvent(s, id, t.at, AppStateName(from), AppStateName(t.to), t.reason));
        }
        return true;
      });
    });
  }

  Result<JobRecord> GetJob(const std::string& cluster_id, const std::string& id) override {
    return One(fmt::format("SELECT {} FROM jobs WHERE cluster_id = $1 AND id = $2", kJobColumns),
               Params().Add(cluster_id).Add(id), ReadJob<Row>,
               fmt::format("job '{}' not found", id));
  }

  Result<std::vector<JobRecord>> ListJobs(const JobQuery& q) override {
    return List(ListJobsSql(q, kJobColumns, Dialect::kPostgres, false), ReadJob<Row>);
  }

  Result<int64_t> CountJobs(const JobQuery& q) override {
    return Count(ListJobsSql(q, "", Dialect::kPostgres, true));
  }

  Status SetJobConfig(const std::string& cluster_id, const std::string& job_id,
                      const std::string& config_json, int64_t now) override {
    return Run([&](Session& s) -> Status {
      return Done(s.Exec(
          "INSERT INTO jobs (cluster_id, id, display_name, created_at, updated_at, config_json) "
          "VALUES ($1, $2, $2, $3, $3, $4) ON CONFLICT (cluster_id, id) DO UPDATE SET "
          "updated_at = excluded.updated_at, config_json = excluded.config_json",
          Params().Add(cluster_id).Add(job_id).Add(now).Add(config_json)));
    });
  }

  Status InsertTemplate(const TemplateRecord& t) override {
    auto done = Run([&](Session& s) -> Status {
      return Done(
          s.Exec("INSERT INTO config_templates (cluster_id, id, display_name, config_json, "
                 "created_at, updated_at) "
                 "VALUES ($1,$2,$3,$4,$5,$6)",
                 Params()
                     .Add(t.cluster_id)
                     .Add(t.id)
                     .Add(t.display_name)
                     .Add(t.config_json)
                     .Add(t.created_at)
                     .Add(t.updated_at)));
    });
    if (!done && done.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  fmt::format("config template '{}' already exists", t.id), {"id"});
    }
    return done;
  }

  Result<TemplateRecord> GetTemplate(const std::string& cluster_id,
                                     const std::string& id) override {
    return One(fmt::format("SELECT {} FROM config_templates WHERE cluster_id = $1 AND id = $2",
                           kTemplateColumns),
               Params().Add(cluster_id).Add(id), ReadTemplate<Row>,
               fmt::format("config template '{}' not found", id));
  }

  Result<std::vector<TemplateRecord>> ListTemplates(const std::string& cluster_id) override {
    return List(
        SqlQuery{fmt::format("SELECT {} FROM config_templates WHERE ($1 = '' OR cluster_id = $1) "
                             "ORDER BY created_at, id",
                             kTemplateColumns),
                 {cluster_id}},
        ReadTemplate<Row>);
  }

  Status ReplaceTemplate(const TemplateRecord& t) override {
    return Run([&](Session& s) -> Status {
      auto changed = s.Affected(
          "UPDATE config_templates SET display_name = $1, config_json = $2, updated_at = $3 "
          "WHERE cluster_id = $4 AND id = $5",
          Params()
              .Add(t.display_name)
              .Add(t.config_json)
              .Add(t.updated_at)
              .Add(t.cluster_id)
              .Add(t.id));
      SPARKPLANE_TRY(changed);
      if (*changed == 0) {
        return Fail(ErrorCode::kNotFound, fmt::format("config template '{}' not found", t.id));
      }
      return Ok();
    });
  }

  Status DeleteTemplate(const std::string& cluster_id, const std::string& id) override {
    return Run([&](Session& s) -> Status {
      auto changed = s.Affected("DELETE FROM config_templates WHERE cluster_id = $1 AND id = $2",
                                Params().Add(cluster_id).Add(id));
      SPARKPLANE_TRY(changed);
      if (*changed == 0) {
        return Fail(ErrorCode::kNotFound, fmt::format("config template '{}' not found", id));
      }
      return Ok();
    });
  }

  Status InsertSession(const SessionRecord& r) override {
    return Run([&](Session& s) -> Status {
      // One statement: the prune and the insert commit together.
      return Done(s.Exec(fmt::format("WITH pruned AS (DELETE FROM sessions WHERE expires_at < $4) "
                                     "INSERT INTO sessions ({}) VALUES ($1,$2,$3,$4,$5)",
                                     kSessionColumns),
                         Params().Add(r.digest).Add(r.token_digest).Add(r.csrf_token).Add(r.created_at).Add(r.expires_at)));
    });
  }

  Result<SessionRecord> GetSession(const std::string& digest) override {
    return One(fmt::format("SELECT {} FROM sessions WHERE digest = $1", kSessionColumns), Params().Add(digest),
               ReadSession<Row>, "no such session");
  }

  Status DeleteSession(const std::string& digest) override {
    return Run([&](Session& s) -> Status {
      return Done(s.Exec("DELETE FROM sessions WHERE digest = $1", Params().Add(digest)));
    });
  }

  Status UpsertNode(const NodeRecord& node) override {
    return Run([&](Session& s) -> Status {
      auto query = UpsertNodeSql(node, Dialect::kPostgres);
      SPARKPLANE_TRY(s.Exec(query.sql, FromSql(query.params)));
      return Ok();
    });
  }

  Result<std::vector<NodeRecord>> ListNodes(bool live_only) override {
    return List(ListNodesSql(live_only, Dialect::kPostgres), ReadNode<Row>);
  }

  // The lease is a session-level advisory lock on lease_conn_, a connection kept open whether
  // or not it holds the lock (so replicas waiting for the lease do not reconnect on every call).
  // A holder proves on every call, with one round trip, that its session and so the lock are
  // still alive; when they are not, it reports the lease lost and tries again on the next call.
  // A dead holder's session ends when its socket closes (or TCP keepalive gives up), which
  // frees the lock for another replica.
  Result<bool> HoldsSchedulerLease() override {
    std::lock_guard lock(lease_mutex_);
    if (lease_conn_ && lease_held_) {
      if (Session(lease_conn_.get()).Exec("SELECT 1")) return true;
      lease_conn_.reset();
      lease_held_ = false;
      return false;
    }
    // Not holding: nothing to lose, so a stale connection is replaced and the attempt repeated.
    for (int attempt = 0;; ++attempt) {
      if (!lease_conn_) {
        auto conn = Connect(url_);
        SPARKPLANE_TRY(conn);
        lease_conn_ = std::move(*conn);
      }
      Session s(lease_conn_.get());
      auto result = s.Exec(kSchedulerLeaseSql);
      if (result) {
        lease_held_ = Row(result->get(), 0).Text(0) == "t";
        return lease_held_;
      }
      if (!s.Broken()) return tl::unexpected(result.error());
      lease_conn_.reset();
      if (attempt > 0) return tl::unexpected(result.error());
    }
  }

 private:
  // Runs `fn` on a pooled connection. When the connection turns out to be broken before any
  // statement succeeded (typically one the server closed while it sat idle in the pool), runs
  // `fn` once more on a fresh connection: nothing of the first attempt can have been applied.
  template <class Fn>
  auto Run(Fn&& fn) -> decltype(fn(std::declval<Session&>())) {
    for (int attempt = 0;; ++attempt) {
      auto conn = pool_.Acquire();
      SPARKPLANE_TRY(conn);
      Session session(conn->get());
      auto result = fn(session);
      if (result || attempt > 0 || !session.Broken() || session.SucceededAny()) return result;
    }
  }

  static Status Done(const Result<PgResult>& result) {
    if (!result) return tl::unexpected(result.error());
    return Ok();
  }

  // The first row of `sql`, or kNotFound with `not_found`.
  template <class ReadFn>
  auto One(std::string_view sql, const Params& params, ReadFn read, std::string not_found)
      -> Result<decltype(read(std::declval<Row>()))> {
    return Run([&](Session& s) -> Result<decltype(read(std::declval<Row>()))> {
      auto result = s.Exec(sql, params);
      SPARKPLANE_TRY(result);
      if (PQntuples(result->get()) == 0) return Fail(ErrorCode::kNotFound, std::move(not_found));
      return read(Row(result->get(), 0));
    });
  }

  template <class ReadFn>
  auto List(const SqlQuery& query, ReadFn read)
      -> Result<std::vector<decltype(read(std::declval<Row>()))>> {
    return Run([&](Session& s) -> Result<std::vector<decltype(read(std::declval<Row>()))>> {
      auto result = s.Exec(query.sql, FromSql(query.params));
      SPARKPLANE_TRY(result);
      auto out = Rows(*result, read);
      if (query.reversed) std::reverse(out.begin(), out.end());
      return out;
    });
  }

  Result<int64_t> Count(const SqlQuery& query) {
    return Run([&](Session& s) -> Result<int64_t> {
      auto result = s.Exec(query.sql, FromSql(query.params));
      SPARKPLANE_TRY(result);
      return Row(result->get(), 0).Int(0);
    });
  }

  static Status AppendEvent(Session& s, std::string_view app_id, int64_t at, std::string_view from,
                            std::string_view to, std::string_view reason) {
    return Done(s.Exec(
        "INSERT INTO app_events (app_id, at, from_state, to_state, reason) VALUES ($1,$2,$3,$4,$5)",
        Params().Add(app_id).Add(at).Add(from).Add(to).Add(reason)));
  }

  std::string url_;
  Pool pool_;
  std::mutex lease_mutex_;
  Conn lease_conn_;
  bool lease_held_ = false;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (!options) {
    std::string message = parse_error ? parse_error : "out of memory";
    PQfreemem(parse_error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid PostgreSQL URL: {}", message));
  }
  PQconninfoFree(options);
  auto store = std::make_unique<PgStore>(url);
  if (auto st = store->Migrate(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sparkplane::store
