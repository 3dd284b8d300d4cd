// Workload traces for the simulator: CSV with app_id,role,cores,memory_mib,request_s,duration_s.
// An executor becomes pending at max(request_s, its driver's start) and runs duration_s once
// placed; an app without a driver row has its executors pending at request_s.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "fleet/model.hpp"

namespace sparkplane::fleet {

struct TracePod {
  std::string app_id;
  Role role = Role::kExecutor;
  Resources request;
  double request_s = 0;
  double duration_s = 0;
};

struct Trace {
  std::vector<TracePod> pods;
};

// app_id → its driver's request time (executors are requested no earlier than that).
std::unordered_map<std::string, double> DriverRequestTimes(const Trace& trace);

// All-or-nothing: the first malformed row fails the parse with "file:line: reason".
Result<Trace> ParseTrace(std::string_view text, std::string_view file_name);
Result<Trace> LoadTrace(const std::filesystem::path& path);
std::string FormatTrace(const Trace& trace);

// Synthetic Spark workload (documented in docs/fleet.md):
//  steady  : Poisson arrivals of batch apps over the horizon;
//  bursty  : Airflow-style — most apps submitted in bursts at the top of each hour;
//  mixed   : steady + bursty + a few large, long apps, JVM and Python.
struct GenTraceOptions {
  uint64_t seed = 1;
  std::string mix = "mixed";
  double horizon_s = 6 * 3600;
  int apps = 200;
};
Result<Trace> GenerateTrace(const GenTraceOptions& options);

// Converts an Alibaba openb pod list (cluster-trace-gpu-v2023) into a trace: each pod becomes
// one driver-less executor app; CPU-only pods unless include_gpu (GPU requests are dropped).
// Times are (creation_time − window_start) × time_scale; pods outside the window are skipped;
// duration = deletion − scheduled (or creation when never scheduled).
struct OpenbOptions {
  bool include_gpu = false;
  double window_start_s = 0;
  double window_end_s = 1e18;
  double time_scale = 1.0;
  int64_t max_pods = -1;
};
Result<Trace> ConvertOpenb(std::string_view text, std::string_view file_name,
                           const OpenbOptions& options);

}  // namespace sparkplane::fleet
