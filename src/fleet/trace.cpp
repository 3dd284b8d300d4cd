#include "fleet/trace.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/util.hpp"
#include "fleet/csv.hpp"
#include "fleet/spark_pods.hpp"

namespace sparkplane::fleet {

std::unordered_map<std::string, double> DriverRequestTimes(const Trace& trace) {
  std::unordered_map<std::string, double> starts;
  for (auto& p : trace.pods) {
    if (p.role == Role::kDriver) starts[p.app_id] = p.request_s;
  }
  return starts;
}

Result<Trace> ParseTrace(std::string_view text, std::string_view file_name) {
  auto table = CsvTable::Parse(text, file_name);
  if (!table) return tl::unexpected(table.error());
  if (auto st = table->Require({"app_id", "role", "cores", "memory_mib", "request_s", "duration_s"});
      !st) {
    return tl::unexpected(st.error());
  }
  int c_app = table->Column("app_id"), c_role = table->Column("role");
  int c_cores = table->Column("cores"), c_mem = table->Column("memory_mib");
  int c_req = table->Column("request_s"), c_dur = table->Column("duration_s");
  Trace trace;
  trace.pods.reserve(table->RowCount());
  for (size_t row = 0; row < table->RowCount(); ++row) {
    TracePod pod;
    pod.app_id = std::string(table->Text(row, c_app));
    if (pod.app_id.empty()) return tl::unexpected(table->RowError(row, "empty app_id"));
    auto role = table->Text(row, c_role);
    if (role == "driver") {
      pod.role = Role::kDriver;
    } else if (role == "executor") {
      pod.role = Role::kExecutor;
    } else {
      return tl::unexpected(
          table->RowError(row, fmt::format("role must be driver or executor, not '{}'", role)));
    }
    auto cores = table->Double(row, c_cores);
    if (!cores) return tl::unexpected(cores.error());
    auto mem = table->Double(row, c_mem);
    if (!mem) return tl::unexpected(mem.error());
    auto req = table->Double(row, c_req);
    if (!req) return tl::unexpected(req.error());
    auto dur = table->Double(row, c_dur);
    if (!dur) return tl::unexpected(dur.error());
    if (*cores <= 0 || *cores > 100000) {
      return tl::unexpected(table->RowError(row, fmt::format("cores out of range: {}", *cores)));
    }
    if (*mem <= 0 || *mem > 1e9) {
      return tl::unexpected(table->RowError(row, fmt::format("memory_mib out of range: {}", *mem)));
    }
    if (*req < 0) return tl::unexpected(table->RowError(row, "request_s must be >= 0"));
    if (*dur <= 0) return tl::unexpected(table->RowError(row, "duration_s must be > 0"));
    pod.request.cpu_milli = static_cast<int64_t>(std::llround(*cores * 1000.0));
    pod.request.memory_mib = static_cast<int64_t>(std::ceil(*mem));
    pod.request_s = *req;
    pod.duration_s = *dur;
    trace.pods.push_back(std::move(pod));
  }
  // An app has at most one driver.
  std::vector<std::string_view> drivers;
  for (auto& p : trace.pods) {
    if (p.role == Role::kDriver) drivers.push_back(p.app_id);
  }
  std::sort(drivers.begin(), drivers.end());
  if (auto dup = std::adjacent_find(drivers.begin(), drivers.end()); dup != drivers.end()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: app '{}' has more than one driver row", file_name, *dup));
  }
  return trace;
}

Result<Trace> LoadTrace(const std::filesystem::path& path) {
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  return ParseTrace(*text, path.string());
}

std::string FormatTrace(const Trace& trace) {
  std::string out = "app_id,role,cores,memory_mib,request_s,duration_s\n";
  for (auto& p : trace.pods) {
    out += fmt::format("{},{},{},{},{:.3f},{:.3f}\n", p.app_id, RoleName(p.role),
                       static_cast<double>(p.request.cpu_milli) / 1000.0, p.request.memory_mib,
                       p.request_s, p.duration_s);
  }
  return out;
}

namespace {

// One synthetic app: an Ocean ApplicationSpec sized by SizeSparkApp, so the trace carries
// exactly the requests Spark would create.
void EmitApp(Rng& rng, const std::string& app_id, double submit_s, double duration_s,
             bool large, Trace& trace) {
  SparkAppSpec spec;
  spec.type = rng.Uniform() < 0.4 ? SparkAppType::kPython : SparkAppType::kJava;
  static constexpr double kCores[] = {1, 2, 4, 4, 8};
  static constexpr double kMemPerCore[] = {2, 4, 4, 7, 8};  // GiB per core before overhead
  double cores = large ? 8 : kCores[rng.UniformInt(0, 4)];
  double gib_per_core = kMemPerCore[rng.UniformInt(0, 4)];
  spec.executor.cores = cores;
  spec.executor.memory = fmt::format("{}g", static_cast<int>(cores * gib_per_core * 0.85));
  spec.executor.instances = large ? rng.UniformInt(40, 120) : rng.UniformInt(2, 30);
  spec.driver.cores = rng.Uniform() < 0.7 ? 1 : 2;
  spec.driver.memory = rng.Uniform() < 0.5 ? "2g" : "4g";
  auto pods = SizeSparkApp(spec);
  SPARKPLANE_CHECK(pods.has_value());
  trace.pods.push_back({app_id, Role::kDriver, pods->driver.request, submit_s, duration_s + 30});
  for (int i = 0; i < pods->executor_instances; ++i) {
    // Executors start when the driver does (request_s = submit) and run a little less than it.
    double d = duration_s * rng.Uniform(0.85, 1.0);
    trace.pods.push_back({app_id, Role::kExecutor, pods->executor.request, submit_s, d});
  }
}

double LogNormalMinutes(Rng& rng, double median_min, double sigma) {
  // Box–Muller from the deterministic stream.
  double u1 = std::max(rng.Uniform(), 1e-12), u2 = rng.Uniform();
  double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  return median_min * std::exp(sigma * z);
}

}  // namespace

Result<Trace> GenerateTrace(const GenTraceOptions& o) {
  if (o.mix != "steady" && o.mix != "bursty" && o.mix != "mixed") {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("unknown mix '{}' (steady, bursty, mixed)", o.mix));
  }
  if (o.apps <= 0 || !(o.horizon_s > 0)) {
    return Fail(ErrorCode::kInvalidArgument, "apps and horizon must be positive");
  }
  Rng rng(Mix64(o.seed ^ HashString(o.mix, 7)));
  Trace trace;
  for (int a = 0; a < o.apps; ++a) {
    bool bursty = o.mix == "bursty" || (o.mix == "mixed" && rng.Uniform() < 0.4);
    double submit;
    if (bursty) {
      double hours = std::max(1.0, std::floor(o.horizon_s / 3600));
      submit = std::floor(rng.Uniform() * hours) * 3600 + rng.Uniform(0, 120);
    } else {
      submit = rng.Uniform() * o.horizon_s;
    }
    bool large = o.mix == "mixed" && rng.Uniform() < 0.05;
    double minutes = std::clamp(LogNormalMinutes(rng, large ? 60 : 20, 0.6), 3.0, 240.0);
    EmitApp(rng, fmt::format("{}-app-{:04d}", o.mix, a), std::round(submit), minutes * 60, large,
            trace);
  }
  std::stable_sort(trace.pods.begin(), trace.pods.end(),
                   [](const TracePod& a, const TracePod& b) { return a.request_s < b.request_s; });
  return trace;
}

