#include "api/serve_runtime.hpp"

#include <fmt/format.h>

#include "common/spec_fields.hpp"
#include "fleet/local_process_fleet.hpp"
#include "runtime/local_runtime.hpp"
#include "runtime/standalone_runtime.hpp"

namespace sparkplane::api {

Result<std::unique_ptr<runtime::Runtime>> MakeRuntime(const RuntimeFlags& flags,
                                                      const RuntimeHost& host,
                                                      store::Store& store) {
  runtime::DriverProcessOptions drivers{host.spark_home, host.python, host.launcher};
  bool fleet_flags = !flags.fleet_shapes.empty() || flags.fleet_max_cores != 0 ||
                     !flags.fleet_max_memory.empty() || flags.fleet_headroom_cores != 0 ||
                     flags.fleet_idle_ttl_seconds != 60;
  if (flags.runtime == "local") {
    if (!flags.spark_master.empty() || fleet_flags) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--spark-master and --fleet-* apply to --runtime standalone only");
    }
    return runtime::MakeLocalRuntime({drivers,
                                      flags.max_concurrent_apps > 0 ? flags.max_concurrent_apps : 2,
                                      host.max_local_cores});
  }
  if (flags.runtime != "standalone") {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--runtime '{}': use standalone or local", flags.runtime));
  }
  if (flags.max_concurrent_apps > 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "--max-concurrent-apps applies to --runtime local only: on standalone the fleet "
                "admits apps as capacity allows (see --fleet-max-cores)");
  }
  runtime::StandaloneRuntimeOptions options;
  options.drivers = drivers;
  options.embedded = {host.spark_home, host.data_dir / "standalone"};
  if (!flags.spark_master.empty()) {
    if (fleet_flags) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--fleet-* apply to the embedded cluster only: an external --spark-master's "
                  "workers are run by that cluster");
    }
    auto endpoint = runtime::ParseMasterUrl(flags.spark_master, flags.spark_master_webui_port);
    if (!endpoint) return tl::unexpected(endpoint.error());
    options.external_master = *endpoint;
    return runtime::MakeStandaloneRuntime(options, runtime::MakeExternalMasterFleet());
  }
  fleet::LocalFleetOptions fleet_options;
  fleet_options.spark_home = host.spark_home;
  fleet_options.state_dir = host.data_dir / "standalone" / "workers";
  if (!flags.fleet_shapes.empty()) {
    auto shapes = fleet::ParseLocalShapes(flags.fleet_shapes);
    if (!shapes) return tl::unexpected(shapes.error());
    fleet_options.shapes = *shapes;
  }
  fleet_options.max_cores =
      flags.fleet_max_cores > 0 ? flags.fleet_max_cores : fleet::DefaultLocalMaxCores();
  fleet_options.max_memory_mib = fleet::DefaultLocalMaxMemoryMib();
  if (!flags.fleet_max_memory.empty()) {
    auto mib = ParseMemoryMiB(flags.fleet_max_memory);
    if (!mib || *mib <= 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("--fleet-max-memory '{}' must be a size such as 16g",
                              flags.fleet_max_memory));
    }
    fleet_options.max_memory_mib = *mib;
  }
  if (flags.fleet_headroom_cores < 0 || flags.fleet_max_cores < 0 ||
      !(flags.fleet_idle_ttl_seconds >= 0)) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "--fleet-headroom-cores, --fleet-max-cores and --fleet-idle-ttl must not be negative");
  }
  fleet_options.headroom_cores = flags.fleet_headroom_cores;
  fleet_options.idle_ttl =
      std::chrono::milliseconds(static_cast<int64_t>(flags.fleet_idle_ttl_seconds * 1000));
  return runtime::MakeStandaloneRuntime(options,
                                        fleet::MakeLocalProcessFleet(store, fleet_options));
}

}  // namespace sparkplane::api
