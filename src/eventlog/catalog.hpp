// A catalogue of applications backed by event logs: every log in some folders plus logs
// registered one by one (apps sparkplane runs). Models are replayed lazily and kept up to date
// incrementally (a growing log is read from where the last replay stopped). Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "eventlog/app_builder.hpp"
#include "eventlog/log_files.hpp"
#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

// One application attempt as listed by /applications.
struct AttemptSummary {
  std::string app_id;
  std::string app_name;
  std::optional<std::string> attempt_id;
  std::string user;
  std::string spark_version;
  int64_t start_time = -1;
  int64_t end_time = -1;
  int64_t last_updated = 0;
  bool completed = false;
  std::filesystem::path log;
};

// One event log and its incrementally maintained model.
class AppLog {
 public:
  explicit AppLog(std::filesystem::path log, BuilderOptions options = {});

  // Reads whatever the log gained since the last call (everything, the first time), then runs
  // `fn` with the model under this log's lock. `fn` must not keep references past its return.
  Status With(const std::function<void(const AppModel&, const LogLayout&)>& fn);
  // Listing fields, from a cheap pass that parses only start/end/version lines (cached until
  // the log changes), or from the full model if it is loaded.
  Result<AttemptSummary> Summary();
  const std::filesystem::path& path() const { return path_; }
  // Uncompressed bytes replayed so far.
  uint64_t decoded_bytes();
  // Reader statistics (codec errors, truncated tail) of the replay so far.
  ReadStats read_stats();

 private:
  Status CatchUpLocked();

  std::filesystem::path path_;
  BuilderOptions options_;
  std::mutex mu_;
  std::unique_ptr<LogReader> reader_;
  std::unique_ptr<AppBuilder> builder_;
  bool complete_ = false;
  std::optional<AttemptSummary> summary_;
  uint64_t summary_bytes_ = 0;
  int64_t summary_mtime_ = -1;
};

class Catalog {
 public:
  // Logs are replayed with a second parsing thread when the machine has two cores.
  Catalog();
  // Logs are replayed with these options (tests compare sequential and parallel replays).
  explicit Catalog(BuilderOptions options) : options_(options) {}

  // Every event log directly under `dir` (rescanned on each listing).
  void AddDirectory(std::filesystem::path dir);
  // One log, e.g. the log of an app sparkplane runs; it may not exist yet.
  void Register(const std::filesystem::path& log);
  // Same, sharing an existing AppLog (e.g. LiveApp::log()) so the log is replayed once.
  void Register(std::shared_ptr<AppLog> log);

  // All attempts with a readable ApplicationStart, grouped by nothing (the API groups them).
  std::vector<AttemptSummary> List();
  // The attempt's log; attempt empty = the newest attempt. Null if unknown.
  std::shared_ptr<AppLog> Find(std::string_view app_id, std::optional<std::string_view> attempt);
  // The log whose file name is the one Spark gives this app/attempt, without a listing pass.
  // A hint only: callers must check the app id inside (files can be renamed). Null if none.
  std::shared_ptr<AppLog> FindByName(std::string_view app_id,
                                     std::optional<std::string_view> attempt);

 private:
  void RescanLocked();
  std::shared_ptr<AppLog> GetLocked(const std::filesystem::path& log);

  BuilderOptions options_;
  std::mutex mu_;
  std::vector<std::filesystem::path> dirs_;
  std::map<std::filesystem::path, std::shared_ptr<AppLog>> registered_;
  std::map<std::filesystem::path, std::shared_ptr<AppLog>> logs_;
};

}  // namespace sparkplane::eventlog
