#include "api/api_handler.hpp"

#include <zlib.h>

#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/app_json.hpp"
#include "api/console.hpp"
#include "api/envelope.hpp"
#include "api/list_params.hpp"
#include "control/cluster_stats.hpp"
#include "control/issues.hpp"
#include "api/tokens.hpp"
#include "common/util.hpp"
#include "control/secrets.hpp"
#include "eventlog/zip_stream.hpp"

namespace sparkplane::api {
namespace json = boost::json;

extern const char kOpenApiJson[];  // openapi_data.cpp, generated from openapi.json

namespace {

constexpr std::string_view kOceanPrefix = "/ocean/spark/";
constexpr std::chrono::seconds kTokenRecheck{1};
constexpr std::string_view kAppKind = "spotinst:ocean:spark:application";
constexpr std::string_view kClusterKind = "spotinst:ocean:spark:cluster";

Result<json::value> ParseBody(const net::Request& req) {
  json::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the request body is not valid JSON ({})", ec.message()));
  }
  return v;
}

// An error about a request body, with the body's secret config values (in "configOverrides" or
// "config") scrubbed from its message: error replies never echo a secret.
Error ScrubbedFor(Error error, const json::value& body, const Redactor& redactor) {
  if (!body.is_object()) return error;
  std::vector<std::string> secrets;
  for (std::string_view key : {"configOverrides", "config"}) {
    auto* spec = body.get_object().if_contains(key);
    if (!spec || !spec->is_object()) continue;
    auto found = control::SecretValues(spec->get_object(), redactor);
    secrets.insert(secrets.end(), found.begin(), found.end());
  }
  error.message = ScrubSecrets(std::move(error.message), secrets);
  return error;
}

Error ScrubbedFor(Error error, const std::string& raw_body, const Redactor& redactor) {
  json::error_code ec;
  json::value body = json::parse(raw_body, ec);
  return ec ? error : ScrubbedFor(std::move(error), body, redactor);
}

// Streams a growing file: what exists now, then (when follow is set) new bytes until
// `finished()` says the writer is done and everything has been sent.
net::ChunkSource FileChunks(std::filesystem::path path, bool follow, std::function<bool()> finished) {
  struct State {
    std::ifstream in;
    std::uintmax_t limit = 0;  // without follow: the size when the request came in
    std::uintmax_t sent = 0;
  };
  auto state = std::make_shared<State>();
  state->in.open(path, std::ios::binary);
  std::error_code ec;
  state->limit = std::filesystem::file_size(path, ec);
  if (ec) state->limit = 0;
  return [state, follow, finished = std::move(finished), path](std::string& chunk) {
    constexpr size_t kChunk = 64 * 1024;
    bool done = follow && finished();  // checked before the size, so no tail is lost
    if (!state->in.is_open()) state->in.open(path, std::ios::binary);
    std::error_code size_ec;
    std::uintmax_t available = follow ? std::filesystem::file_size(path, size_ec) : state->limit;
    if (size_ec) available = state->sent;
    if (available > state->sent && state->in.is_open()) {
      size_t want = static_cast<size_t>(std::min<std::uintmax_t>(kChunk, available - state->sent));
      chunk.resize(want);
      state->in.clear();
      state->in.seekg(static_cast<std::streamoff>(state->sent));
      state->in.read(chunk.data(), static_cast<std::streamsize>(want));
      chunk.resize(static_cast<size_t>(state->in.gcount()));
      state->sent += chunk.size();
      if (!chunk.empty()) return true;
    }
    if (!follow || done) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return true;  // nothing new yet
  };
}

// The app's lifecycle as the kube-event lines Ocean showed ("13:06:19: [spark-operator] …").
std::string AppEventLines(const store::AppRecord& app) {
  std::string out;
  auto line = [&](int64_t at, std::string_view what, const std::string& detail) {
    if (at <= 0) return;
    std::string time = FormatIsoMillis(at).substr(11, 8);
    out += fmt::format("{}: [sparkplane] {}: {}\n", time, what, detail);
  };
  line(app.created_at, "SparkApplicationAdded", fmt::format("app {} submitted to job {}", app.id, app.job_id));
  line(app.started_at, "SparkApplicationRunning", fmt::format("driver started (pid {})", app.pid));
  line(app.kill_requested_at, "SparkApplicationKillRequested", "stop requested");
  if (store::IsTerminal(app.state)) {
    line(app.ended_at, "SparkApplicationEnded", std::string(store::AppStateName(app.state)));
  }
  return out;
}

// The whole file as a gzip member.
Result<std::string> GzipFile(const std::filesystem::path& path) {
  std::string data;
  if (std::filesystem::exists(path)) {
    auto read = ReadFile(path);
    if (!read) return tl::unexpected(read.error());
    data = std::move(*read);
  }
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Fail(ErrorCode::kInternal, "zlib: cannot start gzip");
  }
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Fail(ErrorCode::kInternal, "zlib: gzip failed");
  return out;
}

}  // namespace

