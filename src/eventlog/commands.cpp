#include "eventlog/commands.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <utility>

#include "eventlog/app_builder.hpp"
#include "eventlog/history_api.hpp"
#include "eventlog/json_writer.hpp"
#include "eventlog/live.hpp"
#include "eventlog/metrics.hpp"
#include "net/http.hpp"

namespace sparkplane::eventlog {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  throw CLI::RuntimeError(1);
}

struct LogStats {
  fs::path path;
  std::string codec;
  bool in_progress = false;
  ReadStats read;
  std::unique_ptr<AppBuilder> builder;
  double seconds = 0;
};

LogStats Replay(const fs::path& path, int threads) {
  LogStats s;
  s.path = path;
  BuilderOptions options;
  options.parse_threads = threads;
  s.builder = std::make_unique<AppBuilder>(options);
  auto start = std::chrono::steady_clock::now();
  LogReader reader(path);
  if (auto st = reader.Poll(*s.builder); !st) Die(st.error().message);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.read = reader.stats();
  s.in_progress = reader.layout().in_progress;
  std::string codec;
  for (const auto& f : reader.layout().files) {
    std::string_view name = CodecName(f.codec);
    codec = name.empty() ? "none" : std::string(name);
  }
  s.codec = reader.layout().rolling ? "rolling/" + codec : codec;
  return s;
}

void RunStats(const std::string& target, bool json, int threads) {
  std::vector<fs::path> paths;
  std::error_code ec;
  bool folder = fs::is_directory(target, ec) && !fs::path(target).filename().string().starts_with("eventlog_v2_");
  if (folder) {
    for (const auto& dir : FoldersWithLogs(target)) {
      for (const auto& p : ListLogs(dir)) {
        if (LooksLikeEventLog(p)) paths.push_back(p);
      }
    }
    if (paths.empty()) Die(fmt::format("no Spark event logs in {} or its subfolders", target));
  } else {
    if (!fs::exists(target, ec)) Die(fmt::format("{} does not exist", target));
    paths.push_back(target);
  }
  JsonWriter w;
  w.BeginArray();
  bool header = !json;  // printed before the first row, so an error comes alone
  for (const auto& p : paths) {
    LogStats s = Replay(p, threads);
    const AppModel& m = s.builder->model();
    if (m.counters.events == 0 && !folder) {
      Die(fmt::format("{} is not a Spark event log (none of its {} lines is a Spark event)", p.string(),
                      m.counters.lines));
    }
    AppMetrics metrics = ComputeAppMetrics(m, !s.in_progress);
    double mb = static_cast<double>(s.read.decoded_bytes) / 1e6;
    uint64_t errors = m.counters.parse_errors + s.read.corrupt_files;
    if (json) {
      w.BeginObject();
      w.Field("path", p.string());
      w.Field("appId", m.app_id);
      w.Field("appName", m.app_name);
      w.OptField("attemptId", m.attempt_id);
      w.Field("sparkVersion", m.spark_version);
      w.Field("codec", s.codec);
      w.Field("inProgress", s.in_progress);
      w.Field("compressedBytes", s.read.compressed_bytes);
      w.Field("decodedBytes", s.read.decoded_bytes);
      w.Field("lines", m.counters.lines);
      w.Field("events", m.counters.events);
      w.Field("parseErrors", m.counters.parse_errors);
      w.Field("unknownEvents", m.counters.unknown_events);
      w.Field("unknownFields", m.counters.unknown_fields);
      w.Field("corruptFiles", s.read.corrupt_files);
      w.Field("truncatedTail", s.read.truncated_tail);
      w.Field("jobs", static_cast<int64_t>(m.jobs.size()));
      w.Field("stages", static_cast<int64_t>(m.stages.size()));
      w.Field("tasks", static_cast<int64_t>(m.tasks.size()));
      w.Field("executors", static_cast<int64_t>(m.executors.size()));
      w.Field("durationMs", metrics.duration_ms);
      w.Field("coreSeconds", metrics.core_seconds);
      w.Field("taskSeconds", metrics.task_seconds);
      w.Field("efficiency", metrics.efficiency);
      w.Field("cpuUtilisation", metrics.cpu_utilisation);
      w.Field("gcShare", metrics.gc_share);
      w.Field("replaySeconds", s.seconds);
      w.Field("replayMBps", s.seconds > 0 ? mb / s.seconds : 0.0);
      w.Key("errors");
      w.BeginArray();
      for (const auto& e : s.read.errors) w.String(e);
      w.EndArray();
      w.EndObject();
    } else {
      if (std::exchange(header, false)) {
        std::printf("%-40s %-14s %10s %10s %8s %6s %6s %8s %5s %10s %7s %8s %9s\n", "app", "codec",
                    "disk MB", "log MB", "events", "jobs", "stages", "tasks", "errs", "core-s",
                    "effic%", "secs", "MB/s");
      }
      std::string app = m.app_id + (m.attempt_id ? "/" + *m.attempt_id : "");
      std::printf("%-40s %-14s %10.2f %10.2f %8llu %6zu %6zu %8zu %5llu %10.1f %7.1f %8.3f %9.1f\n",
                  app.c_str(), s.codec.c_str(), static_cast<double>(s.read.compressed_bytes) / 1e6,
                  mb, static_cast<unsigned long long>(m.counters.events), m.jobs.size(),
                  m.stages.size(), m.tasks.size(), static_cast<unsigned long long>(errors),
                  metrics.core_seconds, metrics.efficiency * 100, s.seconds,
                  s.seconds > 0 ? mb / s.seconds : 0.0);
      for (const auto& e : s.read.errors) std::printf("    error: %s\n", e.c_str());
    }
  }
  w.EndArray();
  if (json) std::printf("%s\n", w.str().c_str());
}

