// The part of POST /cluster/{c}/app that needs no store and starts nothing: the body's keys and
// ids checked, the config layers merged and the spark-submit command built as the launcher will.
// AppService::Submit supplies store-backed lookups; bench/fuzz/submission_fuzz.cpp fixed ones.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "control/config_merge.hpp"
#include "control/spark_conf_check.hpp"
#include "runtime/properties_file.hpp"

namespace sparkplane::control {

struct SubmissionLookups {
  // The config (a JSON object) of template `id` in the submission's cluster; kNotFound if none.
  std::function<Result<boost::json::value>(const std::string& id)> template_config;
  // The config (a JSON object) of job `id`; nullopt when the job does not exist or has none.
  std::function<std::optional<boost::json::value>(const std::string& id)> job_config;
  // Whether the resolved main application file is a regular file on this host.
  std::function<bool(const std::string& path)> file_exists;
};

struct SubmissionHost {
  std::filesystem::path spark_home;  // bin/spark-submit
  std::filesystem::path data_dir;    // apps live in data_dir/apps/<appId>/
  int max_local_cores = 1;
  std::vector<std::string> spark_versions;       // installed; empty: sparkVersion is not checked
  const SparkConfigKeys* config_keys = nullptr;  // null: unknown sparkConf keys are not reported
};

struct SubmissionPlan {
  std::string app_id;             // given or <jobId>-<uuid4>; a Kubernetes name
  std::string job_id;             // given or derived from the main file and class
  std::string template_id;        // empty when none was named
  std::string submission_source;  // "public-api" or "jupyter-enterprise-gateway"
  MergedConfig merged;            // platform defaults → template → job config → configOverrides
  std::vector<std::string> argv;  // what the local runtime will exec for this app
  std::vector<std::string> warnings;  // accepted, but worth telling the user (unknown keys)
  runtime::SparkProperties properties;  // and write to its properties file (all config values)
};

// A job id for submissions that name none: derived from the main file and class so that runs
// of the same code group together, e.g. "pi-1a2b3c4d".
std::string DeriveJobId(const std::string& main_application_file, const std::string& main_class);

// The platform defaults layer (DESIGN.md "Platform defaults").
const boost::json::object& PlatformDefaults();

// Checks `body` (the parsed request JSON) and resolves everything a PENDING app records. Every
// rejection is kInvalidArgument (or the lookup's error) with a message and, for an object body,
// the offending field's path.
Result<SubmissionPlan> PlanSubmission(const boost::json::value& body, const SubmissionLookups& lookups,
                                      const SubmissionHost& host);

}  // namespace sparkplane::control
