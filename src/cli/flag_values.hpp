// Pure conversions from command-line values to what the API takes; unit-tested, no I/O.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::cli {

// `--since`: an ISO time ("2026-12-01", "2026-12-01T08:00:00Z") or an age before `now_millis`
// ("90s", "30m", "2h", "7d"), as the ISO time the API's minCreatedAt takes.
Result<std::string> SinceToIso(std::string_view since, int64_t now_millis);

// `--state`: one of the seven app states, in any case ("running" → "RUNNING").
Result<std::string> NormalizeAppState(std::string_view state);

// The flags of `sparkplane submit` that shape the ApplicationSpec (configOverrides).
struct SubmitFlags {
  std::string job_id, app_id, template_id, main_class;
  std::vector<std::string> file_and_args;  // the application file, then its arguments
  std::vector<std::string> confs;          // KEY=VALUE
  std::string driver_memory, executor_memory;
  std::optional<int> executors;
  std::vector<std::string> py_files, jars;  // local paths (made absolute) or URLs
};

// The POST .../app body for `flags`, relative paths made absolute against `cwd`. kInvalidArgument
// naming the flag for a malformed value (e.g. "--executor-memory '4 GB' is not a memory size").
Result<boost::json::object> SubmissionBody(const SubmitFlags& flags, const std::string& cwd);

}  // namespace sparkplane::cli