Result<Trace> ConvertOpenb(std::string_view text, std::string_view file_name,
                           const OpenbOptions& o) {
  auto table = CsvTable::Parse(text, file_name);
  if (!table) return tl::unexpected(table.error());
  if (auto st = table->Require({"name", "cpu_milli", "memory_mib", "num_gpu", "creation_time",
                                "deletion_time", "scheduled_time"});
      !st) {
    return tl::unexpected(st.error());
  }
  if (!(o.time_scale > 0)) return Fail(ErrorCode::kInvalidArgument, "time scale must be > 0");
  int c_name = table->Column("name"), c_cpu = table->Column("cpu_milli");
  int c_mem = table->Column("memory_mib"), c_gpu = table->Column("num_gpu");
  int c_create = table->Column("creation_time"), c_delete = table->Column("deletion_time");
  int c_sched = table->Column("scheduled_time");
  Trace trace;
  for (size_t row = 0; row < table->RowCount(); ++row) {
    auto cpu = table->Int(row, c_cpu);
    if (!cpu) return tl::unexpected(cpu.error());
    auto mem = table->Int(row, c_mem);
    if (!mem) return tl::unexpected(mem.error());
    auto gpu = table->Int(row, c_gpu);
    if (!gpu) return tl::unexpected(gpu.error());
    auto created = table->Double(row, c_create);
    if (!created) return tl::unexpected(created.error());
    auto deleted = table->Double(row, c_delete);
    if (!deleted) return tl::unexpected(deleted.error());
    double start = *created;
    if (!table->Text(row, c_sched).empty()) {
      auto sched = table->Double(row, c_sched);
      if (!sched) return tl::unexpected(sched.error());
      start = *sched;
    }
    if (*cpu < 0 || *mem < 0) {
      return tl::unexpected(table->RowError(row, "cpu_milli and memory_mib must be >= 0"));
    }
    if (*gpu < 0) return tl::unexpected(table->RowError(row, "num_gpu must be >= 0"));
    if (*gpu > 0 && !o.include_gpu) continue;
    if (*created < o.window_start_s || *created >= o.window_end_s) continue;
    double duration = *deleted - start;
    if (duration <= 0) continue;                // never ran: nothing to place
    if (*cpu == 0 && *mem == 0) continue;       // requests nothing a node must hold
    if (o.max_pods >= 0 && static_cast<int64_t>(trace.pods.size()) >= o.max_pods) break;
    TracePod pod;
    pod.app_id = std::string(table->Text(row, c_name));
    pod.role = Role::kExecutor;
    // The trace format needs positive requests; a zero stays negligible at 1 mCPU / 1 MiB.
    pod.request = {std::max<int64_t>(*cpu, 1), std::max<int64_t>(*mem, 1)};
    pod.request_s = (*created - o.window_start_s) * o.time_scale;
    pod.duration_s = duration * o.time_scale;
    trace.pods.push_back(std::move(pod));
  }
  std::stable_sort(trace.pods.begin(), trace.pods.end(),
                   [](const TracePod& a, const TracePod& b) { return a.request_s < b.request_s; });
  return trace;
}

}  // namespace sparkplane::fleet
