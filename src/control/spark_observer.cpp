#include "control/spark_observer.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "common/util.hpp"

namespace sparkplane::control {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

// Spark writes one entry per app into the folder: a file, or an eventlog_v2_* folder when rolling.
std::optional<fs::path> FindEventLog(const fs::path& dir) {
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(dir, ec)) return entry.path();
  return std::nullopt;
}

}  // namespace

void SparkObserver::Watch(const store::AppRecord& app) {
  std::lock_guard lock(mutex_);
  watched_[app.id] = Watched{fs::path(app.app_dir) / "eventlog", nullptr};
}

std::optional<std::pair<std::string, int64_t>> SparkObserver::PollOne(const std::string& app_id, Watched& w,
                                                                      const std::string& metrics_json) {
  if (!w.live) {
    auto log = FindEventLog(w.eventlog_dir);
    if (!log) return std::nullopt;
    w.live = std::make_unique<eventlog::LiveApp>(*log);
    catalog_->Register(w.live->log());
  }
  auto summary = w.live->Poll(clock_.NowMillis());
  if (!summary) {
    spdlog::warn("event log of app {}: {}", app_id, summary.error().message);
    return std::nullopt;
  }
  json::error_code ec;
  json::value metrics = json::parse(metrics_json, ec);
  if (ec || !metrics.is_object()) metrics = json::object{};
  std::string now = FormatIsoMillis(clock_.NowMillis());
  auto& spark = metrics.as_object()["spark"];
  std::string created = spark.is_object() && spark.as_object().contains("createdAt")
                            ? std::string(spark.at("createdAt").as_string())
                            : now;
  spark = json::object{{"sparkCoresDurationSeconds", summary->spark_cores_duration_seconds},
                       {"inputDataBytes", summary->input_data_bytes},
                       {"outputDataBytes", summary->output_data_bytes},
                       {"efficiencyPercent", summary->efficiency_percent},
                       {"availability", summary->completed ? "COMPLETE" : "PARTIAL"},
                       {"createdAt", created},
                       {"updatedAt", now}};
  if (!summary->app_id.empty()) metrics.as_object()["sparkAppId"] = summary->app_id;
  return std::pair{json::serialize(metrics), static_cast<int64_t>(summary->cores)};
}

void SparkObserver::PollAll() {
  std::lock_guard lock(mutex_);
  for (auto& [app_id, w] : watched_) {
    auto app = store_.GetApp(app_id);
    if (!app || store::IsTerminal(app->state)) continue;
    auto polled = PollOne(app_id, w, app->metrics_json);
    if (!polled) continue;
    auto stored = store_.TransitionApp(app_id, {.to = store::AppState::kRunning, .from = store::AppState::kRunning,
                                                .at = clock_.NowMillis(), .metrics_json = polled->first,
                                                .cores = polled->second});
    // Metrics are cumulative: the next poll writes them again.
    if (!stored) spdlog::warn("cannot store the live metrics of app {}: {}", app_id, stored.error().message);
  }
}

std::string SparkObserver::Finish(const store::AppRecord& app) {
  std::lock_guard lock(mutex_);
  auto it = watched_.find(app.id);
  Watched w = it != watched_.end() ? std::move(it->second) : Watched{fs::path(app.app_dir) / "eventlog", nullptr};
  if (it != watched_.end()) watched_.erase(it);
  auto polled = PollOne(app.id, w, app.metrics_json);
  return polled ? polled->first : app.metrics_json;
}

}  // namespace sparkplane::control
