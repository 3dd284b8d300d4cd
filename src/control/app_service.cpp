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
#include "control/issues.hpp"
#include "runtime/driver_wrapper.hpp"
#include "runtime/spark_submit.hpp"

namespace sparkplane::control {
namespace json = boost::json;
namespace fs = std::filesystem;
using store::AppRecord;
using store::AppState;
using store::AppTransition;

namespace {

constexpr auto kLoopTick = std::chrono::seconds(1);
constexpr int64_t kDefaultTimeoutMinutes = 24 * 60;
constexpr std::string_view kTimedOutPrefix = "timed out: ";

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

std::optional<int64_t> TimeoutDeadline(const json::object& config, int64_t created_at) {
  int64_t minutes = kDefaultTimeoutMinutes;
  if (auto* timeout = config.if_contains("timeout")) {
    if (timeout->is_string() && timeout->get_string() == "DISABLED") return std::nullopt;
    if (timeout->is_object()) {
      if (auto* m = timeout->get_object().if_contains("minutes"); m && m->is_int64() && m->get_int64() > 0) {
        minutes = m->get_int64();
      }
    }
  }
  return created_at + minutes * 60 * 1000;
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
    : store_(store),
      options_(std::move(options)),
      catalog_(std::make_shared<eventlog::Catalog>()),
      observer_(store, catalog_) {}

AppService::~AppService() { Shutdown(); }

void AppService::Start() {
  // Logs of apps from earlier runs stay browsable through the History Server API.
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(options_.data_dir / "apps", ec)) {
    catalog_->AddDirectory(entry.path() / "eventlog");
  }
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
    auto pid = static_cast<pid_t>(app.pid);
    fs::path exit_file = fs::path(app.app_dir) / "driver.exit";
    if (pid > 0 && app.pid_start_ticks > 0 && runtime::ProcessStartTicks(pid) == app.pid_start_ticks) {
      std::lock_guard lock(mutex_);
      supervisor_.Adopt(pid, app.pid_start_ticks, exit_file, [this, id = app.id](int code) { OnDriverExit(id, code); });
      Track(app, pid);
      observer_.Watch(app);
      spdlog::info("re-adopted running app {} (pid {})", app.id, pid);
      continue;
    }
    // It ended while no server watched it: the wrapper's exit file says how.
    int code = -1;
    std::ifstream in(exit_file);
    if (!(in >> code)) code = -1;
    OnDriverExit(app.id, code);
  }
}

void AppService::Track(const AppRecord& app, pid_t pid) {
  running_[app.id] = pid;
  json::error_code ec;
  auto config = json::parse(app.config_json, ec);
  if (!ec && config.is_object()) {
    if (auto deadline = TimeoutDeadline(config.get_object(), app.created_at)) deadlines_[app.id] = *deadline;
  }
}

void AppService::ForwardKillRequests() {
  std::vector<std::pair<std::string, pid_t>> tracked;
  {
    std::lock_guard lock(mutex_);
    tracked.assign(running_.begin(), running_.end());
  }
  for (auto& [app_id, pid] : tracked) {
    auto app = store_.GetApp(app_id);
    // A kill asked through another replica (or before a restart) reaches the driver here.
    if (app && app->kill_requested_at > 0) supervisor_.Terminate(pid, options_.kill_grace);
  }
}

void AppService::EnforceTimeouts() {
  int64_t now = NowMillis();
  std::vector<std::pair<std::string, pid_t>> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = deadlines_.begin(); it != deadlines_.end();) {
      if (it->second <= now && running_.count(it->first)) {
        expired.emplace_back(it->first, running_[it->first]);
        it = deadlines_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [app_id, pid] : expired) {
    auto app = store_.GetApp(app_id);
    if (!app) continue;
    std::string why = fmt::format("{}the app exceeded its timeout (policy KILL)", kTimedOutPrefix);
    (void)store_.TransitionApp(app_id, {.to = AppState::kRunning, .from = AppState::kRunning, .at = now,
                                        .kill_requested_at = now, .error_message = why});
    spdlog::warn("app {} timed out; killing it", app_id);
    supervisor_.Terminate(pid, options_.kill_grace);
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
  std::optional<json::value> template_spec;
  if (!template_id->empty()) {
    auto found = store_.GetTemplate(cluster_id, *template_id);
    if (!found) {
      Error e = found.error();
      if (e.code == ErrorCode::kNotFound) e.field_paths = {"configTemplateId"};
      return tl::unexpected(e);
    }
    template_spec = json::parse(found->config_json);
  }
  auto layered = [&](const std::optional<json::value>& job_spec) {
    std::string template_source = "template:" + *template_id;
    ConfigLayer layers[] = {
        {template_source, template_spec ? &template_spec->get_object() : nullptr},
        {"jobConfig", job_spec ? &job_spec->get_object() : nullptr},
        {"platformDefaults", &PlatformDefaults()},
        {"configOverrides", overrides}};
    return MergeConfig(layers);
  };
  // The job may be derived from the main file, so merge once without the job layer to find it.
  MergedConfig merged = layered(std::nullopt);
  if (job_id->empty()) {
    auto file = GetString(merged.config, "mainApplicationFile").value_or("");
    auto path = runtime::LocalApplicationPath(file);
    *job_id = DeriveJobId(path ? *path : file, GetString(merged.config, "mainClass").value_or(""));
  }
  if (auto job = store_.GetJob(cluster_id, *job_id); job && !job->config_json.empty()) {
    merged = layered(json::parse(job->config_json));
  }

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
  app.config_template_id = *template_id;
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

Result<std::vector<AppRecord>> AppService::List(const store::AppQuery& query) {
  if (!query.cluster_id.empty()) SPARKPLANE_TRY(store_.GetCluster(query.cluster_id));
  return store_.ListApps(query);
}

Result<int64_t> AppService::Count(const store::AppQuery& query) { return store_.CountApps(query); }

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
  bool leading = false;
  int64_t ticks = 0;
  while (!stopping_) {
    lock.unlock();
    // Only the replica holding the lease launches and watches drivers; it picks up the
    // drivers a previous leader left running when it takes over.
    bool lease = store_.HoldsSchedulerLease().value_or(false);
    if (lease && !leading) {
      spdlog::info("this replica now runs the launch loop");
      RecoverInterruptedApps();
    }
    if (!lease && leading) spdlog::warn("lost the scheduler lease; another replica launches apps now");
    leading = lease;
    if (leading) {
      EnforceTimeouts();
      ForwardKillRequests();
      if (++ticks % 5 == 0) observer_.PollAll();
    }
    lock.lock();
    if (!leading) {
      wake_.wait_for(lock, kLoopTick);
      continue;
    }
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
  int64_t now = NowMillis();
  if (auto deadline = TimeoutDeadline(config.as_object(), app.created_at); deadline && *deadline <= now) {
    (void)store_.TransitionApp(app.id, {.to = AppState::kTimedOut, .from = AppState::kPending, .at = now,
                                        .ended_at = now,
                                        .error_message = std::string(kTimedOutPrefix) + "the timeout passed while the app was queued",
                                        .reason = "timeout"});
    return;
  }
  runtime::LocalSubmitContext context{options_.spark_home, dir, app.id, options_.max_local_cores};
  auto argv = runtime::BuildLocalSubmitArgv(config.as_object(), context);
  if (!argv) return fail(argv.error().message);
  fs::path exit_file = dir / "driver.exit";
  fs::remove(exit_file, ec);
  if (!options_.launcher.empty()) *argv = runtime::WrapDriverArgv(options_.launcher, exit_file.string(), *argv);
  int cores = runtime::LocalCores(config.as_object(), options_.max_local_cores);
  runtime::SpawnRequest request{*argv,
                                {"PYSPARK_PYTHON=" + options_.python,
                                 "PYSPARK_DRIVER_PYTHON=" + options_.python,
                                 "SPARK_LOCAL_IP=127.0.0.1"},
                                dir,
                                dir / "driver.log"};
  std::lock_guard lock(mutex_);  // registers the pid before an exit can be reported
  auto started = supervisor_.Spawn(request, [this, id = app.id](int code) { OnDriverExit(id, code); });
  if (!started) return fail(started.error().message);
  Track(app, started->pid);
  catalog_->AddDirectory(dir / "eventlog");
  observer_.Watch(app);
  now = NowMillis();
  auto moved = store_.TransitionApp(app.id, {.to = AppState::kRunning, .from = AppState::kPending, .at = now,
                                             .started_at = now, .pid = started->pid,
                                             .pid_start_ticks = started->start_ticks,
                                             .metrics_json = json::serialize(json::object{{"allocatedCores", cores}}),
                                             .cores = cores, .reason = "launched"});
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
  AppTransition t{.at = now, .ended_at = now, .cores = 0};
  if (exit_code >= 0) t.exit_code = exit_code;
  auto app = store_.GetApp(app_id);
  json::array issues;
  std::string log_tail;
  if (app) {
    log_tail = ReadTail(fs::path(app->app_dir) / "driver.log", 32u << 20);
    issues = ExtractIssues(log_tail);
    t.issues_json = json::serialize(issues);
    t.metrics_json = observer_.Finish(*app);
  }
  if (app && app->kill_requested_at > 0) {
    bool timed_out = app->error_message.rfind(kTimedOutPrefix, 0) == 0;
    t.to = timed_out ? AppState::kTimedOut : AppState::kKilled;
    t.reason = timed_out ? "timeout" : "killed";
  } else if (shutting_down) {
    t.to = AppState::kFailed;
    t.error_message = "sparkplane was stopped while the app was running; resubmit it";
    t.reason = "server shutdown";
  } else if (exit_code < 0) {
    t.to = AppState::kFailed;
    t.error_message = "the driver ended while sparkplane was down and left no exit status; see its driver log";
    t.reason = "driver lost";
  } else if (exit_code == 0) {
    t.to = HasErrors(issues) ? AppState::kCompletedWithWarnings : AppState::kCompleted;
    t.reason = "exit 0";
  } else {
    t.to = AppState::kFailed;
    std::string lines = ExtractErrorLines(log_tail.size() > 65536 ? log_tail.substr(log_tail.size() - 65536) : log_tail);
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
    deadlines_.erase(app_id);
  }
  app_ended_.notify_all();
  wake_.notify_all();
}

}  // namespace sparkplane::control
