#include "runtime/driver_processes.hpp"

#include "runtime/driver_wrapper.hpp"
#include "runtime/properties_file.hpp"

namespace sparkplane::runtime {
namespace fs = std::filesystem;

Result<DriverHandle> DriverProcesses::Start(const LocalSubmitCommand& command,
                                            const fs::path& app_dir, ExitCallback on_exit) {
  // Config values reach Spark through this 0600 file, never through the command line.
  SPARKPLANE_TRY(WritePropertiesFile(command.properties_file, command.properties));
  fs::path exit_file = app_dir / "driver.exit";
  std::error_code ec;
  fs::remove(exit_file, ec);
  std::vector<std::string> argv = command.argv;
  if (!options_.launcher.empty())
    argv = WrapDriverArgv(options_.launcher, exit_file.string(), argv);
  std::vector<std::string> env = {"PYSPARK_PYTHON=" + options_.python,
                                  "PYSPARK_DRIVER_PYTHON=" + options_.python,
                                  "SPARK_LOCAL_IP=127.0.0.1"};
  env.insert(env.end(), command.driver_env.begin(), command.driver_env.end());
  SpawnRequest request{std::move(argv), std::move(env), app_dir, app_dir / "driver.log"};
  auto started = supervisor_.Spawn(request, std::move(on_exit));
  if (!started) return tl::unexpected(started.error());
  return DriverHandle{started->pid, started->start_ticks};
}

bool DriverProcesses::Adopt(const DriverHandle& handle, const fs::path& app_dir,
                            ExitCallback on_exit) {
  if (handle.pid <= 0 || handle.start_ticks <= 0 ||
      ProcessStartTicks(handle.pid) != handle.start_ticks) {
    return false;
  }
  supervisor_.Adopt(handle.pid, handle.start_ticks, app_dir / "driver.exit", std::move(on_exit));
  return true;
}

void DriverProcesses::Kill(const DriverHandle& handle, std::chrono::milliseconds grace) {
  supervisor_.Terminate(handle.pid, grace);
}

void DriverProcesses::StopAll(std::chrono::milliseconds grace) { supervisor_.TerminateAll(grace); }

std::vector<std::string> WithMaster(std::vector<std::string> argv, const std::string& master) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != "--master") continue;
    argv[i + 1] = master;
    break;
  }
  return argv;
}

}  // namespace sparkplane::runtime
