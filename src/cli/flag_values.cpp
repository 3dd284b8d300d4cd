#include "cli/flag_values.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <filesystem>

#include "common/spec_fields.hpp"
#include "common/util.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kStates[] = {
    "PENDING", "RUNNING", "COMPLETED", "COMPLETED_WITH_WARNINGS", "FAILED", "KILLED", "TIMED_OUT"};

// A path made absolute (URLs such as s3a:// or local:// are kept as they are).
std::string AbsolutePath(const std::string& path, const std::string& cwd) {
  if (path.find("://") != std::string::npos) return path;
  fs::path p(path);
  if (p.is_relative()) p = fs::path(cwd) / p;
  return p.lexically_normal().string();
}

json::array AbsolutePaths(const std::vector<std::string>& paths, const std::string& cwd) {
  json::array out;
  for (auto& p : paths) out.emplace_back(AbsolutePath(p, cwd));
  return out;
}

Status CheckMemory(std::string_view flag, const std::string& value) {
  if (value.empty()) return Ok();
  auto parsed = ParseMemoryMiB(value);
  if (!parsed)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{} {}", flag, parsed.error().message));
  return Ok();
}

}  // namespace

Result<std::string> SinceToIso(std::string_view since, int64_t now_millis) {
  if (!since.empty() && std::isdigit(static_cast<unsigned char>(since.front()))) {
    int64_t amount = 0;
    auto [end, ec] = std::from_chars(since.data(), since.data() + since.size(), amount);
    std::string_view unit(end, static_cast<size_t>(since.data() + since.size() - end));
    int64_t unit_millis = unit == "s"   ? 1000
                          : unit == "m" ? 60'000
                          : unit == "h" ? 3'600'000
                          : unit == "d" ? 86'400'000
                                        : 0;
    if (ec == std::errc() && unit_millis > 0 && amount <= 100LL * 365 * 86'400'000 / unit_millis) {
      return FormatIsoMillis(now_millis - amount * unit_millis);
    }
  }
  auto at = ParseIsoMillis(since);
  if (!at) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--since '{}' must be an age such as 30m, 2h or 7d, or a time such as "
                            "2026-12-01 or 2026-12-01T08:00:00Z",
                            since));
  }
  return FormatIsoMillis(*at);
}

Result<std::string> NormalizeAppState(std::string_view state) {
  std::string upper(state);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto s : kStates) {
    if (s == upper) return upper;
  }
  return Fail(
      ErrorCode::kInvalidArgument,
      fmt::format(
          "--state '{}' must be one of PENDING, RUNNING, COMPLETED, COMPLETED_WITH_WARNINGS, "
          "FAILED, KILLED, TIMED_OUT",
          state));
}

Result<json::object> SubmissionBody(const SubmitFlags& flags, const std::string& cwd) {
  if (flags.file_and_args.empty())
    return Fail(ErrorCode::kInvalidArgument, "the application file is missing");
  json::object overrides{{"mainApplicationFile", AbsolutePath(flags.file_and_args[0], cwd)}};
  if (flags.file_and_args.size() > 1) {
    json::array args;
    for (size_t i = 1; i < flags.file_and_args.size(); ++i)
      args.emplace_back(flags.file_and_args[i]);
    overrides["arguments"] = std::move(args);
  }
  if (!flags.main_class.empty()) overrides["mainClass"] = flags.main_class;
  json::object spark_conf;
  for (auto& kv : flags.confs) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("--conf '{}' must be KEY=VALUE", kv));
    }
    spark_conf[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!spark_conf.empty()) overrides["sparkConf"] = std::move(spark_conf);
  SPARKPLANE_TRY(CheckMemory("--driver-memory", flags.driver_memory));
  SPARKPLANE_TRY(CheckMemory("--executor-memory", flags.executor_memory));
  if (!flags.driver_memory.empty())
    overrides["driver"] = json::object{{"memory", flags.driver_memory}};
  json::object executor;
  if (!flags.executor_memory.empty()) executor["memory"] = flags.executor_memory;
  if (flags.executors) {
    if (*flags.executors < 1) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("--executors {} must be at least 1", *flags.executors));
    }
    executor["instances"] = *flags.executors;
  }
  if (!executor.empty()) overrides["executor"] = std::move(executor);
  json::object deps;
  if (!flags.py_files.empty()) deps["pyFiles"] = AbsolutePaths(flags.py_files, cwd);
  if (!flags.jars.empty()) deps["jars"] = AbsolutePaths(flags.jars, cwd);
  if (!deps.empty()) overrides["deps"] = std::move(deps);

  json::object body{{"jobId", flags.job_id}, {"configOverrides", std::move(overrides)}};
  if (!flags.app_id.empty()) body["appId"] = flags.app_id;
  if (!flags.template_id.empty()) body["configTemplateId"] = flags.template_id;
  return body;
}

}  // namespace sparkplane::cli
