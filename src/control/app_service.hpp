// Applications: submission (validation, config merge, persistence), admission through the
// runtime, kills and state changes. Thread-safe. Drivers run through the Runtime seam only.
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
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
#include "runtime/runtime.hpp"
#include "store/store.hpp"

namespace sparkplane::control {

struct AppServiceOptions {
  std::filesystem::path data_dir;     // apps live in data_dir/apps/<appId>/
  std::filesystem::path spark_home;   // pyspark's folder: bin/spark-submit (submission checks)
  int max_local_cores = 1;            // cap for local[N] in the submission's argv preview
  std::chrono::milliseconds kill_grace{10000};  // SIGTERM → SIGKILL
  Clock* clock = &SystemClock();  // creation ages, timeouts and state times; not owned
  // Finds the config values kept out of launch errors and log lines (serve --redaction-regex).
  Redactor redactor = Redactor::Default();
};

class AppService {
 public:
  // `runtime` runs the drivers; its Start() is called when this replica takes the lease.
  AppService(store::Store& store, AppServiceOptions options,
             std::unique_ptr<runtime::Runtime> runtime);

  // The event logs of every app this service ran, for the History Server API.
  std::shared_ptr<eventlog::Catalog> catalog() const { return catalog_; }
  ~AppService();  // Shutdown()

  // Starts the launch loop. Apps left RUNNING by a previous server are re-adopted (or given
  // the end their exit file records); PENDING ones start in order as the runtime admits them.
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
  void Launch(const store::AppRecord& app, const runtime::Admission& admission);
  void AdmitPending();
  // Records the failed launch; `secrets` (the config's secret values) are scrubbed from `why`.
  void FailLaunch(const store::AppRecord& app, const std::string& why,
                  const std::vector<std::string>& secrets = {});
  void OnDriverExit(const std::string& app_id, int exit_code);
  void RecoverInterruptedApps();
  void EnforceTimeouts();
  void ForwardKillRequests();
  // Registers a running driver (launched or adopted) for kills and timeouts.
  void Track(const store::AppRecord& app, const runtime::DriverHandle& handle);

  store::Store& store_;
  AppServiceOptions options_;
  std::vector<std::string> spark_versions_;        // of options_.spark_home
  std::optional<SparkConfigKeys> config_keys_;     // its configuration keys, when listed
  std::shared_ptr<eventlog::Catalog> catalog_;
  SparkObserver observer_;
  std::unique_ptr<runtime::Runtime> runtime_;
  bool runtime_started_ = false;  // launch-loop thread only
  std::mutex mutex_;
  std::condition_variable wake_;            // launch loop
  std::condition_variable app_ended_;       // Kill() waiters
  std::map<std::string, runtime::DriverHandle> running_;  // app id → driver
  std::map<std::string, int64_t> deadlines_;  // app id → epoch millis of its timeout
  bool stopping_ = false;
  bool paused_ = false;
  std::atomic<uint64_t> launch_passes_{0};
  std::thread loop_;
};

// The error lines worth showing from a failed driver's log (a Python traceback, a JVM exception).
std::string ExtractErrorLines(const std::string& log_tail);

}  // namespace sparkplane::control
