// The Runtime seam: where an app's driver and executors run. control/ talks to this interface
// only; implementations are `local` (local[N] in one JVM), `standalone` (a Spark standalone
// master, embedded or external, whose workers a WorkerFleet provides) and later kubernetes.
// A Runtime is thread-safe. Exit callbacks run on a runtime thread, exactly once per driver.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "runtime/process.hpp"

namespace sparkplane::runtime {

// Finds a driver again after a restart of sparkplane: its process (group) and start time.
struct DriverHandle {
  pid_t pid = 0;
  int64_t start_ticks = 0;
};

// An app the runtime is asked about: its id and resolved ApplicationSpec (config). `config`
// must outlive the call it is passed to.
struct AppRequest {
  std::string app_id;
  const boost::json::object* config = nullptr;
};

// The runtime's answer for one pending app: start it now, with this many executors.
struct Admission {
  std::string app_id;
  int executors = 0;  // may be below the request on a cluster too small for all of them
  std::string note;   // why fewer executors than asked (empty when all fit)
};

struct LaunchedDriver {
  DriverHandle handle;
  int cores = 0;  // cores the app holds (driver + executors, or local[N] slots)
};

// Totals of what the runtime can run apps on right now and at most.
struct Capacity {
  int64_t cores = 0;  // schedulable cores now (workers' cores, or local slots)
  int64_t cores_used = 0;
  int64_t memory_mib = 0;
  int64_t memory_used_mib = 0;
  int64_t max_cores = 0;  // the most it may grow to (the fleet's limit)
  int64_t max_memory_mib = 0;
  int workers = 0;
  std::string master_url;  // spark://… for standalone, empty for local
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual std::string_view name() const = 0;

  // Called when this replica becomes the one that launches apps: starts, or re-adopts after a
  // restart, what the runtime needs (the embedded master and its workers).
  virtual Status Start() = 0;
  // Stops every driver it runs (each reports its exit) and what Start started.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;

  // At submission: kInvalidArgument naming the limit when the app could never run here (its
  // driver plus one executor exceed the largest capacity). Pure check, no side effects.
  virtual Status CheckRunnable(const boost::json::object& config) = 0;
  // Which of the pending apps (oldest first) may start now. Also the runtime's periodic tick
  // (the fleet adds and removes workers here); called about once a second.
  virtual std::vector<Admission> Admit(std::span<const AppRequest> pending) = 0;

  // Starts the driver of an admitted app (app_dir exists). on_exit gets the exit code once.
  virtual Result<LaunchedDriver> Launch(const AppRequest& app, const Admission& admission,
                                        const std::filesystem::path& app_dir,
                                        ExitCallback on_exit) = 0;
  // Follows a driver an earlier server started. Returns false when that process is gone (the
  // caller then reads the exit file); the app's demand counts as running until it ends.
  virtual bool Adopt(const AppRequest& app, const DriverHandle& handle,
                     const std::filesystem::path& app_dir, ExitCallback on_exit) = 0;
  // SIGTERM to the driver, SIGKILL after grace. Returns at once.
  virtual void Kill(const DriverHandle& handle, std::chrono::milliseconds grace) = 0;

  virtual Result<Capacity> DescribeCapacity() = 0;
};

}  // namespace sparkplane::runtime
