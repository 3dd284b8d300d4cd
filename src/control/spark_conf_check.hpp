// sparkConf checked before an app is accepted: keys the runtime owns are refused, Spark byte
// sizes must parse as Spark parses them, and keys the installed Spark does not know draw a
// "did you mean" warning (custom keys are legal in Spark, so they are never refused).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.hpp"

namespace sparkplane::control {

// kInvalidArgument naming `path`.key for a key the runtime sets itself (spark.master, ...) or a
// malformed size (spark.driver.memory=4 GB). `path` is the field path, e.g. "configOverrides.sparkConf".
Status CheckSparkConf(const boost::json::object& spark_conf, const std::string& path);

// The configuration keys of one Spark installation (scripts/spark_config_keys.py writes them to
// SPARK_HOME/sparkplane-config-keys.txt at setup). Immutable after loading; thread-safe.
class SparkConfigKeys {
 public:
  // nullopt when the list is missing or empty (then no key is reported as unknown).
  static std::optional<SparkConfigKeys> Load(const std::filesystem::path& spark_home);
  explicit SparkConfigKeys(std::vector<std::string> keys);

  // Known keys, and keys under a known family (an entry ending in '.', e.g. spark.hadoop.).
  bool Known(std::string_view key) const;
  // The known key closest to `key` by edit distance, if it is close enough to be a typo.
  std::optional<std::string> Closest(std::string_view key) const;

 private:
  std::vector<std::string> keys_;      // sorted
  std::vector<std::string> families_;  // entries ending in '.'
};

// One warning per sparkConf key `keys` does not know, e.g. "spark.exectuor.memory is not a Spark
// configuration key; did you mean spark.executor.memory?".
std::vector<std::string> UnknownKeyWarnings(const boost::json::object& spark_conf, const SparkConfigKeys& keys);

}  // namespace sparkplane::control
