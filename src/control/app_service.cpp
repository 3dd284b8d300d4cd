#include "control/app_service.hpp"

#include <signal.h>

#include <algorithm>
#include <fstream>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/spec_fields.hpp"
#include "common/util.hpp"
#include "control/app_spec.hpp"
#include "control/config_merge.hpp"
#include "runtime/spark_submit.hpp"

namespace sparkplane::control {
namespace json = boost::json;
using store::AppRecord;
using store::AppState;
using store::AppTransition;

namespace {

constexpr auto kLoopTick = std::chrono::seconds(1);

// Set on every app unless a higher layer overrides it (DESIGN.md "Platform defaults").
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

constexpr std::string_view kSubmitKeys[] = {"jobId", "appId", "configTemplateId", "submissionSource",
                                            "configOverrides"};

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

std::string ReadTail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  auto size = static_cast<size_t>(in.tellg());
  size_t from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string out(size - from, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

}  // namespace

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

std::string ExtractErrorLines(const std::string& tail) {
  std::vector<std::string_view> lines;
  std::string_view rest = tail;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  size_t start = lines.size() > 10 ? lines.size() - 10 : 0;
  size_t take = 10;
  for (size_t i = lines.size(); i-- > 0;) {
    if (lines[i].find("Traceback (most recent call last)") != std::string_view::npos) {
      start = i;
      take = 40;
      break;
    }
  }
  if (take == 10) {
    for (size_t i = lines.size(); i-- > 0;) {
      auto l = lines[i];
      if (l.find("Exception") != l.npos || l.find("Error") != l.npos) {
        // Walk back to the first line of this error block.
        while (i > 0 && (lines[i - 1].find("Exception") != l.npos || lines[i - 1].find("Error") != l.npos)) --i;
        start = i;
        take = 20;
        break;
      }
    }
  }
  std::string out;
  for (size_t i = start; i < lines.size() && i < start + take; ++i) {
    out += lines[i];
    out += '\n';
  }
  if (out.size() > 4096) out.resize(4096);
  return out;
}

AppService::AppService(store::Store& store, AppServiceOptions options)
    : store_(store), options_(std::move(options)) {}

AppService::~AppService() { Shutdown(); }

void AppService::Start() {
  RecoverInterruptedApps();
  loop_ = std::thread([this] { LaunchLoop(); });
}

void AppService::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !loop_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
  supervisor_.TerminateAll(options_.kill_grace);
}

void AppService::SetLaunchingPaused(bool paused) {
  {
    std::lock_guard lock(mutex_);
    paused_ = paused;
  }
  wake_.notify_all();
}

void AppService::RecoverInterruptedApps() {
  auto running = store_.ListApps({.states = {AppState::kRunning}, .limit = 100000});
  if (!running) {
    spdlog::error("cannot list running apps: {}", running.error().message);
    return;
  }
  for (auto& app : *running) {
    if (app.pid > 0 && runtime::ProcessStartTicks(static_cast<pid_t>(app.pid)) == app.pid_start_ticks) {
      ::kill(-static_cast<pid_t>(app.pid), SIGKILL);  // not ours any more: do not leave it orphaned
    }
    int64_t now = NowMillis();
    (void)store_.TransitionApp(app.id, {.to = AppState::kFailed, .at = now, .ended_at = now,
                                        .error_message = "the driver was lost when sparkplane "
                                                         "restarted; resubmit the app",
                                        .reason = "server restart"});
  }
}

Result<AppRecord> AppService::Submit(const std::string& cluster_id, const json::value& body_value) {
  SPARKPLANE_TRY(store_.GetCluster(cluster_id));
  if (!body_value.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the body must be a JSON object such as {\"jobId\": \"my-job\", \"configOverrides\": {...}}");
  }
  const auto& body = body_value.get_object();
  for (auto& [key, _] : body) {
    if (std::find(std::begin(kSubmitKeys), std::end(kSubmitKeys), key) == std::end(kSubmitKeys)) {
      return BadField(std::string(key), "unknown key; expected jobId, appId, configTemplateId, "
                                        "submissionSource or configOverrides");
    }
  }
  auto job_id = OptionalId(body, "jobId");
  if (!job_id) return tl::unexpected(job_id.error());
  auto app_id = OptionalId(body, "appId");
  if (!app_id) return tl::unexpected(app_id.error());
  auto template_id = OptionalId(body, "configTemplateId");
  if (!template_id) return tl::unexpected(template_id.error());
  std::string source = "public-api";
  if (auto* v = body.if_contains("submissionSource"); v && !v->is_null()) {
    if (!v->is_string() || (v->get_string() != "public-api" && v->get_string() != "jupyter-enterprise-gateway"))
      return BadField("submissionSource", "must be 'public-api' or 'jupyter-enterprise-gateway'");
    source = std::string(v->get_string());
  }
  const json::object* overrides = nullptr;
  if (auto* v = body.if_contains("configOverrides"); v && !v->is_null()) {
    SPARKPLANE_TRY(ValidateAppSpec(*v, "configOverrides"));
    overrides = &v->get_object();
  }
  if (!template_id->empty()) {
    return Fail(ErrorCode::kNotFound, fmt::format("config template '{}' not found", *template_id),
                {"configTemplateId"});
  }

  ConfigLayer layers[] = {{"platformDefaults", &PlatformDefaults()}, {"configOverrides", overrides}};
  MergedConfig merged = MergeConfig(layers);

  // The resolved spec must be runnable here; say why at submission rather than at launch.
  auto main_file = GetString(merged.config, "mainApplicationFile");
  if (!main_file) {
    return Fail(ErrorCode::kInvalidArgument, "configOverrides.mainApplicationFile is required",
                {"configOverrides.mainApplicationFile"});
  }
  auto local_path = runtime::LocalApplicationPath(*main_file);
  if (!local_path) return tl::unexpected(local_path.error());
  if (!std::filesystem::is_regular_file(*local_path)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("mainApplicationFile '{}' does not exist on the sparkplane host", *main_file),
                {"configOverrides.mainApplicationFile"});
  }
  if (job_id->empty()) *job_id = DeriveJobId(*local_path, GetString(merged.config, "mainClass").value_or(""));
  if (app_id->empty()) *app_id = *job_id + "-" + NewUuid4();
  if (!IsK8sName(*app_id)) {
    return BadField("jobId", "is too long to derive an app id from; send a shorter jobId or an appId");
  }
  runtime::LocalSubmitContext dry_run{options_.spark_home, options_.data_dir / "apps" / *app_id, *app_id,
                                      options_.max_local_cores};
  if (auto argv = runtime::BuildLocalSubmitArgv(merged.config, dry_run); !argv) {
    return tl::unexpected(argv.error());
  }

