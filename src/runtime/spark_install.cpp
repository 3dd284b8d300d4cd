#include "runtime/spark_install.hpp"

namespace sparkplane::runtime {

std::optional<std::string> SparkVersionAt(const std::filesystem::path& spark_home) {
  std::error_code ec;
  constexpr std::string_view kPrefix = "spark-core_";
  for (const auto& entry : std::filesystem::directory_iterator(spark_home / "jars", ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix) || !name.ends_with(".jar")) continue;
    size_t dash = name.find('-', kPrefix.size());  // after the Scala version
    if (dash == std::string::npos) continue;
    std::string version = name.substr(dash + 1, name.size() - dash - 1 - 4);
    if (!version.empty()) return version;
  }
  return std::nullopt;
}

bool VersionSelects(const std::string& requested, const std::string& installed) {
  if (requested.empty() || !installed.starts_with(requested)) return false;
  return installed.size() == requested.size() || installed[requested.size()] == '.';
}

}  // namespace sparkplane::runtime
