// Cluster views computed from app records: completion trend, load history, core hours.
#pragma once

#include <cstdint>
#include <vector>

#include <boost/json/array.hpp>

#include "store/records.hpp"

namespace sparkplane::control {

// Bucket width for a window: 5 min up to 2 h, 1 h up to 2 days, else 1 day.
int64_t BucketMillis(int64_t since, int64_t now);

// [{start, end, completed, failed, killed, timedOut}] by end time, from `since` to `now`.
boost::json::array CompletionTrend(const std::vector<store::AppRecord>& apps, int64_t since, int64_t now);
// [{time, pending, running}] sampled at each bucket start from `since` to `now`.
boost::json::array LoadHistory(const std::vector<store::AppRecord>& apps, int64_t since, int64_t now);
// Σ allocated cores × running time inside [from, to), in hours.
double CoreHours(const std::vector<store::AppRecord>& apps, int64_t from, int64_t to, int64_t now);

}  // namespace sparkplane::control