  int64_t now = NowMillis();
  AppRecord app;
  app.id = *app_id;
  app.internal_id = NewUuid4();
  app.cluster_id = cluster_id;
  app.job_id = *job_id;
  app.display_name = *app_id;
  app.user_id = 1;
  app.submission_source = source;
  app.state = AppState::kPending;
  app.created_at = app.updated_at = now;
  app.request_json = json::serialize(body);
  app.config_json = json::serialize(merged.config);
  app.config_sources_json = json::serialize(merged.sources);
  app.app_dir = (options_.data_dir / "apps" / app.id).string();
  SPARKPLANE_TRY(store_.InsertApp(app));
  wake_.notify_all();
  return app;
}

Result<AppRecord> AppService::Get(const std::string& cluster_id, const std::string& app_id) {
  auto app = store_.GetApp(app_id);
  if (app && app->cluster_id != cluster_id) {
    return Fail(ErrorCode::kNotFound, fmt::format("app '{}' not found in cluster '{}'", app_id, cluster_id));
  }
  return app;
}

Result<std::vector<AppRecord>> AppService::List(const std::string& cluster_id) {
  SPARKPLANE_TRY(store_.GetCluster(cluster_id));
  return store_.ListApps({.cluster_id = cluster_id, .limit = 1000});
}

Result<std::filesystem::path> AppService::DriverLogPath(const std::string& cluster_id, const std::string& app_id) {
  auto app = Get(cluster_id, app_id);
  if (!app) return tl::unexpected(app.error());
  return std::filesystem::path(app->app_dir) / "driver.log";
}

Result<AppRecord> AppService::Kill(const std::string& cluster_id, const std::string& app_id) {
  auto app = Get(cluster_id, app_id);
  if (!app) return app;
  int64_t now = NowMillis();
  if (app->state == AppState::kPending) {
    auto cancelled = store_.TransitionApp(app_id, {.to = AppState::kKilled, .from = AppState::kPending,
                                                   .at = now, .ended_at = now, .kill_requested_at = now,
                                                   .reason = "killed while pending"});
    if (!cancelled) return tl::unexpected(cancelled.error());
    if (*cancelled) return Get(cluster_id, app_id);
    app = Get(cluster_id, app_id);  // it started meanwhile
    if (!app) return app;
  }
  if (app->state != AppState::kRunning) return app;
  SPARKPLANE_TRY(store_.TransitionApp(app_id, {.to = AppState::kRunning, .from = AppState::kRunning,
                                               .at = now, .kill_requested_at = now}));
  std::unique_lock lock(mutex_);
  if (auto it = running_.find(app_id); it != running_.end()) {
    supervisor_.Terminate(it->second, options_.kill_grace);
    app_ended_.wait_for(lock, options_.kill_grace + std::chrono::seconds(5),
                        [&] { return !running_.count(app_id); });
  }
  lock.unlock();
  return Get(cluster_id, app_id);
}

