// What an app asks of a cluster, read from its resolved ApplicationSpec as Spark's standalone
// master counts it: the driver (client mode, on this host) and N executors of one shape.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>

#include "common/result.hpp"

namespace sparkplane::runtime {

struct AppDemand {
  int driver_cores = 1;
  int64_t driver_memory_mib = 0;    // heap + overhead: the driver process on this host
  int executor_cores = 1;           // spark.executor.cores
  int64_t executor_memory_mib = 0;  // spark.executor.memory: what a worker grants an executor
  int executors = 1;                // executor.instances (at least 1)
};

// Defaults as Spark's: 1 core, 1g; driver overhead max(384 MiB, 10% (JVM) or 40% (Python)).
// kInvalidArgument on an unparsable memory string.
Result<AppDemand> DemandOf(const boost::json::object& config);

}  // namespace sparkplane::runtime
