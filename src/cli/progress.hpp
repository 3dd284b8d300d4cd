// The one-line progress `submit --wait` redraws on a terminal, from the live model's stages
// (GET /api/v1/applications/{sparkAppId}/stages).
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace sparkplane::cli {

// e.g. "RUNNING 1m05s · stages 2/5 (1 running) · tasks 130/200 (8 running, 2 failed)".
// `stages` that is not an array (no model yet) gives only the state and duration.
std::string ProgressLine(const std::string& state, const std::string& duration,
                         const boost::json::value& stages);

}  // namespace sparkplane::cli
