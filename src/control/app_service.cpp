#include "control/app_service.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>

#include "common/spec_fields.hpp"
#include "common/util.hpp"
#include "control/app_spec.hpp"
#include "control/secrets.hpp"
#include "control/issues.hpp"
#include "control/submission.hpp"
#include "runtime/spark_install.hpp"

namespace sparkplane::control {
namespace json = boost::json;
namespace fs = std::filesystem;
using store::AppRecord;
using store::AppState;
using store::AppTransition;

namespace {

constexpr auto kLoopTick = std::chrono::seconds(1);
constexpr int kAdmissionWindow = 256;  // oldest pending apps offered to the runtime per tick
constexpr std::string_view kTimedOutPrefix = "timed out: ";

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
        // The JVM says why it could not start on the lines before its "Error:" lines
        // ("Invalid maximum heap size: -Xmx4 GB", "Unrecognized VM option ...").
        if (lines[i].starts_with("Error: Could not create the Java Virtual Machine")) {
          for (int before = 0; before < 3 && i > 0 && !lines[i - 1].empty(); ++before) --i;
        }
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

AppService::AppService(store::Store& store, AppServiceOptions options,
                       std::unique_ptr<runtime::Runtime> runtime)
    : store_(store),
      options_(std::move(options)),
      catalog_(std::make_shared<eventlog::Catalog>()),
      observer_(store, catalog_, *options_.clock),
      runtime_(std::move(runtime)) {
  if (auto version = runtime::SparkVersionAt(options_.spark_home)) spark_versions_.push_back(*version);
  config_keys_ = SparkConfigKeys::Load(options_.spark_home);
  if (!config_keys_) {
    spdlog::warn("no configuration key list in {}: unknown sparkConf keys will not be reported (run "
                 "scripts/setup.sh, or scripts/spark_config_keys.py SPARK_HOME)",
                 options_.spark_home.string());
  }
}

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
  runtime_->Shutdown(options_.kill_grace);
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
    fs::path exit_file = fs::path(app.app_dir) / "driver.exit";
    runtime::DriverHandle handle{static_cast<pid_t>(app.pid), app.pid_start_ticks};
    json::error_code ec;
    json::value config = json::parse(app.config_json, ec);
    if (ec || !config.is_object()) config = json::object{};
    runtime::AppRequest request{app.id, &config.get_object()};
    {
      std::lock_guard lock(mutex_);
      if (runtime_->Adopt(request, handle, app.app_dir,
                          [this, id = app.id](int code) { OnDriverExit(id, code); })) {
        Track(app, handle);
        observer_.Watch(app);
        spdlog::info("re-adopted running app {} (pid {})", app.id, handle.pid);
        continue;
      }
    }
    // It ended while no server watched it: the wrapper's exit file says how.
    int code = -1;
    std::ifstream in(exit_file);
    if (!(in >> code)) code = -1;
    OnDriverExit(app.id, code);
  }
}

void AppService::Track(const AppRecord& app, const runtime::DriverHandle& handle) {
  running_[app.id] = handle;
  json::error_code ec;
  auto config = json::parse(app.config_json, ec);
  if (!ec && config.is_object()) {
    if (auto deadline = TimeoutDeadline(config.get_object(), app.created_at)) deadlines_[app.id] = *deadline;
  }
}

void AppService::ForwardKillRequests() {
  std::vector<std::pair<std::string, runtime::DriverHandle>> tracked;
  {
    std::lock_guard lock(mutex_);
    tracked.assign(running_.begin(), running_.end());
  }
  for (auto& [app_id, handle] : tracked) {
    auto app = store_.GetApp(app_id);
    // A kill asked through another replica (or before a restart) reaches the driver here.
    if (app && app->kill_requested_at > 0) runtime_->Kill(handle, options_.kill_grace);
  }
}

void AppService::EnforceTimeouts() {
  int64_t now = options_.clock->NowMillis();
  std::vector<std::pair<std::string, runtime::DriverHandle>> expired;
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
  for (auto& [app_id, handle] : expired) {
    std::string why = fmt::format("{}the app exceeded its timeout (policy KILL)", kTimedOutPrefix);
    auto marked = store_.TransitionApp(app_id, {.to = AppState::kRunning, .from = AppState::kRunning, .at = now,
                                                .kill_requested_at = now, .error_message = why});
    if (!marked) {
      // Without the mark its end would read as a plain kill: try again on the next pass.
      spdlog::error("cannot record the timeout of app {}: {}; retrying", app_id, marked.error().message);
      std::lock_guard lock(mutex_);
      deadlines_[app_id] = now;
      continue;
    }
    if (!*marked) continue;  // it ended meanwhile
    spdlog::warn("app {} timed out; killing it", app_id);
    runtime_->Kill(handle, options_.kill_grace);
  }
}

