#include "control/cluster_stats.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "common/util.hpp"

namespace sparkplane::control {
namespace json = boost::json;
using store::AppState;

namespace {

int64_t AllocatedCores(const store::AppRecord& app) {
  json::error_code ec;
  auto metrics = json::parse(app.metrics_json, ec);
  if (ec || !metrics.is_object()) return 0;
  auto* cores = metrics.as_object().if_contains("allocatedCores");
  return cores && cores->is_int64() ? cores->get_int64() : 0;
}

}  // namespace

int64_t BucketMillis(int64_t since, int64_t now) {
  int64_t span = std::max<int64_t>(0, now - since);
  if (span <= 2 * 3600 * 1000LL) return 5 * 60 * 1000LL;
  if (span <= 2 * 86400 * 1000LL) return 3600 * 1000LL;
  return 86400 * 1000LL;
}

json::array CompletionTrend(const std::vector<store::AppRecord>& apps, int64_t since, int64_t now) {
  int64_t width = BucketMillis(since, now);
  json::array buckets;
  for (int64_t start = since; start < now; start += width) {
    int64_t end = std::min(start + width, now);
    int64_t completed = 0, failed = 0, killed = 0, timed_out = 0;
    for (const auto& app : apps) {
      if (!store::IsTerminal(app.state) || app.ended_at < start || app.ended_at >= end) continue;
      switch (app.state) {
        case AppState::kCompleted:
        case AppState::kCompletedWithWarnings: ++completed; break;
        case AppState::kFailed: ++failed; break;
        case AppState::kKilled: ++killed; break;
        case AppState::kTimedOut: ++timed_out; break;
        default: break;
      }
    }
    buckets.push_back({{"start", FormatIsoMillis(start)}, {"end", FormatIsoMillis(end)}, {"completed", completed},
                       {"failed", failed}, {"killed", killed}, {"timedOut", timed_out}});
  }
  return buckets;
}

json::array LoadHistory(const std::vector<store::AppRecord>& apps, int64_t since, int64_t now) {
  int64_t width = BucketMillis(since, now);
  json::array points;
  for (int64_t t = since; t <= now; t += width) {
    int64_t pending = 0, running = 0;
    for (const auto& app : apps) {
      int64_t end = app.ended_at > 0 ? app.ended_at : INT64_MAX;
      if (app.created_at > t || end <= t) continue;
      if (app.started_at > 0 && app.started_at <= t) {
        ++running;
      } else {
        ++pending;
      }
    }
    points.push_back({{"time", FormatIsoMillis(t)}, {"pending", pending}, {"running", running}});
  }
  return points;
}

double CoreHours(const std::vector<store::AppRecord>& apps, int64_t from, int64_t to, int64_t now) {
  double millis = 0;
  for (const auto& app : apps) {
    if (app.started_at <= 0) continue;
    int64_t end = app.ended_at > 0 ? app.ended_at : now;
    int64_t overlap = std::min(end, to) - std::max(app.started_at, from);
    if (overlap > 0) millis += static_cast<double>(overlap) * static_cast<double>(AllocatedCores(app));
  }
  return millis / 3600000.0;
}

}  // namespace sparkplane::control
