#include "runtime/spark_submit.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/spec_fields.hpp"

namespace sparkplane::runtime {
namespace json = boost::json;

namespace {

std::string JoinStrings(const json::value* v) {
  std::string out;
  if (!v || !v->is_array()) return out;
  for (auto& item : v->get_array()) {
    if (!item.is_string()) continue;
    if (!out.empty()) out += ',';
    out += std::string_view(item.get_string());
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<std::string> LocalApplicationPath(const std::string& file) {
  std::string path = file;
  for (std::string_view scheme : {"file://", "local://"}) {
    if (path.rfind(scheme, 0) == 0) {
      path = path.substr(scheme.size());
      break;
    }
  }
  if (path.find("://") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("mainApplicationFile '{}': only local paths and file:// URLs are "
                            "supported by the local runtime",
                            file),
                {"mainApplicationFile"});
  }
  if (path.empty() || path.front() != '/') {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("mainApplicationFile '{}' must be an absolute path", file),
                {"mainApplicationFile"});
  }
  return std::filesystem::path(path).lexically_normal().string();
}

std::string AppLanguage(const json::object& config) {
  if (auto type = GetString(config, "type")) return *type;
  auto file = GetString(config, "mainApplicationFile").value_or("");
  return EndsWith(file, ".py") ? "Python" : "Java";
}

namespace {

constexpr int kMaxCount = 1'000'000;  // above any core or instance count the validator accepts

// A count from a spec number, clamped into [0, limit] (NaN → 0) before it becomes an int.
int ClampedCount(double value, int limit) {
  if (!(value > 0)) return 0;
  return value >= limit ? limit : static_cast<int>(value);
}

}  // namespace

int LocalCores(const json::object& config, int max_local_cores) {
  const json::object* executor = GetObject(config, "executor");
  double cores = executor ? GetNumber(*executor, "cores").value_or(1) : 1;
  double instances = executor ? GetNumber(*executor, "instances").value_or(1) : 1;
  int limit = std::max(1, max_local_cores);
  return std::max(1, ClampedCount(std::ceil(std::max(1.0, cores) * std::max(1.0, instances)), limit));
}

Result<std::vector<std::string>> BuildLocalSubmitArgv(const json::object& config,
                                                      const LocalSubmitContext& ctx) {
  auto main_file = GetString(config, "mainApplicationFile");
  if (!main_file || main_file->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "mainApplicationFile is required",
                {"mainApplicationFile"});
  }
  auto path = LocalApplicationPath(*main_file);
  if (!path) return tl::unexpected(path.error());
  std::string language = AppLanguage(config);
  auto main_class = GetString(config, "mainClass");
  if (language != "Python" && !main_class && !EndsWith(*path, ".jar")) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a {} app needs mainClass or a .jar mainApplicationFile", language),
                {"mainClass"});
  }

  const json::object empty;
  const json::object* driver = GetObject(config, "driver");
  const json::object* executor = GetObject(config, "executor");
  if (!driver) driver = &empty;
  if (!executor) executor = &empty;
  double executor_cores = GetNumber(*executor, "cores").value_or(1);
  double instances = GetNumber(*executor, "instances").value_or(1);
  int local_cores = LocalCores(config, ctx.max_local_cores);

  std::vector<std::string> argv = {(ctx.spark_home / "bin" / "spark-submit").string(),
                                   "--master", fmt::format("local[{}]", local_cores),
                                   "--deploy-mode", "client", "--name", ctx.app_id};
  if (main_class) argv.insert(argv.end(), {"--class", *main_class});

  if (const json::object* deps = GetObject(config, "deps")) {
    constexpr std::pair<std::string_view, std::string_view> kDepFlags[] = {
        {"jars", "--jars"}, {"pyFiles", "--py-files"}, {"files", "--files"},
        {"packages", "--packages"}, {"excludePackages", "--exclude-packages"},
        {"repositories", "--repositories"}};
    for (auto [key, flag] : kDepFlags) {
      std::string joined = JoinStrings(deps->if_contains(key));
      if (!joined.empty()) argv.insert(argv.end(), {std::string(flag), joined});
    }
  }

  auto conf = [&argv](std::string_view key, std::string_view value) {
    argv.push_back("--conf");
    argv.push_back(fmt::format("{}={}", key, value));
  };
  if (auto memory = GetString(*driver, "memory")) {
    auto mib = ParseMemoryMiB(*memory);
    if (!mib) return tl::unexpected(mib.error());
    argv.insert(argv.end(), {"--driver-memory", fmt::format("{}m", *mib)});
  }
  if (auto cores = GetNumber(*driver, "cores")) conf("spark.driver.cores", fmt::format("{}", ClampedCount(std::ceil(*cores), kMaxCount)));
  if (auto java = GetString(*driver, "javaOptions")) argv.insert(argv.end(), {"--driver-java-options", *java});
  if (auto memory = GetString(*executor, "memory")) {
    auto mib = ParseMemoryMiB(*memory);
    if (!mib) return tl::unexpected(mib.error());
    conf("spark.executor.memory", fmt::format("{}m", *mib));
  }
  conf("spark.executor.cores", fmt::format("{}", ClampedCount(std::ceil(executor_cores), kMaxCount)));
  conf("spark.executor.instances", fmt::format("{}", ClampedCount(instances, kMaxCount)));
  if (auto java = GetString(*executor, "javaOptions")) conf("spark.executor.extraJavaOptions", *java);

  if (const json::object* spark_conf = GetObject(config, "sparkConf")) {
    for (auto& [k, v] : *spark_conf)
      if (v.is_string()) conf(k, v.get_string());
  }
  if (const json::object* hadoop_conf = GetObject(config, "hadoopConf")) {
    for (auto& [k, v] : *hadoop_conf)
      if (v.is_string()) conf(fmt::format("spark.hadoop.{}", std::string_view(k)), v.get_string());
  }
  // Event logging into the app's folder is what observability is built on: not overridable.
  conf("spark.eventLog.enabled", "true");
  conf("spark.eventLog.dir", (ctx.app_dir / "eventlog").string());

  argv.push_back(*path);
  if (auto* args = config.if_contains("arguments"); args && args->is_array()) {
    for (auto& a : args->get_array())
      if (a.is_string()) argv.emplace_back(a.get_string());
  }
  return argv;
}

}  // namespace sparkplane::runtime
