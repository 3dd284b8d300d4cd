// The `local-process` provider: fleet nodes are Spark standalone Worker JVMs on this host, each
// with its shape's cores and memory. The fleet Scheduler places pending apps' executors on
// ready workers (admitting an app once all of them fit), plans new workers when they do not,
// keeps `headroom_cores` free, decommissions workers idle for `idle_ttl` (SIGPWR, so Spark
// moves blocks off; then SIGTERM), never grows past the host limit (workers' plus drivers'
// cores and memory), replaces lost workers, and records every node's life in the store.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "runtime/worker_fleet.hpp"
#include "store/store.hpp"

namespace sparkplane::fleet {

struct LocalNodeShape {
  std::string name;  // e.g. local-2c4g
  int cores = 0;
  int64_t memory_mib = 0;
  double usd_per_hour = 0;
};

// Default prices: $0.04 per core-hour plus $0.005 per GiB-hour.
double LocalShapePrice(int cores, int64_t memory_mib);
// local-2c4g, local-4c8g, local-8c16g.
std::vector<LocalNodeShape> DefaultLocalShapes();
// "2c4g,4c8g" (cores `c` GiB `g`, comma-separated) → shapes at the default prices;
// kInvalidArgument naming the bad item.
Result<std::vector<LocalNodeShape>> ParseLocalShapes(std::string_view text);

struct LocalFleetOptions {
  std::filesystem::path spark_home;  // bin/spark-class
  std::filesystem::path state_dir;   // <state_dir>/<node-id>/ holds a worker's log and work dir
  std::string node_group = "spark-workers";
  std::vector<LocalNodeShape> shapes = DefaultLocalShapes();
  // Host limit for workers plus the drivers of running apps.
  int64_t max_cores = 8;
  int64_t max_memory_mib = 16384;
  int headroom_cores = 0;  // executor cores kept free on workers so the next app starts at once
  std::chrono::milliseconds idle_ttl{60000};
  std::chrono::milliseconds boot_timeout{120000};
  std::chrono::milliseconds decommission_timeout{30000};
  std::function<int64_t()> now_millis;  // wall clock in epoch millis; NowMillis when empty
};

// The host limit by default: 4 task slots per hardware thread (Spark cores are task slots,
// not reserved CPUs) and three quarters of the physical memory.
int64_t DefaultLocalMaxCores();
int64_t DefaultLocalMaxMemoryMib();

std::unique_ptr<runtime::WorkerFleet> MakeLocalProcessFleet(store::Store& store,
                                                            LocalFleetOptions options);

}  // namespace sparkplane::fleet