void AppService::LaunchLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!paused_ && static_cast<int>(running_.size()) < options_.max_concurrent_apps) {
      int free_slots = options_.max_concurrent_apps - static_cast<int>(running_.size());
      lock.unlock();
      auto pending = store_.ListApps({.states = {AppState::kPending}, .limit = free_slots});
      if (!pending) spdlog::error("cannot list pending apps: {}", pending.error().message);
      if (pending) {
        for (auto& app : *pending) Launch(app);
      }
      lock.lock();
      if (pending && !pending->empty()) continue;  // there may be more
    }
    wake_.wait_for(lock, kLoopTick);
  }
}

void AppService::Launch(const AppRecord& app) {
  auto fail = [&](const std::string& why) {
    int64_t now = NowMillis();
    (void)store_.TransitionApp(app.id, {.to = AppState::kFailed, .at = now, .ended_at = now,
                                        .error_message = why, .reason = "launch failed"});
    spdlog::warn("app {} failed to launch: {}", app.id, why);
  };
  std::error_code ec;
  std::filesystem::path dir = app.app_dir;
  std::filesystem::create_directories(dir / "eventlog", ec);
  if (ec) return fail(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  json::error_code parse_error;
  auto config = json::parse(app.config_json, parse_error);
  if (parse_error || !config.is_object()) return fail("stored config is not a JSON object");
  runtime::LocalSubmitContext context{options_.spark_home, dir, app.id, options_.max_local_cores};
  auto argv = runtime::BuildLocalSubmitArgv(config.as_object(), context);
  if (!argv) return fail(argv.error().message);
  runtime::SpawnRequest request{*argv,
                                {"PYSPARK_PYTHON=" + options_.python,
                                 "PYSPARK_DRIVER_PYTHON=" + options_.python,
                                 "SPARK_LOCAL_IP=127.0.0.1"},
                                dir,
                                dir / "driver.log"};
  std::lock_guard lock(mutex_);  // registers the pid before an exit can be reported
  auto started = supervisor_.Spawn(request, [this, id = app.id](int code) { OnDriverExit(id, code); });
  if (!started) return fail(started.error().message);
  running_[app.id] = started->pid;
  int64_t now = NowMillis();
  auto moved = store_.TransitionApp(app.id, {.to = AppState::kRunning, .from = AppState::kPending, .at = now,
                                             .started_at = now, .pid = started->pid,
                                             .pid_start_ticks = started->start_ticks, .reason = "launched"});
  if (!moved || !*moved) supervisor_.Terminate(started->pid, std::chrono::milliseconds(0));  // killed meanwhile
  spdlog::info("app {} launched (pid {})", app.id, started->pid);
}

void AppService::OnDriverExit(const std::string& app_id, int exit_code) {
  bool shutting_down;
  {
    std::lock_guard lock(mutex_);
    shutting_down = stopping_;
  }
  int64_t now = NowMillis();
  AppTransition t{.at = now, .ended_at = now, .exit_code = exit_code};
  auto app = store_.GetApp(app_id);
  if (app && app->kill_requested_at > 0) {
    t.to = AppState::kKilled;
    t.reason = "killed";
  } else if (shutting_down) {
    t.to = AppState::kFailed;
    t.error_message = "sparkplane was stopped while the app was running; resubmit it";
    t.reason = "server shutdown";
  } else if (exit_code == 0) {
    t.to = AppState::kCompleted;
    t.reason = "exit 0";
  } else {
    t.to = AppState::kFailed;
    std::string lines = app ? ExtractErrorLines(ReadTail(std::filesystem::path(app->app_dir) / "driver.log", 64 * 1024)) : "";
    t.error_message = fmt::format("driver exited with code {}{}{}", exit_code, lines.empty() ? "" : ":\n", lines);
    t.reason = fmt::format("exit {}", exit_code);
  }
  if (auto applied = store_.TransitionApp(app_id, t); !applied) {
    spdlog::error("cannot record the end of app {}: {}", app_id, applied.error().message);
  }
  spdlog::info("app {} ended: {} (exit {})", app_id, store::AppStateName(t.to), exit_code);
  {
    std::lock_guard lock(mutex_);
    running_.erase(app_id);
  }
  app_ended_.notify_all();
  wake_.notify_all();
}

}  // namespace sparkplane::control
