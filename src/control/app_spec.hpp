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

// Checks an ApplicationSpec as a client may send it (configOverrides, a template or a job
// config): unknown keys, types, enums, memory strings. `where` prefixes field paths in errors,
// e.g. "configOverrides".
Status ValidateAppSpec(const boost::json::value& spec, std::string_view where);

}  // namespace sparkplane::control
