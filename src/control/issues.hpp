// Errors and warnings worth showing on an app ("Spark issues"), taken from its driver log:
// log4j ERROR/WARN records with stack traces and Python tracebacks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

namespace sparkplane::control {

// [{errorType, severity: "ERROR"|"WARNING", abstract, stacktrace}], in log order, at most 100.
// WARN records count only when they carry a stack trace (Spark logs many harmless warnings).
boost::json::array ExtractIssues(std::string_view driver_log);

// Warnings about an app's configuration found at submission, as issues (errorType "CONFIG",
// severity WARNING): they stay on the app beside what its driver log shows.
boost::json::array ConfigIssues(const std::vector<std::string>& warnings);
// The CONFIG issues of an app's stored issues JSON (nothing if it does not parse).
boost::json::array KeptConfigIssues(std::string_view issues_json);

// True when any issue has severity ERROR.
bool HasErrors(const boost::json::array& issues);

}  // namespace sparkplane::control