Result<AppRecord> AppService::Submit(const std::string& cluster_id, const json::value& body) {
  SPARKPLANE_TRY(store_.GetCluster(cluster_id));
  SubmissionLookups lookups{
      .template_config = [&](const std::string& id) -> Result<json::value> {
        auto found = store_.GetTemplate(cluster_id, id);
        if (!found) return tl::unexpected(found.error());
        json::error_code ec;
        json::value config = json::parse(found->config_json, ec);
        if (ec) return Fail(ErrorCode::kCorruption, fmt::format("template '{}' has a damaged config", id));
        return config;
      },
      .job_config = [&](const std::string& id) -> std::optional<json::value> {
        auto job = store_.GetJob(cluster_id, id);
        if (!job || job->config_json.empty()) return std::nullopt;
        json::error_code ec;
        json::value config = json::parse(job->config_json, ec);
        if (ec) return std::nullopt;
        return config;
      },
      .file_exists = [](const std::string& path) { return fs::is_regular_file(path); }};
  auto plan = PlanSubmission(body, lookups,
                             {options_.spark_home, options_.data_dir, options_.max_local_cores, spark_versions_,
                              config_keys_ ? &*config_keys_ : nullptr});
  if (!plan) return tl::unexpected(plan.error());
  SPARKPLANE_TRY(runtime_->CheckRunnable(plan->merged.config));

  int64_t now = options_.clock->NowMillis();
  AppRecord app;
  app.id = plan->app_id;
  app.internal_id = NewUuid4();
  app.cluster_id = cluster_id;
  app.job_id = plan->job_id;
  app.display_name = plan->app_id;
  app.user_id = 1;
  app.submission_source = plan->submission_source;
  app.state = AppState::kPending;
  app.created_at = app.updated_at = now;
  app.request_json = json::serialize(body);
  app.config_json = json::serialize(plan->merged.config);
  app.config_sources_json = json::serialize(plan->merged.sources);
  app.app_dir = (options_.data_dir / "apps" / app.id).string();
  app.config_template_id = plan->template_id;
  app.issues_json = json::serialize(ConfigIssues(plan->warnings));
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
  int64_t now = options_.clock->NowMillis();
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
    runtime_->Kill(it->second, options_.kill_grace);
    app_ended_.wait_for(lock, options_.kill_grace + std::chrono::seconds(5),
                        [&] { return !running_.count(app_id); });
  }
  lock.unlock();
  return Get(cluster_id, app_id);
}

void AppService::LaunchLoop() {
  std::unique_lock lock(mutex_);
  bool leading = false;
  bool recovered = false;  // the runtime is started and the previous leader's apps adopted
  std::string last_start_error;
  int64_t ticks = 0;
  while (!stopping_) {
    lock.unlock();
    // Only the replica holding the lease launches and watches drivers; it starts the runtime
    // and picks up the drivers a previous leader left running when it takes over.
    bool lease = store_.HoldsSchedulerLease().value_or(false);
    if (lease && !leading) {
      spdlog::info("this replica now runs the launch loop");
      recovered = false;
    }
    if (!lease && leading) spdlog::warn("lost the scheduler lease; another replica launches apps now");
    leading = lease;
    if (leading && !recovered) {
      if (!runtime_started_) {
        auto started = runtime_->Start();
        if (started) {
          runtime_started_ = true;
        } else if (started.error().message != last_start_error) {
          last_start_error = started.error().message;
          spdlog::error("cannot start the {} runtime (retrying): {}", runtime_->name(),
                        last_start_error);
        }
      }
      if (runtime_started_) {
        RecoverInterruptedApps();
        recovered = true;
      }
    }
    if (leading && recovered) {
      EnforceTimeouts();
      ForwardKillRequests();
      if (++ticks % 5 == 0) observer_.PollAll();
    }
    lock.lock();
    ++launch_passes_;
    if (leading && recovered && !paused_ && !stopping_) {
      lock.unlock();
      AdmitPending();
      lock.lock();
    }
    wake_.wait_for(lock, kLoopTick);
  }
}

