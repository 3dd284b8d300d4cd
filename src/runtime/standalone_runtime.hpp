// The `standalone` runtime: drivers in client mode on this host with --master spark://…,
// executors in the Worker JVMs of a Spark standalone master: the embedded one (started,
// supervised, re-adopted, stopped with the server) or an external one (--spark-master).
#pragma once

#include <memory>
#include <optional>

#include "runtime/driver_processes.hpp"
#include "runtime/runtime.hpp"
#include "runtime/standalone_master.hpp"
#include "runtime/worker_fleet.hpp"

namespace sparkplane::runtime {

struct StandaloneRuntimeOptions {
  DriverProcessOptions drivers;
  // Set: an existing cluster's master (nothing is started). Unset: the embedded master.
  std::optional<MasterEndpoint> external_master;
  EmbeddedMasterOptions embedded;  // used when external_master is unset
};

std::unique_ptr<Runtime> MakeStandaloneRuntime(StandaloneRuntimeOptions options,
                                               std::unique_ptr<WorkerFleet> fleet);

// The Spark properties that put an app on a standalone master with `executors` executors
// (they replace the app's own values for these keys).
std::vector<std::pair<std::string, std::string>> StandaloneProperties(const AppDemand& demand,
                                                                     int executors);

}  // namespace sparkplane::runtime
