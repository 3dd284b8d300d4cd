// Ocean Spark ApplicationSpec: validation of user-supplied specs and typed accessors on a
// resolved spec. Specs are Boost.JSON objects; nothing here touches processes or storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "common/spec_fields.hpp"

namespace sparkplane::control {

// Bounds that keep the runtime's arithmetic exact: cores × instances fits an int and a timeout
// in epoch millis fits an int64.
inline constexpr int kMaxCores = 1024;
inline constexpr int64_t kMaxInstances = 100000;
inline constexpr int64_t kMaxTimeoutMinutes = 10 * 366 * 24 * 60;  // ten years

// Checks an ApplicationSpec as a client may send it (configOverrides, a template or a job
// config): unknown keys, types, enums, memory strings. `where` prefixes field paths in errors,
// e.g. "configOverrides".
Status ValidateAppSpec(const boost::json::value& spec, std::string_view where);

// Epoch millis when an app created at `created_at` times out under `config`'s timeout
// (default 24 h); nullopt when the timeout is "DISABLED".
std::optional<int64_t> TimeoutDeadline(const boost::json::object& config, int64_t created_at);

}  // namespace sparkplane::control
