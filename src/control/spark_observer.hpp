// Follows the event logs of the apps sparkplane runs: registers them with the History Server
// catalogue and turns the live model into the app's metrics.spark and cores. Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.hpp"
#include "eventlog/catalog.hpp"
#include "eventlog/live.hpp"
#include "store/store.hpp"

namespace sparkplane::control {

class SparkObserver {
 public:
  SparkObserver(store::Store& store, std::shared_ptr<eventlog::Catalog> catalog, Clock& clock)
      : store_(store), catalog_(std::move(catalog)), clock_(clock) {}

  // Starts following the app (its log may not exist yet).
  void Watch(const store::AppRecord& app);
  // Reads what the logs gained and stores each watched app's metrics. Cheap: only new bytes.
  void PollAll();
  // A last read for an app that ended; returns its metrics JSON (the stored metrics_json merged
  // with what the log says) and stops following it.
  std::string Finish(const store::AppRecord& app);

 private:
  struct Watched {
    std::filesystem::path eventlog_dir;
    std::unique_ptr<eventlog::LiveApp> live;  // once the log exists
  };
  // Polls one app; returns the merged metrics JSON and the live cores, or nothing if no log yet.
  std::optional<std::pair<std::string, int64_t>> PollOne(const std::string& app_id, Watched& w,
                                                         const std::string& metrics_json);

  store::Store& store_;
  std::shared_ptr<eventlog::Catalog> catalog_;
  Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Watched> watched_;
};

}  // namespace sparkplane::control
