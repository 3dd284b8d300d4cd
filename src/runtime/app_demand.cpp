#include "runtime/app_demand.hpp"

#include <algorithm>
#include <cmath>

#include "common/spec_fields.hpp"
#include "runtime/spark_submit.hpp"

namespace sparkplane::runtime {
namespace json = boost::json;

namespace {

constexpr int kMaxCount = 1'000'000;

int WholeCount(std::optional<double> value, int fallback) {
  if (!value || !(*value > 0)) return fallback;
  return *value >= kMaxCount ? kMaxCount : static_cast<int>(std::ceil(*value));
}

Result<int64_t> MemoryOf(const json::object* pod, int64_t fallback_mib) {
  if (!pod) return fallback_mib;
  auto text = GetString(*pod, "memory");
  if (!text) return fallback_mib;
  return ParseMemoryMiB(*text);
}

}  // namespace

Result<AppDemand> DemandOf(const json::object& config) {
  const json::object* driver = GetObject(config, "driver");
  const json::object* executor = GetObject(config, "executor");
  AppDemand demand;
  demand.driver_cores = WholeCount(driver ? GetNumber(*driver, "cores") : std::nullopt, 1);
  demand.executor_cores = WholeCount(executor ? GetNumber(*executor, "cores") : std::nullopt, 1);
  demand.executors = WholeCount(executor ? GetNumber(*executor, "instances") : std::nullopt, 1);
  auto driver_heap = MemoryOf(driver, 1024);
  if (!driver_heap) return tl::unexpected(driver_heap.error());
  auto executor_heap = MemoryOf(executor, 1024);
  if (!executor_heap) return tl::unexpected(executor_heap.error());
  double factor = AppLanguage(config) == "Python" ? 0.4 : 0.1;
  auto overhead = static_cast<int64_t>(std::ceil(factor * static_cast<double>(*driver_heap)));
  demand.driver_memory_mib = *driver_heap + std::max<int64_t>(384, overhead);
  demand.executor_memory_mib = *executor_heap;
  return demand;
}

}  // namespace sparkplane::runtime
