#include "control/cluster_stats.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sparkplane::control {
namespace {
using store::AppRecord;
using store::AppState;

AppRecord App(AppState state, int64_t created, int64_t started, int64_t ended, int cores = 2) {
  AppRecord a;
  a.state = state;
  a.created_at = created;
  a.started_at = started;
  a.ended_at = ended;
  a.metrics_json = "{\"allocatedCores\":" + std::to_string(cores) + "}";
  return a;
}

constexpr int64_t kMin = 60 * 1000;

TEST(ClusterStatsTest, TrendBucketsByEndState) {
  std::vector<AppRecord> apps = {App(AppState::kCompleted, 0, 1, 2 * kMin), App(AppState::kFailed, 0, 1, 7 * kMin),
                                 App(AppState::kKilled, 0, 1, 8 * kMin), App(AppState::kTimedOut, 0, 1, 9 * kMin),
                                 App(AppState::kRunning, 0, 1, 0)};
  auto trend = CompletionTrend(apps, 0, 10 * kMin);
  ASSERT_EQ(trend.size(), 2u);  // 5-minute buckets
  EXPECT_EQ(trend[0].at("completed"), 1);
  EXPECT_EQ(trend[0].at("failed"), 0);
  EXPECT_EQ(trend[1].at("failed"), 1);
  EXPECT_EQ(trend[1].at("killed"), 1);
  EXPECT_EQ(trend[1].at("timedOut"), 1);
  EXPECT_EQ(trend[0].at("start"), "1970-01-01T00:00:00.000Z");
}

TEST(ClusterStatsTest, LoadCountsPendingAndRunning) {
  std::vector<AppRecord> apps = {App(AppState::kCompleted, 0, 6 * kMin, 12 * kMin),
                                 App(AppState::kPending, 4 * kMin, 0, 0)};
  auto load = LoadHistory(apps, 0, 10 * kMin);
  ASSERT_EQ(load.size(), 3u);  // t = 0, 5, 10 min
  EXPECT_EQ(load[0].at("pending"), 1);
  EXPECT_EQ(load[0].at("running"), 0);
  EXPECT_EQ(load[1].at("pending"), 2);
  EXPECT_EQ(load[2].at("running"), 1);
  EXPECT_EQ(load[2].at("pending"), 1);
}

TEST(ClusterStatsTest, CoreHoursClipToThePeriod) {
  int64_t hour = 60 * kMin;
  std::vector<AppRecord> apps = {App(AppState::kCompleted, 0, 1, 2 * hour, 4), App(AppState::kRunning, 0, hour, 0, 2),
                                 App(AppState::kPending, 0, 0, 0, 8)};
  EXPECT_DOUBLE_EQ(CoreHours(apps, hour, 3 * hour, 3 * hour), 4.0 + 4.0);
  EXPECT_EQ(BucketMillis(0, 3 * 86400 * 1000LL), 86400 * 1000LL);
}

}  // namespace
}  // namespace sparkplane::control
