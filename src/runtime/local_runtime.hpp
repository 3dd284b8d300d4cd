// The `local` runtime: each app is one JVM, `spark-submit --master local[N]`, started on this
// host. At most `max_concurrent_apps` run at once; the rest wait as PENDING.
#pragma once

#include <memory>

#include "runtime/driver_processes.hpp"
#include "runtime/runtime.hpp"

namespace sparkplane::runtime {

struct LocalRuntimeOptions {
  DriverProcessOptions drivers;
  int max_concurrent_apps = 2;
  int max_local_cores = 1;  // cap for local[N]
};

std::unique_ptr<Runtime> MakeLocalRuntime(LocalRuntimeOptions options);

}  // namespace sparkplane::runtime
