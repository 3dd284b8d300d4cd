// What the standalone runtime needs from whoever provides a master's workers: start or re-adopt
// them, decide which pending apps fit (adding workers for them), and follow apps' lifetimes.
// Implemented by fleet's local-process provider (Worker JVMs on this host) and, for an external
// cluster, by MakeExternalMasterFleet (someone else runs the workers). Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "runtime/app_demand.hpp"
#include "runtime/runtime.hpp"
#include "runtime/standalone_master.hpp"

namespace sparkplane::runtime {

struct AppAsk {
  std::string app_id;
  AppDemand demand;
};

class WorkerFleet {
 public:
  virtual ~WorkerFleet() = default;
  // The master is up: start, or re-adopt after a restart, the workers.
  virtual Status Start(const MasterEndpoint& master) = 0;
  // Stops the workers it started (decommissioning is not waited for on shutdown).
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
  // kInvalidArgument naming the limit when the driver plus one executor can never fit.
  virtual Status CheckRunnable(const AppDemand& demand) = 0;
  // The periodic tick: pending apps oldest first; returns those to start now.
  virtual std::vector<Admission> Admit(std::span<const AppAsk> pending) = 0;
  // An app whose driver was started (or re-adopted) with `executors` executors, until AppEnded.
  virtual void AppStarted(const std::string& app_id, const AppDemand& demand, int executors) = 0;
  virtual void AppEnded(const std::string& app_id) = 0;
  virtual Result<Capacity> Describe() = 0;
};

// Workers run by someone else: admits an app when the master reports free cores and memory for
// its first executor (the driver runs on this host) and starts it with the executors that fit.
std::unique_ptr<WorkerFleet> MakeExternalMasterFleet();

}  // namespace sparkplane::runtime
