#include "api/api_handler.hpp"

#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/app_json.hpp"
#include "api/envelope.hpp"
#include "api/tokens.hpp"
#include "common/util.hpp"

namespace sparkplane::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kOceanPrefix = "/ocean/spark/";
constexpr std::string_view kAppKind = "spotinst:ocean:spark:application";
constexpr std::string_view kClusterKind = "spotinst:ocean:spark:cluster";

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    if (slash != 0) out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

net::Response MethodNotAllowed(const net::Request& req, std::string_view allowed) {
  auto r = ErrorEnvelope(req, {ErrorCode::kInvalidArgument,
                               fmt::format("{} is not allowed on {}; use {}", req.method, req.path, allowed)});
  r.status = 405;
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

Result<json::value> ParseBody(const net::Request& req) {
  json::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the request body is not valid JSON ({})", ec.message()));
  }
  return v;
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
    while (true) {
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
    }
  };
}

}  // namespace

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
    if (!IsAuthorized(store_, request.Header("authorization").value_or(""))) {
      auto r = ErrorEnvelope(request, {ErrorCode::kUnauthenticated,
                                       "missing or invalid API token: send 'Authorization: Bearer <token>' "
                                       "(see DATA_DIR/admin-token or `sparkplane token create`)"});
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
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
  if (request.path.rfind(kOceanPrefix, 0) == 0) {
    return Ocean(request, Split(std::string_view(request.path).substr(kOceanPrefix.size())));
  }
  return ErrorEnvelope(request, {ErrorCode::kNotFound, fmt::format("no route for {}", request.path)});
}

net::Response ApiHandler::Ocean(const net::Request& req, const std::vector<std::string>& s) {
  auto fail = [&](const Error& e) { return ErrorEnvelope(req, e); };
  const std::string& m = req.method;
  size_t n = s.size();
  if (n == 0 || s[0] != "cluster") {
    return fail({ErrorCode::kNotFound, fmt::format("no route for {}", req.path)});
  }
  if (n == 1) {
    if (m != "GET") return MethodNotAllowed(req, "GET");
    auto clusters = store_.ListClusters();
    if (!clusters) return fail(clusters.error());
    json::array items;
    for (auto& c : *clusters) items.push_back(ClusterToJson(c));
    return Envelope(req, kClusterKind, std::move(items));
  }
  const std::string& cluster_id = s[1];
  if (n == 2) {
    if (m != "GET") return MethodNotAllowed(req, "GET");
    auto cluster = store_.GetCluster(cluster_id);
    if (!cluster) return fail(cluster.error());
    return Envelope(req, kClusterKind, json::array{ClusterToJson(*cluster)});
  }
  if (s[2] != "app") return fail({ErrorCode::kNotFound, fmt::format("no route for {}", req.path)});
  if (n == 3) {
    if (m == "POST") {
      auto body = ParseBody(req);
      if (!body) return fail(body.error());
      auto app = apps_.Submit(cluster_id, *body);
      if (!app) return fail(app.error());
      spdlog::info("app {} submitted (job {})", app->id, app->job_id);
      return Envelope(req, kAppKind, json::array{AppToJson(*app, AppView::kDetailed)});
    }
    if (m != "GET") return MethodNotAllowed(req, "GET, POST");
    auto apps = apps_.List(cluster_id);
    if (!apps) return fail(apps.error());
    json::array items;
    for (auto it = apps->rbegin(); it != apps->rend(); ++it) items.push_back(AppToJson(*it, AppView::kListItem));
    return Envelope(req, kAppKind, std::move(items));
  }
  const std::string& app_id = s[3];
  if (n == 4) {
    if (m == "GET") {
      auto app = apps_.Get(cluster_id, app_id);
      if (!app) return fail(app.error());
      return Envelope(req, kAppKind, json::array{AppToJson(*app, AppView::kDetailed)});
    }
    if (m == "DELETE") {
      auto app = apps_.Kill(cluster_id, app_id);
      if (!app) return fail(app.error());
      spdlog::info("app {} kill requested", app_id);
      return Envelope(req, kAppKind, json::array{AppToJson(*app, AppView::kDetailed)});
    }
    return MethodNotAllowed(req, "GET, DELETE");
  }
  if (n == 6 && s[5] == "live" && (s[4] == "log" || s[4] == "logs")) {
    if (m != "GET") return MethodNotAllowed(req, "GET");
    return DriverLog(req, cluster_id, app_id);
  }
  return fail({ErrorCode::kNotFound, fmt::format("no route for {}", req.path)});
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
