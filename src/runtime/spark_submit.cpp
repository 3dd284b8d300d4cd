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

// An environment variable's name must be non-empty and hold no '=' (the name ends at the first).
Status CheckEnvNames(const json::object& env, std::string_view where) {
  for (auto& [k, _] : env) {
    if (k.empty() || k.find('=') != json::string_view::npos) {
      std::string path = fmt::format("{}.{}", where, std::string_view(k));
      return Fail(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: an environment variable name must be non-empty and contain no '='",
                      path),
          {path});
    }
  }
  return Ok();
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

Result<LocalSubmitCommand> BuildLocalSubmit(const json::object& config,
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

  LocalSubmitCommand command;
  command.properties_file = ctx.app_dir / std::string(kPropertiesFileName);
  SparkProperties& props = command.properties;
  // Spec fields spark-submit has no flag for come first, so sparkConf can override them.
  if (auto cores = GetNumber(*driver, "cores")) {
    props.Set("spark.driver.cores", fmt::format("{}", ClampedCount(std::ceil(*cores), kMaxCount)));
  }
  if (auto memory = GetString(*executor, "memory")) {
    auto mib = ParseMemoryMiB(*memory);
    if (!mib) return tl::unexpected(mib.error());
    props.Set("spark.executor.memory", fmt::format("{}m", *mib));
  }
  props.Set("spark.executor.cores",
            fmt::format("{}", ClampedCount(std::ceil(executor_cores), kMaxCount)));
  props.Set("spark.executor.instances", fmt::format("{}", ClampedCount(instances, kMaxCount)));
  if (auto java = GetString(*executor, "javaOptions"))
    props.Set("spark.executor.extraJavaOptions", *java);
  if (const json::object* env = GetObject(*executor, "envVars")) {
    SPARKPLANE_TRY(CheckEnvNames(*env, "executor.envVars"));
    for (auto& [k, v] : *env)
      if (v.is_string())
        props.Set(fmt::format("spark.executorEnv.{}", std::string_view(k)), v.get_string());
  }

  if (const json::object* spark_conf = GetObject(config, "sparkConf")) {
    for (auto& [k, v] : *spark_conf)
      if (v.is_string()) props.Set(k, v.get_string());
  }
  if (const json::object* hadoop_conf = GetObject(config, "hadoopConf")) {
    for (auto& [k, v] : *hadoop_conf)
      if (v.is_string())
        props.Set(fmt::format("spark.hadoop.{}", std::string_view(k)), v.get_string());
  }

  // What were spark-submit flags (--driver-memory, --jars, ...) win over sparkConf, as the flags
  // did: spark-submit reads these properties only when the flag is absent.
  if (auto memory = GetString(*driver, "memory")) {
    auto mib = ParseMemoryMiB(*memory);
    if (!mib) return tl::unexpected(mib.error());
    props.Set("spark.driver.memory", fmt::format("{}m", *mib));
  }
  if (auto java = GetString(*driver, "javaOptions"))
    props.Set("spark.driver.extraJavaOptions", *java);
  if (const json::object* deps = GetObject(config, "deps")) {
    constexpr std::pair<std::string_view, std::string_view> kDepProperties[] = {
        {"jars", "spark.jars"},
        {"pyFiles", "spark.submit.pyFiles"},
        {"files", "spark.files"},
        {"packages", "spark.jars.packages"},
        {"excludePackages", "spark.jars.excludes"},
        {"repositories", "spark.jars.repositories"}};
    for (auto [key, property] : kDepProperties) {
      std::string joined = JoinStrings(deps->if_contains(key));
      if (!joined.empty()) props.Set(property, joined);
    }
  }
  // Event logging into the app's folder is what observability is built on: not overridable.
  props.Set("spark.eventLog.enabled", "true");
  props.Set("spark.eventLog.dir", (ctx.app_dir / "eventlog").string());

  if (const json::object* env = GetObject(*driver, "envVars")) {
    SPARKPLANE_TRY(CheckEnvNames(*env, "driver.envVars"));
    for (auto& [k, v] : *env) {
      if (!v.is_string()) continue;
      command.driver_env.push_back(
          fmt::format("{}={}", std::string_view(k), std::string_view(v.get_string())));
    }
  }

  std::vector<std::string>& argv = command.argv;
  argv = {(ctx.spark_home / "bin" / "spark-submit").string(),
          "--master",
          fmt::format("local[{}]", local_cores),
          "--deploy-mode",
          "client",
          "--name",
          ctx.app_id};
  if (main_class) argv.insert(argv.end(), {"--class", *main_class});
  argv.insert(argv.end(), {"--properties-file", command.properties_file.string()});
  argv.push_back(*path);
  if (auto* args = config.if_contains("arguments"); args && args->is_array()) {
    for (auto& a : args->get_array())
      if (a.is_string()) argv.emplace_back(a.get_string());
  }
  return command;
}

}  // namespace sparkplane::runtime
