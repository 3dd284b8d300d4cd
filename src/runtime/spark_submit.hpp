// Turns a resolved ApplicationSpec into a spark-submit argv for the local runtime. Pure: no I/O
// beyond nothing; the caller execs the result directly (never through a shell).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.hpp"

namespace sparkplane::runtime {

struct LocalSubmitContext {
  std::filesystem::path spark_home;  // contains bin/spark-submit
  std::filesystem::path app_dir;     // event logs go to app_dir/eventlog
  std::string app_id;
  int max_local_cores = 1;           // cap for local[N]
};

// Resolves mainApplicationFile to an absolute local path: accepts "/abs", "file:///abs" and
// "local:///abs"; any other scheme or a relative path is kInvalidArgument.
Result<std::string> LocalApplicationPath(const std::string& main_application_file);

// Task slots of local[N]: executor cores × instances, capped by max_local_cores, at least 1.
int LocalCores(const boost::json::object& config, int max_local_cores);

// Full argv, argv[0] = <spark_home>/bin/spark-submit.
Result<std::vector<std::string>> BuildLocalSubmitArgv(const boost::json::object& config,
                                                      const LocalSubmitContext& context);

// "Python", "Java" or "Scala": the spec's `type`, else inferred from the main file's extension.
std::string AppLanguage(const boost::json::object& config);

}  // namespace sparkplane::runtime
