// The pure decision step of the local-process provider: from the workers, the running apps'
// claims and the pending apps (oldest first), which apps start now, which workers to add and
// which idle ones to decommission. Placement and new-node choice are the fleet Scheduler's.
// No I/O, no clock: `now_ms` is given. Not thread-safe (one planner per fleet).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "fleet/catalog.hpp"
#include "fleet/model.hpp"
#include "fleet/scheduler.hpp"
#include "runtime/app_demand.hpp"

namespace sparkplane::fleet {

struct PlanNode {
  std::string id;
  int shape = 0;  // index into the shapes / catalog
  bool ready = false;
  bool draining = false;      // decommissioning: takes nothing new
  Resources used;             // claims of running apps, or what the master reports, the larger
  int64_t idle_since_ms = 0;  // 0 = in use
};

struct PlanApp {
  std::string id;
  runtime::AppDemand demand;
};

struct PlanRunning {
  std::string id;
  runtime::AppDemand demand;
  int unplaced = 0;  // executors without a node (their worker was lost): placed again
};

struct PlanInput {
  std::vector<PlanNode> nodes;
  std::vector<PlanRunning> running;
  std::vector<PlanApp> pending;  // oldest first
  int64_t now_ms = 0;
};

struct PlanAdmit {
  std::string app_id;
  int executors = 0;
  std::string note;                      // set when fewer than asked fit the host limit
  std::map<std::string, int> placement;  // node id → executors
};

struct PlanOutput {
  std::vector<PlanAdmit> admit;
  std::map<std::string, std::map<std::string, int>> replaced;  // running app → node → executors
  std::vector<int> launch;                                     // shapes of workers to start now
  std::vector<std::string> launch_reasons;  // per launch: pending apps, lost executors, headroom
  std::vector<std::string> decommission;    // idle workers to remove
  std::vector<std::string> waiting;         // human-readable: why pending apps wait
};

struct PlanLimits {
  Resources max;  // host limit: workers' plus running drivers' cores and memory
  int headroom_cores = 0;
  int64_t idle_ttl_ms = 60000;
};

class LocalFleetPlanner {
 public:
  // shapes become the catalog of one on-demand node group that takes executors only.
  LocalFleetPlanner(std::vector<InstanceType> shapes, PlanLimits limits);

  // kInvalidArgument naming the limit when the driver plus one executor can never fit.
  Status CheckRunnable(const runtime::AppDemand& demand) const;
  // Executors the app gets on an otherwise empty host (≤ its request), and why fewer.
  std::pair<int, std::string> Target(const runtime::AppDemand& demand) const;

  PlanOutput Plan(const PlanInput& input);

  const Catalog& catalog() const { return catalog_; }
  const PlanLimits& limits() const { return limits_; }

 private:
  Catalog catalog_;
  PlanLimits limits_;
  Scheduler scheduler_;
  Resources largest_;
};

// An executor's fleet request: cores × 1000 mCPU and spark.executor.memory MiB.
Resources ExecutorRequest(const runtime::AppDemand& demand);
Resources DriverRequest(const runtime::AppDemand& demand);

}  // namespace sparkplane::fleet
