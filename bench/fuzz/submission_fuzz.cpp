// libFuzzer target: arbitrary bytes as a POST /cluster/{c}/app body through the server's own
// path (JSON parse → ApplicationSpec validation → template/job/defaults/overrides merge →
// spark-submit command), with a fixed template and job config so every merge layer takes part.
// A rejection must say what and where; an accepted submission must hold the invariants below.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "common/spec_fields.hpp"
#include "common/util.hpp"
#include "control/app_spec.hpp"
#include "control/submission.hpp"
#include "runtime/spark_submit.hpp"

namespace {
namespace json = boost::json;
using namespace sparkplane;

[[noreturn]] void Broken(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "invariant broken: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}
#define EXPECT_INVARIANT(cond, detail) \
  do {                                 \
    if (!(cond)) Broken(#cond, detail); \
  } while (0)

constexpr std::string_view kTemplateId = "tpl-1";
constexpr std::string_view kJobId = "etl-daily";
constexpr std::string_view kJobsDir = "/opt/jobs/";
constexpr int kMaxLocalCores = 8;
const control::SubmissionHost kHost{"/opt/spark", "/var/lib/sparkplane", kMaxLocalCores};

struct Fixture {
  json::value template_config = json::parse(R"({
    "mainApplicationFile": "/opt/jobs/template.py", "sparkVersion": "4.0.1",
    "sparkConf": {"spark.from.template": "t", "spark.sql.shuffle.partitions": "8"},
    "driver": {"memory": "2g", "cores": 2, "javaOptions": "-Dt=1"},
    "executor": {"memory": {"strategy": "autotuning", "historySize": 5}, "instances": 2},
    "timeout": {"minutes": 60, "policy": "KILL"}, "deps": {"jars": ["/opt/jobs/a.jar"]}})");
  json::value job_config = json::parse(R"({
    "executor": {"cores": 2, "memoryOverhead": "512m"}, "sparkConf": {"spark.from.job": "j"},
    "hadoopConf": {"fs.defaultFS": "file:///"}, "arguments": ["--from-job"], "timeout": "DISABLED"})");
  // Submissions without a jobId whose main file is pi.py land in a job that has a config too.
  std::string derived_job = control::DeriveJobId("/opt/jobs/pi.py", "");
  control::SubmissionLookups lookups{
      .template_config = [this](const std::string& id) -> Result<json::value> {
        if (id == kTemplateId) return template_config;
        return Fail(ErrorCode::kNotFound, "config template '" + id + "' not found");
      },
      .job_config = [this](const std::string& id) -> std::optional<json::value> {
        if (id == kJobId || id == derived_job) return job_config;
        return std::nullopt;
      },
      .file_exists = [](const std::string& path) { return path.rfind(kJobsDir, 0) == 0; }};

  Fixture() {
    // The fixed layers are what the store would hold: each passed the same validation.
    if (!control::ValidateAppSpec(template_config, "config") || !control::ValidateAppSpec(job_config, "config"))
      Broken("fixture", "the fixed template or job config does not validate");
  }
};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "<digits>" ≥ min from a "--conf key=value" value or a flag's value.
void ExpectCount(std::string_view value, long min, std::string_view what) {
  EXPECT_INVARIANT(IsDigits(value) && value.size() < 10 && std::atol(std::string(value).c_str()) >= min,
                   std::string(what) + "=" + std::string(value));
}

void CheckRejection(const json::value& body, const Error& e) {
  EXPECT_INVARIANT(!e.message.empty(), "a rejection without a message");
  EXPECT_INVARIANT(e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kNotFound, e.message);
  if (!body.is_object()) return;  // the whole body is the offending field
  EXPECT_INVARIANT(!e.field_paths.empty(), e.message);
  for (auto& p : e.field_paths) EXPECT_INVARIANT(!p.empty(), e.message);
}

void CheckMemoryStrings(const json::object& config) {
  for (std::string_view role : {"driver", "executor"}) {
    const json::object* pod = GetObject(config, role);
    if (!pod) continue;
    for (std::string_view key : {"memory", "memoryOverhead"}) {
      if (auto text = GetString(*pod, key)) EXPECT_INVARIANT(ParseMemoryMiB(*text).has_value(), *text);
    }
  }
}

void CheckSources(const control::MergedConfig& merged) {
  json::value config = merged.config;
  for (auto& [pointer, source] : merged.sources) {
    EXPECT_INVARIANT(source.is_string(), std::string(pointer));
    std::string_view s = source.get_string();
    EXPECT_INVARIANT(s == "template:tpl-1" || s == "jobConfig" || s == "platformDefaults" || s == "configOverrides",
                     std::string(s));
    json::error_code ec;
    EXPECT_INVARIANT(config.find_pointer(pointer, ec) != nullptr, std::string(pointer));
  }
}

void CheckArgv(const control::SubmissionPlan& plan) {
  const auto& argv = plan.argv;
  for (auto& a : argv) EXPECT_INVARIANT(a.find('\0') == std::string::npos, a);
  EXPECT_INVARIANT(argv.size() >= 10, "argv too short");
  EXPECT_INVARIANT(argv[0] == "/opt/spark/bin/spark-submit", argv[0]);
  EXPECT_INVARIANT(argv[1] == "--master" && argv[2].rfind("local[", 0) == 0 && argv[2].back() == ']', argv[2]);
  ExpectCount(std::string_view(argv[2]).substr(6, argv[2].size() - 7), 1, "local");
  EXPECT_INVARIANT(std::atoi(argv[2].c_str() + 6) <= kMaxLocalCores, argv[2]);
  EXPECT_INVARIANT(argv[3] == "--deploy-mode" && argv[4] == "client", argv[4]);
  EXPECT_INVARIANT(argv[5] == "--name" && argv[6] == plan.app_id, argv[6]);
  // Issue 18: nothing but these flags before the main file; every config value is a property.
  size_t i = 7;
  if (argv[i] == "--class") i += 2;
  std::string app_dir = "/var/lib/sparkplane/apps/" + plan.app_id;
  EXPECT_INVARIANT(i + 2 < argv.size() && argv[i] == "--properties-file" &&
                       argv[i + 1] == app_dir + "/spark.properties",
                   argv[i]);
  size_t main_index = i + 2;
  const json::object* spark_conf = GetObject(plan.merged.config, "sparkConf");
  auto from_spark_conf = [&](std::string_view key) {
    return spark_conf && spark_conf->contains(key);
  };
  for (auto& [key, value] : plan.properties.entries()) {
    // A key sparkConf sets may hold any string (Spark takes it, as the user asked).
    if (from_spark_conf(key)) continue;
    if (key == "spark.executor.cores" || key == "spark.driver.cores") ExpectCount(value, 1, key);
    if (key == "spark.executor.instances") ExpectCount(value, 0, key);
    if (key == "spark.executor.memory" || key == "spark.driver.memory") {
      EXPECT_INVARIANT(!value.empty() && value.back() == 'm', key);
      ExpectCount(std::string_view(value).substr(0, value.size() - 1), 1, key);
    }
  }
  // Event logs go to the app's own folder whatever the spec says.
  const std::string* event_dir = plan.properties.Find("spark.eventLog.dir");
  EXPECT_INVARIANT(event_dir && *event_dir == app_dir + "/eventlog",
                   event_dir ? *event_dir : "unset");
  const std::string& main_file = argv[main_index];
  EXPECT_INVARIANT(main_file.rfind(kJobsDir, 0) == 0, main_file);
  EXPECT_INVARIANT(std::filesystem::path(main_file).lexically_normal().string() == main_file, main_file);
  EXPECT_INVARIANT(main_file.find("/../") == std::string::npos, main_file);
}

void CheckAccepted(const control::SubmissionPlan& plan) {
  EXPECT_INVARIANT(IsK8sName(plan.app_id), plan.app_id);
  EXPECT_INVARIANT(IsK8sName(plan.job_id), plan.job_id);
  EXPECT_INVARIANT(plan.template_id.empty() || plan.template_id == kTemplateId, plan.template_id);
  EXPECT_INVARIANT(plan.submission_source == "public-api" || plan.submission_source == "jupyter-enterprise-gateway",
                   plan.submission_source);
  // Valid layers merge into a valid spec: the launcher and the API both read it back.
  auto resolved = control::ValidateAppSpec(plan.merged.config, "config");
  EXPECT_INVARIANT(resolved.has_value(), resolved ? "" : resolved.error().message + " in " + json::serialize(plan.merged.config));
  CheckMemoryStrings(plan.merged.config);
  CheckSources(plan.merged);
  constexpr int64_t kNow = 1'790'000'000'000;  // 2026
  if (auto deadline = control::TimeoutDeadline(plan.merged.config, kNow)) EXPECT_INVARIANT(*deadline > kNow, "deadline");
  int cores = runtime::LocalCores(plan.merged.config, kMaxLocalCores);
  EXPECT_INVARIANT(cores >= 1 && cores <= kMaxLocalCores, "local cores");
  CheckArgv(plan);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  // As api/api_handler.cpp's ParseBody: default options, an error is a 400 with its own message.
  json::error_code ec;
  json::value body = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto plan = control::PlanSubmission(body, fixture.lookups, kHost);
  if (!plan) {
    CheckRejection(body, plan.error());
    return 0;
  }
  CheckAccepted(*plan);
  return 0;
}
