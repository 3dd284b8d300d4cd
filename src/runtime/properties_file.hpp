// Spark properties files (spark-submit --properties-file): the way config values reach Spark
// without appearing on any command line, where every local user could read them (ps, /proc).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::runtime {

// Spark properties in the order they are written; a key appears at most once.
class SparkProperties {
 public:
  // Sets `key`, replacing an earlier value in place (so the last setting wins, as with --conf).
  void Set(std::string_view key, std::string_view value);
  // The value of `key`, or nullptr.
  const std::string* Find(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// The text of a java.util.Properties file holding `properties`, one `key=value` line each, with
// every character Properties.load would read differently escaped (\\, =, :, #, !, spaces in
// keys, a leading space in values, control and non-ASCII characters as \uXXXX). Spark trims
// each loaded value, as it does for spark-defaults.conf, so surrounding whitespace is dropped.
std::string FormatPropertiesFile(const SparkProperties& properties);

// Writes the file atomically (temporary file and rename), created with mode 0600: it holds
// secrets. Replaces an existing file.
Status WritePropertiesFile(const std::filesystem::path& path, const SparkProperties& properties);

}  // namespace sparkplane::runtime