Status ApiHandler::Authenticate(const net::Request& request) {
  auto authorization = request.Header("authorization");
  if (!authorization && request.Header("cookie")) return sessions_.Authenticate(request);
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view value = authorization ? std::string_view(*authorization) : std::string_view();
  if (value.substr(0, kBearer.size()) == kBearer && TokenDigestValid(TokenDigest(value.substr(kBearer.size())))) {
    return Ok();
  }
  return Fail(ErrorCode::kUnauthenticated,
              "missing or invalid API token: send 'Authorization: Bearer <token>' "
              "(see DATA_DIR/admin-token or `sparkplane token create`)");
}

bool ApiHandler::TokenDigestValid(const std::string& digest) {
  auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(tokens_mutex_);
    auto it = known_token_digests_.find(digest);
    if (it != known_token_digests_.end() && now - it->second < kTokenRecheck) return true;
  }
  auto exists = store_.TokenExists(digest);
  std::unique_lock lock(tokens_mutex_);
  if (!exists || !*exists) {
    known_token_digests_.erase(digest);
    return false;
  }
  known_token_digests_[digest] = now;
  return true;
}

void ApiHandler::Mount(std::string prefix, net::Handler handler) {
  mounts_.emplace_back(std::move(prefix), std::move(handler));
}

net::Response ApiHandler::Handle(const net::Request& request) {
  try {
    if (request.path == "/healthz") {
      net::Response r;
      r.content_type = "text/plain";
      r.body = "ok\n";
      return r;
    }
    if (auto page = ServeConsole(request)) return std::move(*page);
    if (request.path == "/console/session") return sessions_.Handle(request);
    if (auto allowed = Authenticate(request); !allowed) {
      auto r = ErrorEnvelope(request, allowed.error());
      if (allowed.error().code == ErrorCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    if (request.body_too_large) {
      return ErrorEnvelope(request, {ErrorCode::kPayloadTooLarge, "the request body is too large"});
    }
    return Route(request);
  } catch (const std::exception& e) {
    std::string id = NewUuid4();
    spdlog::error("request {} {} {} failed: {}", id, request.method, request.path, e.what());
    return ErrorEnvelope(request, {ErrorCode::kInternal, fmt::format("internal error (request {})", id)});
  }
}

net::Response ApiHandler::Route(const net::Request& request) {
  for (auto& [prefix, handler] : mounts_) {
    if (request.path.rfind(prefix, 0) == 0) return handler(request);
  }
  if (request.path == "/ocean/spark/openapi.json") {
    net::Response r;
    r.body = kOpenApiJson;
    return r;
  }
  if (request.path.rfind(kOceanPrefix, 0) == 0) {
    return ocean_.Dispatch(request, std::string_view(request.path).substr(kOceanPrefix.size()));
  }
  return ErrorEnvelope(request, {ErrorCode::kNotFound, fmt::format("no route for {}", request.path)});
}

namespace {

// Runs `fn` and wraps its Result in the envelope: items [value] or the error.
template <class Fn>
net::Response Reply(const net::Request& req, std::string_view kind, Fn&& fn) {
  auto result = fn();
  if (!result) return ErrorEnvelope(req, result.error());
  return Envelope(req, kind, json::array{std::move(*result)});
}

constexpr std::string_view kTemplateKind = "spotinst:ocean:spark:configTemplate";
constexpr std::string_view kJobKind = "spotinst:ocean:spark:job";
constexpr std::string_view kPageKind = "spotinst:ocean:spark:page";

}  // namespace

ApiHandler::ApiHandler(store::Store& store, control::AppService& apps, Redactor redactor)
    : store_(store),
      apps_(apps),
      redactor_(std::move(redactor)),
      templates_(store),
      sessions_(store, [this](const std::string& digest) { return TokenDigestValid(digest); }) {
  AddClusterRoutes();
  AddAppRoutes();
  AddTemplateAndJobRoutes();
  AddAppDataRoutes();
}

void ApiHandler::AddClusterRoutes() {
  ocean_.Add("GET", "cluster", [this](const net::Request& req, const PathParams&) {
    auto clusters = store_.ListClusters();
    if (!clusters) return ErrorEnvelope(req, clusters.error());
    json::array items;
    for (auto& c : *clusters) items.push_back(ClusterToJson(c));
    return Envelope(req, kClusterKind, std::move(items));
  });
  // Apps that overlap [since, now]: every unfinished app plus those updated since.
  auto window_apps = [this](const std::string& cluster_id, int64_t since) -> Result<std::vector<store::AppRecord>> {
    SPARKPLANE_TRY(store_.GetCluster(cluster_id));
    auto open = store_.ListApps({.cluster_id = cluster_id, .states = {store::AppState::kPending, store::AppState::kRunning},
                                 .limit = 100000});
    if (!open) return open;
    auto closed = store_.ListApps({.cluster_id = cluster_id,
                                   .states = {store::AppState::kCompleted, store::AppState::kCompletedWithWarnings,
                                              store::AppState::kFailed, store::AppState::kKilled, store::AppState::kTimedOut},
                                   .min_updated_at = since, .limit = 100000});
    if (!closed) return closed;
    open->insert(open->end(), closed->begin(), closed->end());
    return open;
  };
  auto since_param = [](const net::Request& req) -> Result<int64_t> {
    auto since = req.Query("since");
    if (!since) return Fail(ErrorCode::kInvalidArgument, "since: is required, e.g. 2026-11-01T00:00:00Z", {"since"});
    auto t = ParseIsoMillis(*since);
    if (!t) return Fail(ErrorCode::kInvalidArgument, "since: " + t.error().message, {"since"});
    if (*t > NowMillis()) return Fail(ErrorCode::kInvalidArgument, "since: must be in the past", {"since"});
    if (NowMillis() - *t > 366LL * 86400 * 1000) return Fail(ErrorCode::kInvalidArgument, "since: at most a year ago", {"since"});
    return t;
  };
  auto series = [=](std::string_view kind, auto compute) {
    return [=](const net::Request& req, const PathParams& p) {
      auto since = since_param(req);
      if (!since) return ErrorEnvelope(req, since.error());
      auto apps = window_apps(p[0], *since);
      if (!apps) return ErrorEnvelope(req, apps.error());
      return Envelope(req, kind, compute(*apps, *since, NowMillis()));
    };
  };
  ocean_.Add("GET", "cluster/{c}/appCompletionTrend", series("spotinst:ocean:spark:appCompletionTrend", control::CompletionTrend));
  ocean_.Add("GET", "cluster/{c}/appLoadHistory", series("spotinst:ocean:spark:appLoadHistory", control::LoadHistory));
  ocean_.Add("GET", "cluster/sparkCoreHours", [this](const net::Request& req, const PathParams&) {
    auto period = req.Query("period").value_or(FormatIsoMillis(NowMillis()).substr(0, 7));
    auto from = ParseIsoMillis(period + "-01");
    std::optional<int64_t> to;
    if (period.size() == 7 && from) {
      int year = std::stoi(period.substr(0, 4)), month = std::stoi(period.substr(5, 2));
      auto next = ParseIsoMillis(month == 12 ? fmt::format("{}-01-01", year + 1) : fmt::format("{}-{:02}-01", year, month + 1));
      if (next) to = *next;
    }
    if (!to) {
      return ErrorEnvelope(req, {ErrorCode::kInvalidArgument, "period: must be a month such as 2026-11", {"period"}});
    }
    std::vector<std::string> ids;
    for (auto [it, end] = req.query.equal_range("clusterId"); it != end; ++it) ids.push_back(it->second);
    for (auto [it, end] = req.query.equal_range("clusterId[]"); it != end; ++it) ids.push_back(it->second);
    if (ids.empty()) {
      auto clusters = store_.ListClusters();
      if (!clusters) return ErrorEnvelope(req, clusters.error());
      for (auto& c : *clusters) ids.push_back(c.id);
    }
    json::array items;
    for (auto& id : ids) {
      auto apps = store_.ListApps({.cluster_id = id, .limit = 1000000});
      if (!apps) return ErrorEnvelope(req, apps.error());
      if (auto cluster = store_.GetCluster(id); !cluster) return ErrorEnvelope(req, cluster.error());
      items.push_back({{"id", id}, {"coreHours", control::CoreHours(*apps, *from, *to, NowMillis())}});
    }
    return Envelope(req, "spotinst:ocean:spark:sparkCoreHours", std::move(items));
  });
  ocean_.Add("GET", "cluster/{c}", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kClusterKind, [&]() -> Result<json::value> {
      auto cluster = store_.GetCluster(p[0]);
      if (!cluster) return tl::unexpected(cluster.error());
      return ClusterToJson(*cluster);
    });
  });
}

