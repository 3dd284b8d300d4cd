// Turns a resolved ApplicationSpec into a spark-submit command for the local runtime. Pure: no
// I/O; the caller writes the properties file, then execs the argv directly (never a shell).
// No config value is on the argv: every Spark property goes to the app's properties file
// (mode 0600), so `ps` and /proc/<pid>/cmdline show none of them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "runtime/properties_file.hpp"

namespace sparkplane::runtime {

struct LocalSubmitContext {
  std::filesystem::path spark_home;  // contains bin/spark-submit
  std::filesystem::path app_dir;     // event logs go to app_dir/eventlog, properties here
  std::string app_id;
  int max_local_cores = 1;           // cap for local[N]
};

// Resolves mainApplicationFile to an absolute local path: accepts "/abs", "file:///abs" and
// "local:///abs"; any other scheme or a relative path is kInvalidArgument.
Result<std::string> LocalApplicationPath(const std::string& main_application_file);

// Task slots of local[N]: executor cores × instances, capped by max_local_cores, at least 1.
int LocalCores(const boost::json::object& config, int max_local_cores);

struct LocalSubmitCommand {
  // argv[0] = <spark_home>/bin/spark-submit; master, deploy mode, app name, main class,
  // --properties-file, the main file and the app's arguments. Nothing else.
  std::vector<std::string> argv;
  // Every Spark property of the app (spec fields, deps, sparkConf, hadoopConf as spark.hadoop.*,
  // executor.envVars as spark.executorEnv.*, event logging), for properties_file.
  SparkProperties properties;
  std::filesystem::path properties_file;  // <app_dir>/spark.properties
  // "K=V" from driver.envVars: the driver process's environment (private to its user).
  std::vector<std::string> driver_env;
};

// The file name of the properties file inside the app's folder.
inline constexpr std::string_view kPropertiesFileName = "spark.properties";

Result<LocalSubmitCommand> BuildLocalSubmit(const boost::json::object& config,
                                            const LocalSubmitContext& context);

// "Python", "Java" or "Scala": the spec's `type`, else inferred from the main file's extension.
std::string AppLanguage(const boost::json::object& config);

}  // namespace sparkplane::runtime
