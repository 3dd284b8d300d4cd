#include "cli/commands.hpp"

#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "api/server.hpp"
#include "api/tokens.hpp"
#include "cli/client.hpp"
#include "common/util.hpp"
#include "eventlog/commands.hpp"
#include "fleet/commands.hpp"
#include "runtime/driver_wrapper.hpp"
#include "store/store.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

int Report(const Error& e) {
  std::cerr << "error: " << e.message << "\n";
  return e.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

std::string Str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  auto* m = v.as_object().if_contains(key);
  if (!m) return "";
  if (m->is_string()) return std::string(m->as_string());
  return json::serialize(*m);
}

int64_t MillisOf(const json::value& app, std::string_view key) {
  auto t = ParseIsoMillis(Str(app, key));
  return t ? *t : 0;
}

std::string Duration(const json::value& app) {
  int64_t start = MillisOf(app, "startedAt");
  if (start == 0) return "-";
  int64_t end = MillisOf(app, "endedAt");
  int64_t seconds = ((end ? end : NowMillis()) - start) / 1000;
  return seconds >= 60 ? fmt::format("{}m{:02}s", seconds / 60, seconds % 60) : fmt::format("{}s", seconds);
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
    std::cout << line << "\n";
  }
}

void PrintApp(const json::value& app) {
  std::vector<std::vector<std::string>> rows = {
      {"id", Str(app, "id")},           {"job", Str(app.at("job"), "id")},
      {"state", Str(app, "appState")},  {"created", Str(app, "createdAt")},
      {"started", Str(app, "startedAt")}, {"ended", Str(app, "endedAt")},
      {"duration", Duration(app)},
  };
  if (!Str(app, "exitCode").empty()) rows.push_back({"exit code", Str(app, "exitCode")});
  PrintTable(rows);
  if (!Str(app, "errorMessage").empty()) std::cout << "error:\n" << Str(app, "errorMessage");
}