void ApiHandler::AddAppRoutes() {
  auto list = [this](const net::Request& req, const std::string& cluster_id) {
    return Reply(req, kPageKind, [&]() -> Result<json::value> {
      auto query = AppQueryFrom(req, cluster_id);
      if (!query) return tl::unexpected(query.error());
      return Paginate(
          *query, [&](const store::AppQuery& q) { return apps_.List(q); },
          [&](const store::AppQuery& q) { return apps_.Count(q); },
          [this](const store::AppRecord& a) { return AppToJson(a, AppView::kListItem, redactor_); },
          [&](const store::AppRecord& a) {
            return store::Cursor{store::Store::SortKey(a, query->order_by), a.id};
          });
    });
  };
  ocean_.Add("GET", "app", [list](const net::Request& req, const PathParams&) { return list(req, ""); });
  ocean_.Add("GET", "cluster/{c}/app", [list](const net::Request& req, const PathParams& p) { return list(req, p[0]); });
  ocean_.Add("POST", "cluster/{c}/app", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kAppKind, [&]() -> Result<json::value> {
      auto body = ParseBody(req);
      if (!body) return tl::unexpected(body.error());
      auto app = apps_.Submit(p[0], *body);
      if (!app) return tl::unexpected(ScrubbedFor(app.error(), *body, redactor_));
      spdlog::info("app {} submitted (job {})", app->id, app->job_id);
      json::object reply = AppToJson(*app, AppView::kDetailed, redactor_);
      // What was accepted but looks wrong (e.g. a misspelt Spark key), also on the app's issues.
      json::array warnings;
      for (auto& issue : control::KeptConfigIssues(app->issues_json)) warnings.push_back(issue.at("abstract"));
      if (!warnings.empty()) reply["warnings"] = std::move(warnings);
      return reply;
    });
  });
  ocean_.Add("GET", "cluster/{c}/app/{a}", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kAppKind, [&]() -> Result<json::value> {
      auto app = apps_.Get(p[0], p[1]);
      if (!app) return tl::unexpected(app.error());
      return AppToJson(*app, AppView::kDetailed, redactor_);
    });
  });
  ocean_.Add("DELETE", "cluster/{c}/app/{a}", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kAppKind, [&]() -> Result<json::value> {
      auto app = apps_.Kill(p[0], p[1]);
      if (!app) return tl::unexpected(app.error());
      spdlog::info("app {} kill requested", p[1]);
      return AppToJson(*app, AppView::kDetailed, redactor_);
    });
  });
  auto log = [this](const net::Request& req, const PathParams& p) { return DriverLog(req, p[0], p[1]); };
  ocean_.Add("GET", "cluster/{c}/app/{a}/log/live", log);
  ocean_.Add("GET", "cluster/{c}/app/{a}/logs/live", log);
  ocean_.Add("GET", "cluster/{c}/app/{a}/issues", [this](const net::Request& req, const PathParams& p) {
    auto app = apps_.Get(p[0], p[1]);
    if (!app) return ErrorEnvelope(req, app.error());
    json::error_code ec;
    json::value issues = json::parse(app->issues_json, ec);
    return Envelope(req, "spotinst:ocean:spark:issue", !ec && issues.is_array() ? issues.as_array() : json::array{});
  });
  auto events = [this](const net::Request& req, const PathParams& p) {
    auto app = apps_.Get(p[0], p[1]);
    if (!app) return ErrorEnvelope(req, app.error());
    net::Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = AppEventLines(*app);
    return r;
  };
  ocean_.Add("GET", "cluster/{c}/app/{a}/kubeEvent/live", events);
  ocean_.Add("GET", "cluster/{c}/app/{a}/kubeEvents/live", events);
  ocean_.Add("GET", "cluster/{c}/app/{a}/log/archive", [this](const net::Request& req, const PathParams& p) {
    auto app = apps_.Get(p[0], p[1]);
    if (!app) return ErrorEnvelope(req, app.error());
    if (!store::IsTerminal(app->state)) {
      return ErrorEnvelope(req, {ErrorCode::kFailedPrecondition,
                                 "the app is still running: its archive exists once it ends; use log/live meanwhile"});
    }
    auto gz = GzipFile(std::filesystem::path(app->app_dir) / "driver.log");
    if (!gz) return ErrorEnvelope(req, gz.error());
    net::Response r;
    r.content_type = "application/gzip";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + app->id + "-driver.log.gz\"");
    r.body = std::move(*gz);
    return r;
  });
  ocean_.Add("GET", "cluster/{c}/app/{a}/executor-log/archive", [this](const net::Request& req, const PathParams& p) {
    auto app = apps_.Get(p[0], p[1]);
    if (!app) return ErrorEnvelope(req, app.error());
    if (!store::IsTerminal(app->state)) {
      return ErrorEnvelope(req, {ErrorCode::kFailedPrecondition, "the app is still running: executor logs are archived once it ends"});
    }
    // The local runtime runs executors inside the driver JVM: their output is the driver log.
    std::filesystem::path log = std::filesystem::path(app->app_dir) / "driver.log";
    std::vector<eventlog::ZipEntry> entries;
    if (std::filesystem::exists(log)) entries.push_back({"local-executors/driver.log", log});
    auto zip = eventlog::ZipStream(std::move(entries));
    if (!zip) return ErrorEnvelope(req, zip.error());
    net::Response r;
    r.content_type = "application/zip";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + app->id + "-executor-logs.zip\"");
    r.stream = std::move(*zip);
    return r;
  });
}