void AppService::AdmitPending() {
  auto pending = store_.ListApps({.states = {AppState::kPending}, .limit = kAdmissionWindow});
  if (!pending) {
    spdlog::error("cannot list pending apps: {}", pending.error().message);
    return;
  }
  int64_t now = options_.clock->NowMillis();
  std::vector<json::value> configs;
  configs.reserve(pending->size());
  std::vector<runtime::AppRequest> requests;
  std::map<std::string, const AppRecord*> by_id;
  for (auto& app : *pending) {
    json::error_code ec;
    configs.push_back(json::parse(app.config_json, ec));
    if (ec || !configs.back().is_object()) {
      FailLaunch(app, "stored config is not a JSON object");
      continue;
    }
    const json::object& config = configs.back().get_object();
    if (auto deadline = TimeoutDeadline(config, app.created_at); deadline && *deadline <= now) {
      auto timed_out = store_.TransitionApp(
          app.id, {.to = AppState::kTimedOut,
                   .from = AppState::kPending,
                   .at = now,
                   .ended_at = now,
                   .error_message =
                       std::string(kTimedOutPrefix) + "the timeout passed while the app was queued",
                   .reason = "timeout"});
      if (!timed_out) {
        spdlog::error("cannot record the timeout of app {}: {}", app.id, timed_out.error().message);
      }
      continue;
    }
    requests.push_back({app.id, &config});
    by_id[app.id] = &app;
  }
  for (auto& admission : runtime_->Admit(requests)) {
    auto it = by_id.find(admission.app_id);
    if (it != by_id.end()) Launch(*it->second, admission);
  }
}

void AppService::FailLaunch(const AppRecord& app, const std::string& reason,
                            const std::vector<std::string>& secrets) {
  std::string why = ScrubSecrets(reason, secrets);
  int64_t now = options_.clock->NowMillis();
  auto failed = store_.TransitionApp(app.id, {.to = AppState::kFailed,
                                              .from = AppState::kPending,
                                              .at = now,
                                              .ended_at = now,
                                              .error_message = why,
                                              .reason = "launch failed"});
  spdlog::warn("app {} failed to launch: {}", app.id, why);
  // It stays PENDING and the next pass tries again.
  if (!failed) {
    spdlog::error("cannot record the failed launch of app {}: {}", app.id, failed.error().message);
  }
}

void AppService::Launch(const AppRecord& app, const runtime::Admission& admission) {
  std::vector<std::string> secrets;  // of the app's config, kept out of messages and log lines
  auto fail = [&](const std::string& why) { FailLaunch(app, why, secrets); };
  std::error_code ec;
  std::filesystem::path dir = app.app_dir;
  std::filesystem::create_directories(dir / "eventlog", ec);
  if (ec) return fail(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  json::error_code parse_error;
  auto config = json::parse(app.config_json, parse_error);
  if (parse_error || !config.is_object()) return fail("stored config is not a JSON object");
  secrets = SecretValues(config.as_object(), options_.redactor);
  runtime::AppRequest request{app.id, &config.as_object()};
  std::lock_guard lock(mutex_);  // registers the driver before an exit can be reported
  auto started = runtime_->Launch(request, admission, dir,
                                  [this, id = app.id](int code) { OnDriverExit(id, code); });
  if (!started) return fail(started.error().message);
  Track(app, started->handle);
  catalog_->AddDirectory(dir / "eventlog");
  observer_.Watch(app);
  int64_t now = options_.clock->NowMillis();
  json::object allocation{{"runtime", runtime_->name()}, {"cores", started->cores}};
  if (runtime_->name() != "local") allocation["executors"] = admission.executors;
  if (!admission.note.empty()) allocation["note"] = admission.note;
  json::object metrics{{"allocatedCores", started->cores}, {"allocation", allocation}};
  std::string reason = admission.note.empty() ? "launched" : "launched: " + admission.note;
  auto moved = store_.TransitionApp(app.id, {.to = AppState::kRunning,
                                             .from = AppState::kPending,
                                             .at = now,
                                             .started_at = now,
                                             .pid = started->handle.pid,
                                             .pid_start_ticks = started->handle.start_ticks,
                                             .metrics_json = json::serialize(metrics),
                                             .cores = started->cores,
                                             .reason = reason});
  if (!moved || !*moved)
    runtime_->Kill(started->handle, std::chrono::milliseconds(0));  // killed meanwhile
  spdlog::info("app {} launched on {} (pid {}){}", app.id, runtime_->name(), started->handle.pid,
               admission.note.empty() ? "" : ": " + admission.note);
}

void AppService::OnDriverExit(const std::string& app_id, int exit_code) {
  bool shutting_down;
  {
    std::lock_guard lock(mutex_);
    shutting_down = stopping_;
  }
  int64_t now = options_.clock->NowMillis();
  AppTransition t{.at = now, .ended_at = now, .cores = 0};
  if (exit_code >= 0) t.exit_code = exit_code;
  auto app = store_.GetApp(app_id);
  json::array issues;
  std::string log_tail;
  if (app) {
    log_tail = ReadTail(fs::path(app->app_dir) / "driver.log", 32u << 20);
    issues = KeptConfigIssues(app->issues_json);
    for (auto& issue : ExtractIssues(log_tail)) issues.push_back(std::move(issue));
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
