#include "api/server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/api_handler.hpp"
#include "api/history_ids.hpp"
#include "api/tokens.hpp"
#include "common/folder_lock.hpp"
#include "common/util.hpp"
#include "control/app_service.hpp"
#include "eventlog/history_api.hpp"
#include "net/http.hpp"
#include "store/store.hpp"

namespace sparkplane::api {
namespace fs = std::filesystem;
namespace {

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("--listen '{}' must be HOST:PORT", listen));
  }
  std::string host = listen.substr(0, colon);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (...) {
    port = -1;
  }
  if (host.empty() || port < 0 || port > 65535) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("--listen '{}' must be HOST:PORT", listen));
  }
  return std::pair{host, static_cast<uint16_t>(port)};
}

std::optional<fs::path> PysparkIn(const fs::path& venv) {
  std::error_code ec;
  fs::path lib = venv / "lib";
  if (!fs::is_directory(lib, ec)) return std::nullopt;
  for (auto& entry : fs::directory_iterator(lib, ec)) {
    fs::path candidate = entry.path() / "site-packages" / "pyspark";
    if (fs::exists(candidate / "bin" / "spark-submit", ec)) return candidate;
  }
  return std::nullopt;
}

// The interpreter of the venv that holds pyspark, so drivers and workers can import it.
std::string PythonFor(const fs::path& spark_home) {
  fs::path python = spark_home.parent_path().parent_path().parent_path().parent_path() / "bin" / "python";
  std::error_code ec;
  return fs::exists(python, ec) ? python.string() : "python3";
}

// An existing data folder (or its secret files) readable by other users: say so, and how to fix
// it; sparkplane does not change modes it did not set.
void WarnIfShared(const fs::path& data_dir) {
  for (const fs::path& path :
       {data_dir, data_dir / "apps", data_dir / "sparkplane.db", data_dir / "admin-token"}) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    bool dir = S_ISDIR(st.st_mode);
    spdlog::warn(
        "{} is accessible to other users (mode {:o}) but holds secrets (app configs, "
        "tokens): run chmod {} {}",
        path.string(), st.st_mode & 0777, dir ? "700" : "600", path.string());
  }
}

