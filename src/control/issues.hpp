// Errors and warnings worth showing on an app ("Spark issues"), taken from its driver log:
// log4j ERROR/WARN records with stack traces and Python tracebacks.
#pragma once

#include <string_view>

#include <boost/json/array.hpp>

namespace sparkplane::control {

// [{errorType, severity: "ERROR"|"WARNING", abstract, stacktrace}], in log order, at most 100.
// WARN records count only when they carry a stack trace (Spark logs many harmless warnings).
boost::json::array ExtractIssues(std::string_view driver_log);

// True when any issue has severity ERROR.
bool HasErrors(const boost::json::array& issues);

}  // namespace sparkplane::control
