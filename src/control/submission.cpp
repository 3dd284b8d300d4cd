#include "control/submission.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/spec_fields.hpp"
#include "common/util.hpp"
#include "control/app_spec.hpp"
#include "runtime/spark_install.hpp"
#include "control/secrets.hpp"
#include "runtime/spark_submit.hpp"

namespace sparkplane::control {
namespace json = boost::json;

namespace {

tl::unexpected<Error> BadField(std::string_view field, std::string message) {
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, message), {std::string(field)});
}

Result<std::string> OptionalId(const json::object& body, std::string_view key) {
  auto* v = body.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return BadField(key, "must be a string");
  std::string id(v->get_string());
  if (!id.empty() && !IsK8sName(id)) {
    return BadField(key, fmt::format("'{}' is not a valid id: use lowercase letters, digits, '-' "
                                     "and '.', starting and ending with a letter or digit (at "
                                     "most 253)",
                                     id));
  }
  return id;
}

// Where a resolved field came from, for errors: "configOverrides.x" when the client sent it,
// else "x (from <layer>)"; and the field path to report.
std::pair<std::string, std::string> FieldFrom(const MergedConfig& merged, std::string_view field) {
  auto* source = merged.sources.if_contains(fmt::format("/{}", field));
  std::string layer = source && source->is_string() ? std::string(source->get_string()) : "configOverrides";
  if (layer == "configOverrides") {
    std::string path = fmt::format("configOverrides.{}", field);
    return {path, path};
  }
  return {fmt::format("{} (from {})", field, layer), std::string(field)};
}

Status CheckSparkVersion(const MergedConfig& merged, const std::vector<std::string>& installed) {
  auto requested = GetString(merged.config, "sparkVersion");
  if (!requested || installed.empty()) return Ok();
  for (const auto& version : installed) {
    if (runtime::VersionSelects(*requested, version)) return Ok();
  }
  std::string list;
  for (const auto& version : installed) list += (list.empty() ? "" : ", ") + version;
  auto [where, path] = FieldFrom(merged, "sparkVersion");
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("{}: Spark '{}' is not installed here; installed: {}", where, *requested, list), {path});
}

}  // namespace

const json::object& PlatformDefaults() {
  static const json::object defaults = json::parse(R"({
    "driver": {"cores": 1, "memory": "1g"},
    "executor": {"cores": 4, "instances": 6},
    "sparkConf": {
      "spark.eventLog.logStageExecutorMetrics": "true",
      "spark.executor.processTreeMetrics.enabled": "true",
      "spark.executor.metrics.pollingInterval": "5s",
      "spark.sql.adaptive.enabled": "true",
      "spark.decommission.enabled": "true",
      "spark.storage.decommission.enabled": "true",
      "spark.storage.decommission.rddBlocks.enabled": "true",
      "spark.storage.decommission.shuffleBlocks.enabled": "true",
      "spark.dynamicAllocation.shuffleTracking.enabled": "true",
      "spark.dynamicAllocation.executorAllocationRatio": "0.33",
      "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout": "30",
      "spark.cleaner.periodicGC.interval": "1min",
      "spark.sql.execution.arrow.pyspark.enabled": "true",
      "spark.sql.execution.arrow.pyspark.fallback.enabled": "true",
      "spark.ui.showConsoleProgress": "false"
    }
  })").as_object();
  return defaults;
}

std::string DeriveJobId(const std::string& main_file, const std::string& main_class) {
  std::string base = std::filesystem::path(main_file).stem().string();
  if (!main_class.empty()) base = main_class.substr(main_class.rfind('.') + 1);
  std::string slug;
  for (char c : base) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool alnum = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (alnum) {
      slug += l;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 40) slug.resize(40);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "app";
  uint32_t hash = 2166136261u;  // FNV-1a of the identity of the code
  for (char c : main_file + "|" + main_class) hash = (hash ^ static_cast<uint8_t>(c)) * 16777619u;
  return fmt::format("{}-{:08x}", slug, hash);
}