class ServerImpl final : public Server {
 public:
  uint16_t port() const override { return http_->port(); }
  std::string cluster_id() const override { return cluster_id_; }
  std::string new_admin_token() const override { return new_admin_token_; }
  // Safe after a partial Init (a busy port, a locked data folder): stops what was started.
  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (http_) http_->Stop();
    if (apps_) apps_->Shutdown();
  }
  ~ServerImpl() override { Stop(); }

  Status Init(const ServeOptions& options) {
    auto listen = ParseListen(options.listen);
    if (!listen) return tl::unexpected(listen.error());
    auto redactor = Redactor::Create(options.redaction_regex);
    if (!redactor)
      return Fail(ErrorCode::kInvalidArgument, "--redaction-regex: " + redactor.error().message);
    ::umask(077);
    WarnIfShared(options.data_dir);
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "TLS needs both --tls-cert and --tls-key");
    }
    std::error_code ec;
    fs::create_directories(options.data_dir / "apps", ec);
    if (ec) return Fail(ErrorCode::kIo, fmt::format("cannot create {}: {}", options.data_dir.string(), ec.message()));
    fs::path data_dir = fs::absolute(options.data_dir);
    bool postgres = options.store_url.rfind("postgresql://", 0) == 0 || options.store_url.rfind("postgres://", 0) == 0;
    if (!options.store_url.empty() && !postgres) {
      return Fail(ErrorCode::kInvalidArgument, "--store must be a postgresql:// URL (or empty for SQLite)");
    }
    if (!postgres) {
      // One server per SQLite data folder (replicas share PostgreSQL, not a folder's database).
      auto lock = FolderLock::Acquire(data_dir);
      if (!lock) return tl::unexpected(lock.error());
      folder_lock_ = std::move(*lock);
    }
    auto store = postgres ? store::OpenPostgresStore(options.store_url)
                          : store::OpenSqliteStore((data_dir / "sparkplane.db").string());
    if (!store) return tl::unexpected(store.error());
    store_ = std::move(*store);
    SPARKPLANE_TRY(EnsureCluster());
    SPARKPLANE_TRY(EnsureAdminToken(data_dir));

    fs::path spark_home = options.spark_home;
    if (spark_home.empty()) {
      auto found = FindSparkHome();
      if (!found) return tl::unexpected(found.error());
      spark_home = *found;
    }
    int max_local_cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto runtime = MakeRuntime(
        options.runtime,
        {data_dir, spark_home, PythonFor(spark_home), options.launcher, max_local_cores}, *store_);
    if (!runtime) return tl::unexpected(runtime.error());
    runtime_name_ = std::string((*runtime)->name());
    control::AppServiceOptions app_options{data_dir, spark_home, max_local_cores,
                                           options.kill_grace};
    app_options.redactor = *redactor;
    apps_ = std::make_unique<control::AppService>(*store_, app_options, std::move(*runtime));
    handler_ = std::make_unique<ApiHandler>(*store_, *apps_, *redactor);
    history_ = std::make_unique<eventlog::HistoryApi>(apps_->catalog(), *redactor);
    handler_->Mount("/api/v1/", [this](const net::Request& r) {
      net::Request below = r;
      below.path = WithSparkAppId(r.path.substr(std::string_view("/api/v1").size()), *store_);
      return history_->Handle(below);
    });
    net::ServerOptions http_options{listen->first, listen->second, options.max_body_bytes, 60, options.http_threads};
    // History Server answers may replay a whole event log first; writes queue for the store's
    // writer (where concurrent submissions share one commit).
    http_options.is_slow = [](const net::Request& r) {
      return r.path.rfind("/api/v1/", 0) == 0 || r.method != "GET";
    };
    http_options.slow_threads = 8;
    http_options.tls_cert_file = options.tls_cert_file.string();
    http_options.tls_key_file = options.tls_key_file.string();
    auto http = net::HttpServer::Start(http_options, [this](const net::Request& r) { return handler_->Handle(r); });
    if (!http) return tl::unexpected(http.error());
    http_ = std::move(*http);
    apps_->SetLaunchingPaused(options.launching_paused);
    apps_->Start();
    std::string host = listen->first == "0.0.0.0" || listen->first == "::" ? "127.0.0.1" : listen->first;
    std::string scheme = options.tls_cert_file.empty() ? "http" : "https";
    SPARKPLANE_TRY(WriteFileAtomic(data_dir / "server-url", fmt::format("{}://{}:{}\n", scheme, host, http_->port())));
    spdlog::info("sparkplane serving on {}://{}:{} (cluster {}, data {}, spark {}, runtime {})", scheme,
                 listen->first, http_->port(), cluster_id_, data_dir.string(), spark_home.string(),
                 runtime_name_);
    return Ok();
  }

 private:
  Status EnsureCluster() {
    auto clusters = store_->ListClusters();
    if (!clusters) return tl::unexpected(clusters.error());
    if (!clusters->empty()) {
      cluster_id_ = clusters->front().id;
      return Ok();
    }
    int64_t now = NowMillis();
    store::ClusterRecord cluster{"osc-" + RandomHex(8), "AVAILABLE", "local", now, now};
    SPARKPLANE_TRY(store_->InsertCluster(cluster));
    cluster_id_ = cluster.id;
    return Ok();
  }

  Status EnsureAdminToken(const fs::path& data_dir) {
    fs::path path = data_dir / "admin-token";
    std::error_code ec;
    if (fs::exists(path, ec)) return Ok();
    auto token = CreateToken(*store_, "admin");
    if (!token) return tl::unexpected(token.error());
    SPARKPLANE_TRY(WriteFileAtomic(path, *token + "\n", 0600));
    new_admin_token_ = *token;
    return Ok();
  }

  std::optional<FolderLock> folder_lock_;  // released last
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<control::AppService> apps_;
  std::unique_ptr<ApiHandler> handler_;
  std::unique_ptr<eventlog::HistoryApi> history_;
  std::unique_ptr<net::HttpServer> http_;
  std::string cluster_id_;
  std::string new_admin_token_;
  std::string runtime_name_;
  bool stopped_ = false;
};

}  // namespace

Result<fs::path> FindSparkHome() {
  std::error_code ec;
  if (const char* env = std::getenv("SPARK_HOME"); env && *env) {
    if (fs::exists(fs::path(env) / "bin" / "spark-submit", ec)) return fs::path(env);
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("SPARK_HOME={} has no bin/spark-submit", env));
  }
  std::vector<fs::path> roots{fs::current_path(ec)};
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    roots.push_back(dir);
  }
  for (auto& root : roots) {
    if (auto found = PysparkIn(root / ".venv")) return *found;
  }
  return Fail(ErrorCode::kFailedPrecondition,
              "cannot find Spark: run scripts/setup.sh (it installs pyspark into .venv), or set "
              "SPARK_HOME or --spark-home");
}

Result<std::unique_ptr<Server>> Server::Start(const ServeOptions& options) {
  auto server = std::make_unique<ServerImpl>();
  if (auto st = server->Init(options); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace sparkplane::api
