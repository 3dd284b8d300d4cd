// Spark pod sizing: the Kubernetes requests Spark creates for a driver and its executors,
// from the fields of an Ocean Spark ApplicationSpec (plain structs; no JSON here).
// memory request = memory + overhead, overhead = memoryOverhead if set, else
// max(384 MiB, factor × memory), factor = memoryOverheadFactor or 0.1 (JVM) / 0.4 (Python).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "fleet/model.hpp"

namespace sparkplane::fleet {

enum class SparkAppType { kJava, kScala, kPython };

// The subset of Ocean's DriverSpec / ExecutorSpec that decides a pod's size and placement.
struct SparkPodSpec {
  std::optional<double> cores;             // Ocean default: driver 1, executor 4
  std::optional<std::string> core_request; // e.g. "3460m"; overrides cores for the request
  std::optional<std::string> memory;       // e.g. "8g", "8192m", "8.5g"; Spark default 1g
  std::optional<std::string> memory_overhead;  // absolute, e.g. "1g"
  std::optional<bool> spot;                // Ocean default: driver false, executor true
  std::vector<std::string> instance_allow_list;
  std::optional<int> instances;            // executors only; Ocean API default 6
};

struct SparkAppSpec {
  SparkAppType type = SparkAppType::kJava;
  SparkPodSpec driver;
  SparkPodSpec executor;
  std::optional<double> memory_overhead_factor;
};

struct SparkPodRequest {
  Role role = Role::kDriver;
  Resources request;
  bool spot = false;
  std::vector<std::string> instance_allow_list;
};

struct SparkAppPods {
  SparkPodRequest driver;
  SparkPodRequest executor;
  int executor_instances = 0;
};

// Parses a JVM-style size ("512m", "8g", "8.5g", "1t", "1024k"; a bare number means MiB, as
// for spark.*.memory) into MiB, rounding up.
Result<int64_t> ParseMemoryMib(std::string_view text);
// Parses a Kubernetes CPU quantity ("3460m", "3.5", "2") into millicores.
Result<int64_t> ParseCpuMilli(std::string_view text);

// Sizes both pods. Fails with kInvalidArgument on unparsable or non-positive values.
Result<SparkAppPods> SizeSparkApp(const SparkAppSpec& spec);

}  // namespace sparkplane::fleet
