// Drivers as processes on this host (local[N] and standalone client mode alike): spark-submit
// under the driver wrapper, so a restarted server can re-adopt them and learn how they ended.
// Thread-safe. The destructor terminates drivers still running.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "runtime/process.hpp"
#include "runtime/runtime.hpp"
#include "runtime/spark_submit.hpp"

namespace sparkplane::runtime {

struct DriverProcessOptions {
  std::filesystem::path spark_home;  // bin/spark-submit
  std::string python;                // PYSPARK_PYTHON for drivers and their Python workers
  // The sparkplane binary whose `driver-wrapper` writes app_dir/driver.exit. Empty: unwrapped.
  std::string launcher;
};

class DriverProcesses {
 public:
  explicit DriverProcesses(DriverProcessOptions options) : options_(std::move(options)) {}

  const DriverProcessOptions& options() const { return options_; }
  // Writes the command's properties file (0600), then runs its argv (spark-submit …) with the
  // driver's env added and its log at app_dir/driver.log.
  Result<DriverHandle> Start(const LocalSubmitCommand& command,
                             const std::filesystem::path& app_dir, ExitCallback on_exit);
  // Follows a driver of an earlier server; false when that process no longer exists.
  bool Adopt(const DriverHandle& handle, const std::filesystem::path& app_dir,
             ExitCallback on_exit);
  void Kill(const DriverHandle& handle, std::chrono::milliseconds grace);
  // Terminates every driver and waits until each has reported its exit.
  void StopAll(std::chrono::milliseconds grace);

 private:
  DriverProcessOptions options_;
  ProcessSupervisor supervisor_;
};

// `argv` (from BuildLocalSubmit) with its --master value replaced.
std::vector<std::string> WithMaster(std::vector<std::string> argv, const std::string& master);

}  // namespace sparkplane::runtime