void RunHistory(const std::string& dir, const std::string& listen) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) Die(fmt::format("{} is not a directory", dir));
  net::ServerOptions options;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) Die("--listen must be HOST:PORT");
  options.host = listen.substr(0, colon);
  try {
    options.port = static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
  } catch (...) {
    Die("--listen must be HOST:PORT");
  }
  auto catalog = std::make_shared<Catalog>();
  auto folders = FoldersWithLogs(dir);
  // The folder itself is followed even when empty: Spark writes new logs into it.
  if (std::find(folders.begin(), folders.end(), fs::path(dir)) == folders.end()) catalog->AddDirectory(dir);
  for (const auto& folder : folders) catalog->AddDirectory(folder);
  if (folders.empty()) {
    std::fprintf(stderr, "warning: no Spark event logs in %s or its subfolders yet\n", dir.c_str());
  }
  auto api = std::make_shared<HistoryApi>(catalog);
  // Block the stop signals before the server's threads start so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = net::HttpServer::Start(options, [api](const net::Request& req) {
    constexpr std::string_view kPrefix = "/api/v1";
    if (!req.path.starts_with(kPrefix)) {
      net::Response r;
      r.status = 404;
      r.content_type = "text/plain";
      r.body = "not found";
      return r;
    }
    net::Request sub = req;
    sub.path = req.path.substr(kPrefix.size());
    return api->Handle(sub);
  });
  if (!server) Die(server.error().message);
  std::printf("history: serving %s on http://%s:%u/api/v1\n", dir.c_str(), options.host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  (*server)->Stop();
}

}  // namespace

void AddEventlogCommands(CLI::App& root) {
  auto* group = root.add_subcommand("eventlog", "Inspect Spark event logs");
  group->require_subcommand(1);
  auto* stats = group->add_subcommand("stats", "Replay event logs and print a summary");
  auto target = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  stats->add_option("path", *target, "Event log file, eventlog_v2_ directory or folder of logs")
      ->required();
  auto threads = std::make_shared<int>(1);
  stats->add_flag("--json", *json, "Print JSON instead of a table");
  stats->add_option("--threads", *threads, "Parsing threads (default 1: single-core replay)")
      ->check(CLI::Range(1, 16));
  stats->callback([target, json, threads] { RunStats(*target, *json, *threads); });

  auto* history = root.add_subcommand("history", "Serve Spark's History Server API for a folder");
  auto dir = std::make_shared<std::string>();
  auto listen = std::make_shared<std::string>("127.0.0.1:18080");
  history->add_option("--dir", *dir, "Folder of event logs")->required();
  history->add_option("--listen", *listen, "HOST:PORT (port 0 picks a free port)");
  history->callback([dir, listen] { RunHistory(*dir, *listen); });
}

}  // namespace sparkplane::eventlog
