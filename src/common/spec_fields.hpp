// Typed reads of ApplicationSpec values shared by control/ and runtime/: JSON member accessors
// and Spark/Kubernetes memory strings.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/result.hpp"

namespace sparkplane {

// Parses a memory string ("512m", "4g", "8.5g", "2Gi", or a bare number, read as MiB like Spark does) into MiB,
// rounding up.
Result<int64_t> ParseMemoryMiB(std::string_view text);

// A string member; nullopt when absent or not a string.
std::optional<std::string> GetString(const boost::json::object& o, std::string_view key);
// A numeric member (int or double); nullopt when absent or not a number.
std::optional<double> GetNumber(const boost::json::object& o, std::string_view key);
// A nested object member or nullptr.
const boost::json::object* GetObject(const boost::json::object& o, std::string_view key);

// kInvalidArgument naming the first key of `body` not in `allowed` (field path `""` for an
// empty key, so every rejection says where), or Ok.
Status CheckKnownKeys(const boost::json::object& body, std::initializer_list<std::string_view> allowed);

}  // namespace sparkplane
