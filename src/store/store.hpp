// The one persistence interface. Implementations: SqliteStore (embedded default).
// All methods are thread-safe; every multi-row write is one transaction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/records.hpp"

namespace sparkplane::store {

struct AppQuery {
  std::string cluster_id;  // empty = all clusters
  std::vector<AppState> states;  // empty = any
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

  // Inserts the app and creates or touches its job in one transaction; kAlreadyExists on a
  // duplicate app id.
  virtual Status InsertApp(const AppRecord& app) = 0;
  virtual Result<AppRecord> GetApp(const std::string& id) = 0;
  // Oldest first.
  virtual Result<std::vector<AppRecord>> ListApps(const AppQuery& query) = 0;
  // Applies the transition only if the app is not yet terminal (and, when transition.from is set,
  // only if it is in that state). Returns whether it applied.
  virtual Result<bool> TransitionApp(const std::string& id, const AppTransition& transition) = 0;
  virtual Result<JobRecord> GetJob(const std::string& cluster_id, const std::string& id) = 0;
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode and migrates it.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace sparkplane::store
