// `serve --runtime …`: builds the Runtime the server's apps run on from the serve flags
// (local[N]; or standalone on the embedded master with local-process workers, or on an
// external master). Every flag that does not apply to the chosen runtime is an error.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "runtime/runtime.hpp"
#include "store/store.hpp"

namespace sparkplane::api {

struct RuntimeFlags {
  std::string runtime = "standalone";  // standalone | local
  std::string spark_master;            // spark://HOST:PORT of an existing cluster
  int spark_master_webui_port = 8080;  // its web UI (capacity is read from /json/ there)
  int max_concurrent_apps = 0;         // local only; 0 = 2
  std::string fleet_shapes;            // "2c4g,4c8g"; empty = the defaults
  int64_t fleet_max_cores = 0;         // 0 = 4 × hardware threads
  std::string fleet_max_memory;        // e.g. "16g"; empty = ¾ of the physical memory
  int fleet_headroom_cores = 0;
  double fleet_idle_ttl_seconds = 60;
};

struct RuntimeHost {
  std::filesystem::path data_dir;  // absolute; standalone state lives in data_dir/standalone
  std::filesystem::path spark_home;
  std::string python;
  std::string launcher;  // sparkplane binary for the driver wrapper
  int max_local_cores = 1;
};

Result<std::unique_ptr<runtime::Runtime>> MakeRuntime(const RuntimeFlags& flags,
                                                      const RuntimeHost& host, store::Store& store);

}  // namespace sparkplane::api
