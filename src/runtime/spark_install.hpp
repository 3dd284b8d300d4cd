// What a Spark installation is: its version, read from the jars it ships.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace sparkplane::runtime {

// The version of the Spark at `spark_home` (from jars/spark-core_<scala>-<version>.jar), e.g.
// "4.0.1"; nullopt if there is no such jar.
std::optional<std::string> SparkVersionAt(const std::filesystem::path& spark_home);

// Whether a requested sparkVersion selects `installed`: equal, or a prefix ending at a dot
// ("4.0" and "4" select "4.0.1"; "4.0.1" does not select "4.0.10").
bool VersionSelects(const std::string& requested, const std::string& installed);

}  // namespace sparkplane::runtime
