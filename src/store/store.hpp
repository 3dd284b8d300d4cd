// The one persistence interface. Implementations: SqliteStore (embedded default).
// All methods are thread-safe; every multi-row write is one transaction.
#pragma once

#include <chrono>

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/records.hpp"

namespace sparkplane::store {

// Filters are ANDed; empty / zero / nullopt means "any". Times are epoch millis, inclusive.
struct AppQuery {
  std::string cluster_id;
  std::vector<AppState> states;
  std::string job_id;
  std::string app_type;
  std::string submission_source;
  std::string search_term;  // substring of app id, display name or job id
  std::optional<int64_t> user_id;
  int64_t min_created_at = 0, max_created_at = 0;
  int64_t min_updated_at = 0, max_updated_at = 0;
  AppOrderBy order_by = AppOrderBy::kCreatedAt;
  bool descending = false;
  // Keyset pagination in the chosen order: items strictly after `after`, or the `limit` items
  // immediately before `before` (still returned in the chosen order).
  std::optional<Cursor> after;
  std::optional<Cursor> before;
  int limit = 1000;
};

struct JobQuery {
  std::string cluster_id;   // empty = all clusters
  std::string search_term;  // substring of the job id
  bool descending = true;   // by created_at, then id
  std::optional<Cursor> after;
  std::optional<Cursor> before;
  int limit = 1000;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::vector<ClusterRecord>> ListClusters() = 0;
  virtual Result<ClusterRecord> GetCluster(const std::string& id) = 0;
  virtual Status InsertCluster(const ClusterRecord& cluster) = 0;

  // Tokens are stored as SHA-256 hex digests, never in clear.
  virtual Status InsertToken(const std::string& digest, const std::string& name, int64_t now) = 0;
  virtual Result<bool> TokenExists(const std::string& digest) = 0;
  // Oldest first.
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // kNotFound if no token has this digest.
  virtual Status DeleteToken(const std::string& digest) = 0;

  // Inserts the app and creates or touches its job in one transaction; kAlreadyExists on a
  // duplicate app id.
  virtual Status InsertApp(const AppRecord& app) = 0;
  virtual Result<AppRecord> GetApp(const std::string& id) = 0;
  // Oldest first.
  virtual Result<std::vector<AppRecord>> ListApps(const AppQuery& query) = 0;
  // Applies the transition only if the app is not yet terminal (and, when transition.from is set,
  // only if it is in that state). Returns whether it applied.
  virtual Result<bool> TransitionApp(const std::string& id, const AppTransition& transition) = 0;
  // Total number of apps matching the filters of `query` (cursors and limit ignored).
  virtual Result<int64_t> CountApps(const AppQuery& query) = 0;
  // The sort key of `app` under `order_by` (what a Cursor holds).
  static int64_t SortKey(const AppRecord& app, AppOrderBy order_by);

  virtual Result<JobRecord> GetJob(const std::string& cluster_id, const std::string& id) = 0;
  virtual Result<std::vector<JobRecord>> ListJobs(const JobQuery& query) = 0;
  virtual Result<int64_t> CountJobs(const JobQuery& query) = 0;
  // Sets (config_json non-empty) or removes (empty) a job's config, creating the job if needed.
  virtual Status SetJobConfig(const std::string& cluster_id, const std::string& job_id,
                              const std::string& config_json, int64_t now) = 0;

  // Config templates; kAlreadyExists / kNotFound as usual. cluster_id empty lists all clusters.
  virtual Status InsertTemplate(const TemplateRecord& record) = 0;
  virtual Result<TemplateRecord> GetTemplate(const std::string& cluster_id, const std::string& id) = 0;
  virtual Result<std::vector<TemplateRecord>> ListTemplates(const std::string& cluster_id) = 0;
  virtual Status ReplaceTemplate(const TemplateRecord& record) = 0;  // kNotFound if absent
  virtual Status DeleteTemplate(const std::string& cluster_id, const std::string& id) = 0;

  // Console sessions. InsertSession also deletes sessions that expired before `record.created_at`;
  // GetSession is kNotFound for an unknown digest (expiry is the caller's check).
  virtual Status InsertSession(const SessionRecord& record) = 0;
  virtual Result<SessionRecord> GetSession(const std::string& digest) = 0;
  virtual Status DeleteSession(const std::string& digest) = 0;  // absent is fine

  // Fleet nodes: insert or replace the whole row; list oldest first (live_only: not ended).
  virtual Status UpsertNode(const NodeRecord& node) = 0;
  virtual Result<std::vector<NodeRecord>> ListNodes(bool live_only) = 0;

  // Whether this process may run the launch/scheduling loop. Several replicas may share one
  // database; exactly one holds the lease at a time, and it passes on when the holder dies.
  virtual Result<bool> HoldsSchedulerLease() = 0;
};

struct SqliteOptions {
  // How often a background thread copies the WAL into the database file (commits never do).
  std::chrono::milliseconds checkpoint_interval{250};
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode and migrates it.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options = {});
// Connects to PostgreSQL at `url` (postgresql://user@host:port/db?... or key=value) and migrates.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);
// The store a server is configured with: `url` postgresql:// (or postgres://), or, when empty,
// SQLite at `sqlite_path`. kInvalidArgument for another scheme.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& sqlite_path);

}  // namespace sparkplane::store