// Wall-clock durations of the job's last 20 finished runs, oldest first (the jobs list's sparkline).
json::array ApiHandler::RecentDurations(const store::JobRecord& job) {
  json::array out;
  auto runs = store_.ListApps({.cluster_id = job.cluster_id,
                               .states = {store::AppState::kCompleted, store::AppState::kCompletedWithWarnings,
                                          store::AppState::kFailed, store::AppState::kKilled, store::AppState::kTimedOut},
                               .job_id = job.id,
                               .descending = true,
                               .limit = 20});
  if (!runs) return out;
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    if (it->started_at > 0 && it->ended_at >= it->started_at) out.push_back(it->ended_at - it->started_at);
  }
  return out;
}

void ApiHandler::AddTemplateAndJobRoutes() {
  ocean_.Add("GET", "configTemplate", [this](const net::Request& req, const PathParams&) {
    auto list = templates_.List("");
    if (!list) return ErrorEnvelope(req, list.error());
    json::array items;
    for (auto& t : *list) items.push_back(TemplateToJson(t, redactor_));
    return Envelope(req, kTemplateKind, std::move(items));
  });
  ocean_.Add("GET", "cluster/{c}/configTemplate", [this](const net::Request& req, const PathParams& p) {
    auto list = templates_.List(p[0]);
    if (!list) return ErrorEnvelope(req, list.error());
    json::array items;
    for (auto& t : *list) items.push_back(TemplateToJson(t, redactor_));
    return Envelope(req, kTemplateKind, std::move(items));
  });
  ocean_.Add("POST", "cluster/{c}/configTemplate", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kTemplateKind, [&]() -> Result<json::value> {
      auto body = ParseBody(req);
      if (!body) return tl::unexpected(body.error());
      auto created = templates_.Create(p[0], *body);
      if (!created) return tl::unexpected(ScrubbedFor(created.error(), *body, redactor_));
      return TemplateToJson(*created, redactor_);
    });
  });
  ocean_.Add("GET", "cluster/{c}/configTemplate/{t}", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kTemplateKind, [&]() -> Result<json::value> {
      auto found = templates_.Get(p[0], p[1]);
      if (!found) return tl::unexpected(found.error());
      return TemplateToJson(*found, redactor_);
    });
  });
  ocean_.Add("PUT", "cluster/{c}/configTemplate/{t}", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kTemplateKind, [&]() -> Result<json::value> {
      auto body = ParseBody(req);
      if (!body) return tl::unexpected(body.error());
      auto replaced = templates_.Replace(p[0], p[1], *body);
      if (!replaced) return tl::unexpected(ScrubbedFor(replaced.error(), *body, redactor_));
      return TemplateToJson(*replaced, redactor_);
    });
  });
  ocean_.Add("DELETE", "cluster/{c}/configTemplate/{t}", [this](const net::Request& req, const PathParams& p) {
    auto deleted = templates_.Delete(p[0], p[1]);
    if (!deleted) return ErrorEnvelope(req, deleted.error());
    net::Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  });

  auto job_list = [this](const net::Request& req, const std::string& cluster_id) {
    return Reply(req, kPageKind, [&]() -> Result<json::value> {
      if (!cluster_id.empty()) SPARKPLANE_TRY(store_.GetCluster(cluster_id));
      auto query = JobQueryFrom(req, cluster_id);
      if (!query) return tl::unexpected(query.error());
      return Paginate(
          *query, [&](const store::JobQuery& q) { return store_.ListJobs(q); },
          [&](const store::JobQuery& q) { return store_.CountJobs(q); },
          [&](const store::JobRecord& j) {
            auto last = store_.GetApp(j.last_app_id);
            json::object o = JobToJson(j, last ? &*last : nullptr, nullptr, redactor_);
            o["recentDurationsMs"] = RecentDurations(j);
            return o;
          },
          [](const store::JobRecord& j) {
            return store::Cursor{j.created_at, j.id};
          });
    });
  };
  ocean_.Add("GET", "job", [job_list](const net::Request& req, const PathParams&) { return job_list(req, ""); });
  ocean_.Add("GET", "cluster/{c}/job", [job_list](const net::Request& req, const PathParams& p) { return job_list(req, p[0]); });
  ocean_.Add("GET", "cluster/{c}/job/{j}", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kJobKind, [&]() -> Result<json::value> {
      auto job = store_.GetJob(p[0], p[1]);
      if (!job) return tl::unexpected(job.error());
      auto last = store_.GetApp(job->last_app_id);
      if (!req.Query("minCreatedAt") && !req.Query("maxCreatedAt")) {
        return JobToJson(*job, last ? &*last : nullptr, nullptr, redactor_);
      }
      auto query = AppQueryFrom(req, p[0]);
      if (!query) return tl::unexpected(query.error());
      query->job_id = p[1];
      query->limit = 1000;
      auto runs = store_.ListApps(*query);
      if (!runs) return tl::unexpected(runs.error());
      json::array history;
      for (auto& a : *runs) history.push_back(AppToJson(a, AppView::kListItem, redactor_));
      return JobToJson(*job, last ? &*last : nullptr, &history, redactor_);
    });
  });
  ocean_.Add("PUT", "cluster/{c}/job/{j}/config", [this](const net::Request& req, const PathParams& p) {
    return Reply(req, kJobKind, [&]() -> Result<json::value> {
      auto job = templates_.SetJobConfig(p[0], p[1], req.body);
      if (!job) return tl::unexpected(ScrubbedFor(job.error(), req.body, redactor_));
      return JobToJson(*job, nullptr, nullptr, redactor_);
    });
  });
}

net::Response ApiHandler::DriverLog(const net::Request& req, const std::string& cluster_id,
                                    const std::string& app_id) {
  auto path = apps_.DriverLogPath(cluster_id, app_id);
  if (!path) return ErrorEnvelope(req, path.error());
  bool follow = req.Query("follow").value_or("") == "true";
  net::Response r;
  r.content_type = "text/plain; charset=utf-8";
  if (!std::filesystem::exists(*path) && !follow) return r;  // not started yet: empty so far
  auto finished = [this, cluster_id, app_id] {
    auto app = apps_.Get(cluster_id, app_id);
    return !app || store::IsTerminal(app->state);
  };
  r.stream = FileChunks(*path, follow, finished);
  return r;
}

}  // namespace sparkplane::api
