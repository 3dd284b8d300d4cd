#include "fleet/spark_pods.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace sparkplane::fleet {
namespace {

Result<double> ParseNumber(std::string_view s, std::string_view what) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || v < 0) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid {}: '{}'", what, s));
  }
  return v;
}

constexpr int64_t kMinOverheadMib = 384;

Result<SparkPodRequest> SizePod(const SparkPodSpec& pod, Role role, SparkAppType type,
                                std::optional<double> factor_override) {
  SparkPodRequest out;
  out.role = role;
  double cores = pod.cores.value_or(role == Role::kDriver ? 1.0 : 4.0);
  if (!(cores > 0) || !std::isfinite(cores)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}.cores must be > 0", RoleName(role)),
                {fmt::format("{}.cores", RoleName(role))});
  }
  if (pod.core_request) {
    auto milli = ParseCpuMilli(*pod.core_request);
    if (!milli) return tl::unexpected(milli.error());
    out.request.cpu_milli = *milli;
  } else {
    out.request.cpu_milli = static_cast<int64_t>(std::ceil(cores * 1000.0 - 1e-9));
  }
  int64_t memory = 1024;
  if (pod.memory) {
    auto m = ParseMemoryMib(*pod.memory);
    if (!m) return tl::unexpected(m.error());
    memory = *m;
  }
  int64_t overhead = 0;
  if (pod.memory_overhead) {
    auto m = ParseMemoryMib(*pod.memory_overhead);
    if (!m) return tl::unexpected(m.error());
    overhead = *m;
  } else {
    double factor = factor_override.value_or(type == SparkAppType::kPython ? 0.4 : 0.1);
    overhead = std::max<int64_t>(kMinOverheadMib,
                                 static_cast<int64_t>(factor * static_cast<double>(memory)));
  }
  if (memory <= 0 || out.request.cpu_milli <= 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} request must be positive", RoleName(role)));
  }
  out.request.memory_mib = memory + overhead;
  out.spot = pod.spot.value_or(role == Role::kExecutor);
  out.instance_allow_list = pod.instance_allow_list;
  return out;
}

}  // namespace

Result<int64_t> ParseMemoryMib(std::string_view text) {
  std::string_view s = text;
  double scale_mib = 1.0;  // bare numbers are MiB, as spark.*.memory
  if (!s.empty()) {
    char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(s.back())));
    if (unit == 'b' && s.size() >= 2) {  // "mb", "gb", ...
      s.remove_suffix(1);
      unit = static_cast<char>(std::tolower(static_cast<unsigned char>(s.back())));
    }
    switch (unit) {
      case 'k': scale_mib = 1.0 / 1024; s.remove_suffix(1); break;
      case 'm': scale_mib = 1.0; s.remove_suffix(1); break;
      case 'g': scale_mib = 1024.0; s.remove_suffix(1); break;
      case 't': scale_mib = 1024.0 * 1024; s.remove_suffix(1); break;
      default: break;
    }
  }
  auto v = ParseNumber(s, "memory size");
  if (!v) return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid memory size: '{}'", text));
  return static_cast<int64_t>(std::ceil(*v * scale_mib - 1e-9));
}

Result<int64_t> ParseCpuMilli(std::string_view text) {
  std::string_view s = text;
  double scale = 1000.0;
  if (!s.empty() && s.back() == 'm') {
    scale = 1.0;
    s.remove_suffix(1);
  }
  auto v = ParseNumber(s, "cpu quantity");
  if (!v || *v <= 0) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid cpu quantity: '{}'", text));
  }
  return static_cast<int64_t>(std::ceil(*v * scale - 1e-9));
}

Result<SparkAppPods> SizeSparkApp(const SparkAppSpec& spec) {
  if (spec.memory_overhead_factor &&
      (!(*spec.memory_overhead_factor >= 0) || *spec.memory_overhead_factor > 10)) {
    return Fail(ErrorCode::kInvalidArgument, "memoryOverheadFactor must be in [0, 10]",
                {"memoryOverheadFactor"});
  }
  SparkAppPods pods;
  auto driver = SizePod(spec.driver, Role::kDriver, spec.type, spec.memory_overhead_factor);
  if (!driver) return tl::unexpected(driver.error());
  auto executor = SizePod(spec.executor, Role::kExecutor, spec.type, spec.memory_overhead_factor);
  if (!executor) return tl::unexpected(executor.error());
  pods.driver = std::move(*driver);
  pods.executor = std::move(*executor);
  pods.executor_instances = spec.executor.instances.value_or(6);
  if (pods.executor_instances < 0) {
    return Fail(ErrorCode::kInvalidArgument, "executor.instances must be >= 0",
                {"executor.instances"});
  }
  return pods;
}

}  // namespace sparkplane::fleet
