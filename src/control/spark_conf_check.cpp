#include "control/spark_conf_check.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include <fmt/format.h>

namespace sparkplane::control {
namespace json = boost::json;
namespace {

struct OwnedKey {
  std::string_view key;
  std::string_view why;
};

// Set by the runtime for every app; a user's value would be overridden or break the runtime.
constexpr OwnedKey kRuntimeOwned[] = {
    {"spark.master", "the runtime picks the cluster manager"},
    {"spark.submit.deployMode", "the runtime picks the deploy mode"},
    {"spark.eventLog.enabled", "sparkplane always writes the event log it observes the app with"},
    {"spark.eventLog.dir", "sparkplane writes the event log into the app's folder"},
};

// Keys Spark reads with JavaUtils.byteStringAs (sizes such as 512m, 4g).
constexpr std::string_view kByteSizeKeys[] = {
    "spark.driver.memory",         "spark.executor.memory",          "spark.driver.memoryOverhead",
    "spark.executor.memoryOverhead", "spark.executor.pyspark.memory", "spark.memory.offHeap.size",
    "spark.driver.maxResultSize",
};

// Spark's byte strings: digits, then optionally one of its units (case-insensitive); no spaces
// inside, no fractions.
bool IsSparkByteString(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 18) return false;
  std::string unit(text.substr(digits));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  constexpr std::string_view kUnits[] = {"", "b", "k", "kb", "m", "mb", "g", "gb", "t", "tb", "p", "pb"};
  return std::find(std::begin(kUnits), std::end(kUnits), unit) != std::end(kUnits);
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped: returns
// limit + 1 as soon as the distance must exceed `limit`.
size_t EditDistance(std::string_view a, std::string_view b, size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    size_t row_min = current[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > limit) return limit + 1;
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

}  // namespace

Status CheckSparkConf(const json::object& spark_conf, const std::string& path) {
  for (const auto& [key, value] : spark_conf) {
    std::string field = fmt::format("{}.{}", path, std::string_view(key));
    for (const auto& owned : kRuntimeOwned) {
      if (key == owned.key) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{}: sparkplane sets {} itself ({}); remove it", field, owned.key, owned.why),
                    {field});
      }
    }
    if (!value.is_string()) continue;  // the field check reports non-strings
    if (std::find(std::begin(kByteSizeKeys), std::end(kByteSizeKeys), std::string_view(key)) !=
            std::end(kByteSizeKeys) &&
        !IsSparkByteString(value.get_string())) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: '{}' is not a size Spark reads; use a whole number with an optional "
                              "unit and no space, e.g. 512m or 4g",
                              field, std::string_view(value.get_string())),
                  {field});
    }
  }
  return Ok();
}

SparkConfigKeys::SparkConfigKeys(std::vector<std::string> keys) : keys_(std::move(keys)) {
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  for (const auto& k : keys_) {
    if (!k.empty() && k.back() == '.') families_.push_back(k);
  }
}

std::optional<SparkConfigKeys> SparkConfigKeys::Load(const std::filesystem::path& spark_home) {
  std::ifstream in(spark_home / "sparkplane-config-keys.txt");
  std::vector<std::string> keys;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) keys.push_back(line);
  }
  if (keys.empty()) return std::nullopt;
  return SparkConfigKeys(std::move(keys));
}

bool SparkConfigKeys::Known(std::string_view key) const {
  if (std::binary_search(keys_.begin(), keys_.end(), key)) return true;
  return std::any_of(families_.begin(), families_.end(),
                     [&](const std::string& family) { return key.starts_with(family) && key.size() > family.size(); });
}

std::optional<std::string> SparkConfigKeys::Closest(std::string_view key) const {
  size_t limit = std::max<size_t>(2, key.size() / 10);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& candidate : keys_) {
    size_t d = EditDistance(key, candidate, std::min(limit, best_distance));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::vector<std::string> UnknownKeyWarnings(const json::object& spark_conf, const SparkConfigKeys& keys) {
  std::vector<std::string> warnings;
  for (const auto& [key, value] : spark_conf) {
    if (keys.Known(key)) continue;
    auto closest = keys.Closest(key);
    warnings.push_back(closest ? fmt::format("{} is not a Spark configuration key; did you mean {}?",
                                             std::string_view(key), *closest)
                               : fmt::format("{} is not a Spark configuration key (Spark ignores keys it does "
                                             "not know; the app can still read it)",
                                             std::string_view(key)));
  }
  return warnings;
}

}  // namespace sparkplane::control