Result<SubmissionPlan> PlanSubmission(const json::value& body_value, const SubmissionLookups& lookups,
                                      const SubmissionHost& host) {
  if (!body_value.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the body must be a JSON object such as {\"jobId\": \"my-job\", \"configOverrides\": {...}}");
  }
  const auto& body = body_value.get_object();
  SPARKPLANE_TRY(CheckKnownKeys(body, {"jobId", "appId", "configTemplateId", "submissionSource", "configOverrides"}));
  SubmissionPlan plan;
  auto job_id = OptionalId(body, "jobId");
  if (!job_id) return tl::unexpected(job_id.error());
  auto app_id = OptionalId(body, "appId");
  if (!app_id) return tl::unexpected(app_id.error());
  auto template_id = OptionalId(body, "configTemplateId");
  if (!template_id) return tl::unexpected(template_id.error());
  plan.submission_source = "public-api";
  if (auto* v = body.if_contains("submissionSource"); v && !v->is_null()) {
    if (!v->is_string() || (v->get_string() != "public-api" && v->get_string() != "jupyter-enterprise-gateway"))
      return BadField("submissionSource", "must be 'public-api' or 'jupyter-enterprise-gateway'");
    plan.submission_source = std::string(v->get_string());
  }
  const json::object* overrides = nullptr;
  json::object kept_overrides;  // configOverrides without placeholders of redacted values
  std::vector<std::string> placeholders;
  if (auto* v = body.if_contains("configOverrides"); v && !v->is_null()) {
    SPARKPLANE_TRY(ValidateAppSpec(*v, "configOverrides"));
    // A config read back redacted and resubmitted keeps the lower layers' real values.
    kept_overrides = v->get_object();
    placeholders = StripRedactedPlaceholders(kept_overrides);
    overrides = &kept_overrides;
  }
  std::optional<json::value> template_spec;
  if (!template_id->empty()) {
    auto found = lookups.template_config(*template_id);
    if (!found) {
      Error e = found.error();
      if (e.code == ErrorCode::kNotFound) e.field_paths = {"configTemplateId"};
      return tl::unexpected(e);
    }
    if (!found->is_object()) {
      return Fail(ErrorCode::kCorruption, fmt::format("the stored config of template '{}' is not an object", *template_id));
    }
    template_spec = std::move(*found);
  }
  auto layered = [&](const std::optional<json::value>& job_spec) {
    std::string template_source = "template:" + *template_id;
    // Ocean's precedence, lowest first: platform defaults only fill what no layer sets.
    ConfigLayer layers[] = {
        {"platformDefaults", &PlatformDefaults()},
        {template_source, template_spec ? &template_spec->get_object() : nullptr},
        {"jobConfig", job_spec && job_spec->is_object() ? &job_spec->get_object() : nullptr},
        {"configOverrides", overrides}};
    return MergeConfig(layers);
  };
  // The job may be derived from the main file, so merge once without the job layer to find it.
  plan.merged = layered(std::nullopt);
  if (job_id->empty()) {
    auto file = GetString(plan.merged.config, "mainApplicationFile").value_or("");
    auto path = runtime::LocalApplicationPath(file);
    *job_id = DeriveJobId(path ? *path : file, GetString(plan.merged.config, "mainClass").value_or(""));
  }
  if (auto job_spec = lookups.job_config(*job_id)) plan.merged = layered(job_spec);
  SPARKPLANE_TRY(CheckPlaceholdersResolved(plan.merged.config, placeholders, "configOverrides"));

  // The resolved spec must be runnable here; say why at submission rather than at launch.
  auto main_file = GetString(plan.merged.config, "mainApplicationFile");
  if (!main_file) {
    return Fail(ErrorCode::kInvalidArgument, "configOverrides.mainApplicationFile is required",
                {"configOverrides.mainApplicationFile"});
  }
  auto local_path = runtime::LocalApplicationPath(*main_file);
  if (!local_path) return tl::unexpected(local_path.error());
  if (!lookups.file_exists(*local_path)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("mainApplicationFile '{}' does not exist on the sparkplane host", *main_file),
                {"configOverrides.mainApplicationFile"});
  }
  SPARKPLANE_TRY(CheckSparkVersion(plan.merged, host.spark_versions));
  if (const auto* spark_conf = GetObject(plan.merged.config, "sparkConf"); spark_conf && host.config_keys) {
    plan.warnings = UnknownKeyWarnings(*spark_conf, *host.config_keys);
  }
  if (app_id->empty()) *app_id = *job_id + "-" + NewUuid4();
  if (!IsK8sName(*app_id)) {
    return BadField("jobId", "is too long to derive an app id from; send a shorter jobId or an appId");
  }
  runtime::LocalSubmitContext dry_run{host.spark_home, host.data_dir / "apps" / *app_id, *app_id,
                                      host.max_local_cores};
  auto command = runtime::BuildLocalSubmit(plan.merged.config, dry_run);
  if (!command) return tl::unexpected(command.error());
  plan.argv = std::move(command->argv);
  plan.properties = std::move(command->properties);
  plan.app_id = std::move(*app_id);
  plan.job_id = std::move(*job_id);
  plan.template_id = std::move(*template_id);
  return plan;
}

}  // namespace sparkplane::control
