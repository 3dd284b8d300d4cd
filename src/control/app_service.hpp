// Applications: submission (validation, config merge, persistence), the launch queue, kills and
// state changes. Thread-safe. Owns the driver processes it starts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/value.hpp>

#include "common/clock.hpp"
#include "common/redaction.hpp"
#include "common/result.hpp"
#include "control/spark_conf_check.hpp"
#include "control/spark_observer.hpp"
#include "control/submission.hpp"
#include "eventlog/catalog.hpp"
#include "runtime/process.hpp"
#include "store/store.hpp"

namespace sparkplane::control {

struct AppServiceOptions {
  std::filesystem::path data_dir;     // apps live in data_dir/apps/<appId>/
  std::filesystem::path spark_home;   // pyspark's folder: bin/spark-submit
  std::string python;                 // interpreter for PySpark drivers and workers
  int max_concurrent_apps = 2;        // RUNNING at once; the rest wait as PENDING
  int max_local_cores = 1;            // cap for local[N]
  std::chrono::milliseconds kill_grace{10000};  // SIGTERM → SIGKILL
  // The sparkplane binary, whose `driver-wrapper` records each driver's exit status so a
  // restarted server can re-adopt running drivers. Empty: drivers run unwrapped.
  std::string launcher;
  Clock* clock = &SystemClock();  // creation ages, timeouts and state times; not owned
  // Finds the config values kept out of launch errors and log lines (serve --redaction-regex).
  Redactor redactor = Redactor::Default();
};

class AppService {
 public:
  AppService(store::Store& store, AppServiceOptions options);

  // The event logs of every app this service ran, for the History Server API.
  std::shared_ptr<eventlog::Catalog> catalog() const { return catalog_; }
  ~AppService();  // Shutdown()

  // Starts the launch loop. Apps left RUNNING by a previous server are failed (and their
  // drivers stopped); PENDING ones are launched in order.
  void Start();
  // Stops launching, stops every running driver (they become FAILED with the reason) and waits.
  void Shutdown();
  // While paused, submissions are accepted but nothing is launched (benchmarks, maintenance).
  void SetLaunchingPaused(bool paused);
  // Passes the launch loop has completed (each one enforces timeouts and launches what fits);
  // lets a caller wait for "the loop has looked at this" instead of for a while.
  uint64_t launch_passes() const { return launch_passes_.load(); }

  // `body` is the POST /cluster/{c}/app JSON. Returns the stored PENDING app.
  Result<store::AppRecord> Submit(const std::string& cluster_id, const boost::json::value& body);
  Result<store::AppRecord> Get(const std::string& cluster_id, const std::string& app_id);
  // The query's cluster (if any) must exist.
  Result<std::vector<store::AppRecord>> List(const store::AppQuery& query);
  Result<int64_t> Count(const store::AppQuery& query);
  // PENDING → KILLED at once; RUNNING → SIGTERM (SIGKILL after the grace period), waiting a
  // little for the driver to go. Terminal apps are returned unchanged.
  Result<store::AppRecord> Kill(const std::string& cluster_id, const std::string& app_id);

  // The driver log file of an app (may not exist yet).
  Result<std::filesystem::path> DriverLogPath(const std::string& cluster_id, const std::string& app_id);

 private:
  void LaunchLoop();
  void Launch(const store::AppRecord& app);
  void OnDriverExit(const std::string& app_id, int exit_code);
  void RecoverInterruptedApps();
  void EnforceTimeouts();
  void ForwardKillRequests();
  // Registers a running driver (launched or adopted) for kills and timeouts.
  void Track(const store::AppRecord& app, pid_t pid);

  store::Store& store_;
  AppServiceOptions options_;
  std::vector<std::string> spark_versions_;        // of options_.spark_home
  std::optional<SparkConfigKeys> config_keys_;     // its configuration keys, when listed
  std::shared_ptr<eventlog::Catalog> catalog_;
  SparkObserver observer_;
  runtime::ProcessSupervisor supervisor_;
  std::mutex mutex_;
  std::condition_variable wake_;            // launch loop
  std::condition_variable app_ended_;       // Kill() waiters
  std::map<std::string, pid_t> running_;    // app id → driver pid
  std::map<std::string, int64_t> deadlines_;  // app id → epoch millis of its timeout
  bool stopping_ = false;
  bool paused_ = false;
  std::atomic<uint64_t> launch_passes_{0};
  std::thread loop_;
};

// The error lines worth showing from a failed driver's log (a Python traceback, a JVM exception).
std::string ExtractErrorLines(const std::string& log_tail);

}  // namespace sparkplane::control