// Blocks SIGINT/SIGTERM in every thread and waits for one of them.
int WaitForStopSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int Main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("sparkplane"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  CLI::App app{"sparkplane: a self-hosted Spark platform with the Ocean Spark API"};
  app.require_subcommand(1);

  ClientOptions client_options;
  bool as_json = false;
  auto add_client_flags = [&](CLI::App* sub) {
    sub->add_option("--url", client_options.url, "server URL (default: $SPARKPLANE_URL, then DATA_DIR/server-url)");
    sub->add_option("--token", client_options.token, "API token (default: $SPARKPLANE_TOKEN, then DATA_DIR/admin-token)");
    sub->add_option("--data-dir", client_options.data_dir, "local data folder to read the URL and token from");
    sub->add_option("--cluster", client_options.cluster, "cluster id (default: the server's first)");
    sub->add_flag("--json", as_json, "print JSON for scripts");
  };

  // serve
  api::ServeOptions serve_options;
  std::string spark_home;
  auto* serve = app.add_subcommand("serve", "run the API server and the local Spark runtime");
  serve->add_option("--listen", serve_options.listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--data-dir", serve_options.data_dir, "folder for the database, logs and apps")->capture_default_str();
  serve->add_option("--store", serve_options.store_url,
                    "postgresql://… to share state between replicas (default: SQLite in the data folder)");
  serve->add_option("--spark-home", spark_home, "Spark distribution (default: $SPARK_HOME, then .venv's pyspark)");
  serve->add_option("--max-concurrent-apps", serve_options.max_concurrent_apps, "apps running at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  serve->add_option("--max-body-bytes", serve_options.max_body_bytes, "request body limit")->capture_default_str();
  serve->add_option("--http-threads", serve_options.http_threads, "HTTP loop threads (0: half the cores, at least one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  serve->add_flag("--launching-paused", serve_options.launching_paused,
                  "accept submissions but launch nothing (maintenance, benchmarks)");
  serve->callback([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts
    serve_options.spark_home = spark_home;
    std::error_code ec;
    serve_options.launcher = fs::read_symlink("/proc/self/exe", ec).string();
    auto server = api::Server::Start(serve_options);
    if (!server) throw CLI::RuntimeError(Report(server.error()));
    if (auto token = (*server)->new_admin_token(); !token.empty()) {
      std::cout << "Admin API token (saved to " << (serve_options.data_dir / "admin-token").string()
                << ", shown once):\n  " << token << "\n" << std::flush;
    }
    int sig = WaitForStopSignal();
    spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    (*server)->Stop();
  });

  // token create
  auto* token = app.add_subcommand("token", "manage API tokens");
  token->require_subcommand(1);
  std::string token_name = "cli";
  std::string token_data_dir = "sparkplane-data";
  auto* token_create = token->add_subcommand("create", "create a token and print it once");
  token_create->add_option("--name", token_name, "a label for the token")->capture_default_str();
  token_create->add_option("--data-dir", token_data_dir, "the server's data folder")->capture_default_str();
  token_create->callback([&] {
    auto store = store::OpenSqliteStore((fs::path(token_data_dir) / "sparkplane.db").string());
    if (!store) throw CLI::RuntimeError(Report(store.error()));
    auto created = api::CreateToken(**store, token_name);
    if (!created) throw CLI::RuntimeError(Report(created.error()));
    std::cout << *created << "\n";
  });

  auto connect = [&]() {
    auto client = Client::Connect(client_options);
    if (!client) throw CLI::RuntimeError(Report(client.error()));
    return std::move(*client);
  };
  auto call = [&](Client& client, const std::string& method, const std::string& path, const std::string& body = "{}") {
    auto items = client.Call(method, path, body);
    if (!items) throw CLI::RuntimeError(Report(items.error()));
    return std::move(*items);
  };

  // submit
  std::string job_id, app_id, main_class;
  std::vector<std::string> file_and_args, confs;
  bool wait = false;
  auto* submit = app.add_subcommand("submit", "submit an app: sparkplane submit --job J FILE [-- ARGS...]");
  submit->add_option("--job", job_id, "job id grouping runs of the same code (default: derived from FILE)");
  submit->add_option("--app", app_id, "app id (default: <job>-<uuid>)");
  submit->add_option("--class", main_class, "main class of a JVM app");
  submit->add_option("--conf", confs, "Spark config K=V (repeatable)");
  submit->add_flag("--wait", wait, "wait for the app to end; exit 0 only if it completed");
  submit->add_option("file", file_and_args, "application file, then its arguments")->required()->expected(1, -1);
  add_client_flags(submit);
  submit->callback([&] {
    json::object overrides{{"mainApplicationFile", fs::absolute(file_and_args[0]).lexically_normal().string()}};
    if (file_and_args.size() > 1) {
      json::array args;
      for (size_t i = 1; i < file_and_args.size(); ++i) args.emplace_back(file_and_args[i]);
      overrides["arguments"] = std::move(args);
    }
    if (!main_class.empty()) overrides["mainClass"] = main_class;
    json::object spark_conf;
    for (auto& kv : confs) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw CLI::ValidationError("--conf", fmt::format("'{}' must be KEY=VALUE", kv));
      }
      spark_conf[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (!spark_conf.empty()) overrides["sparkConf"] = std::move(spark_conf);
    json::object body{{"jobId", job_id}, {"configOverrides", std::move(overrides)}};
    if (!app_id.empty()) body["appId"] = app_id;
    Client client = connect();
    auto items = call(client, "POST", "app", json::serialize(body));
    std::string id = Str(items.at(0), "id");
    if (!wait) {
      if (as_json) {
        std::cout << json::serialize(items.at(0)) << "\n";
      } else {
        std::cout << id << "\n";
      }
      return;
    }
    std::cerr << "submitted " << id << "\n";
    std::string last;
    while (true) {
      auto now = call(client, "GET", "app/" + id).at(0);
      std::string state = Str(now, "appState");
      if (state != last) std::cerr << id << ": " << state << "\n";
      last = state;
      if (state != "PENDING" && state != "RUNNING") {
        if (as_json) {
          std::cout << json::serialize(now) << "\n";
        } else {
          PrintApp(now);
        }
        if (state != "COMPLETED" && state != "COMPLETED_WITH_WARNINGS") throw CLI::RuntimeError(1);
        return;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });

  // apps
  auto* apps = app.add_subcommand("apps", "list apps, newest first");
  add_client_flags(apps);
  apps->callback([&] {
    Client client = connect();
    auto items = call(client, "GET", "app");
    if (as_json) {
      std::cout << json::serialize(items) << "\n";
      return;
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "JOB", "STATE", "CREATED", "DURATION"}};
    for (auto& a : items.as_array())
      rows.push_back({Str(a, "id"), Str(a.at("job"), "id"), Str(a, "appState"), Str(a, "createdAt"), Duration(a)});
    PrintTable(rows);
  });

  // app ID
  std::string target_id;
  auto* app_cmd = app.add_subcommand("app", "show one app");
  app_cmd->add_option("id", target_id, "app id")->required();
  add_client_flags(app_cmd);
  app_cmd->callback([&] {
    Client client = connect();
    auto items = call(client, "GET", "app/" + target_id);
    if (as_json) {
      std::cout << json::serialize(items.at(0)) << "\n";
    } else {
      PrintApp(items.at(0));
    }
  });

  // logs ID [--follow]
  bool follow = false;
  auto* logs = app.add_subcommand("logs", "print an app's driver log");
  logs->add_option("id", target_id, "app id")->required();
  logs->add_flag("-f,--follow", follow, "keep printing until the app ends");
  add_client_flags(logs);
  logs->callback([&] {
    Client client = connect();
    auto streamed = client.Stream("app/" + target_id + "/log/live" + (follow ? "?follow=true" : ""));
    if (!streamed) throw CLI::RuntimeError(Report(streamed.error()));
  });

  // kill ID
  auto* kill = app.add_subcommand("kill", "kill an app (a pending one is cancelled)");
  kill->add_option("id", target_id, "app id")->required();
  add_client_flags(kill);
  kill->callback([&] {
    Client client = connect();
    auto items = call(client, "DELETE", "app/" + target_id);
    if (as_json) {
      std::cout << json::serialize(items.at(0)) << "\n";
    } else {
      std::cout << target_id << ": " << Str(items.at(0), "appState") << "\n";
    }
  });

  // driver-wrapper (internal): the parent of each driver, recording its exit status.
  std::string exit_file;
  std::vector<std::string> wrapped;
  auto* wrapper = app.add_subcommand("driver-wrapper", "internal: runs a driver and records its exit");
  wrapper->group("");  // hidden from --help
  wrapper->add_option("--exit-file", exit_file)->required();
  wrapper->add_option("command", wrapped)->required()->expected(1, -1);
  wrapper->callback([&] {
    int code = runtime::RunDriverWrapper(exit_file, wrapped);
    if (code != 0) throw CLI::RuntimeError(code);
  });

  eventlog::AddEventlogCommands(app);
  fleet::AddFleetCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace sparkplane::cli
