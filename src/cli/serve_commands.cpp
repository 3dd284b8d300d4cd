// serve, and the hidden driver-wrapper every driver runs under.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "api/server.hpp"
#include "cli/command_groups.hpp"
#include "cli/command_support.hpp"
#include "runtime/driver_wrapper.hpp"

namespace sparkplane::cli {
namespace fs = std::filesystem;
namespace {

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

struct ServeFlags {
  api::ServeOptions options;
  std::string data_dir = "sparkplane-data";
  std::string spark_home;
};

void AddServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  api::ServeOptions& o = flags->options;
  auto* serve = app.add_subcommand("serve", "run the API server and the Spark runtime");
  serve->add_option("--listen", o.listen, "HOST:PORT to listen on")->capture_default_str();
  AddDataDirFlag(serve, flags->data_dir, "folder for the database, logs and apps");
  serve
      ->add_option(
          "--store", o.store_url,
          "postgresql://… to share state between replicas (default: SQLite in the data folder)")
      ->envname("SPARKPLANE_STORE");
  serve->add_option("--spark-home", flags->spark_home,
                    "Spark distribution (default: $SPARK_HOME, then .venv's pyspark)");
  auto& rt = o.runtime;
  serve
      ->add_option("--runtime", rt.runtime,
                   "where apps run: standalone (a Spark cluster with real executors) or local "
                   "(local[N], one JVM per app)")
      ->capture_default_str()
      ->check(CLI::IsMember({"standalone", "local"}));
  serve->add_option(
      "--spark-master", rt.spark_master,
      "spark://HOST:PORT of an existing standalone cluster (default: an embedded one)");
  serve
      ->add_option("--spark-master-webui-port", rt.spark_master_webui_port,
                   "web UI port of --spark-master (its /json/ gives the capacity)")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  serve
      ->add_option("--max-concurrent-apps", rt.max_concurrent_apps,
                   "--runtime local: apps running at once (default 2)")
      ->check(CLI::Range(1, 1000));
  serve->add_option("--fleet-shapes", rt.fleet_shapes,
                    "worker shapes the fleet starts, e.g. 2c4g,4c8g (default 2c4g,4c8g,8c16g)");
  serve
      ->add_option(
          "--fleet-max-cores", rt.fleet_max_cores,
          "host limit for workers plus drivers, in Spark cores (default 4 per hardware thread)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  serve->add_option("--fleet-max-memory", rt.fleet_max_memory,
                    "host limit for workers plus drivers, e.g. 16g (default 3/4 of the memory)");
  serve
      ->add_option("--fleet-headroom-cores", rt.fleet_headroom_cores,
                   "executor cores kept free on running workers so the next app starts at once")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  serve
      ->add_option("--fleet-idle-ttl", rt.fleet_idle_ttl_seconds,
                   "seconds a worker stays idle before it is decommissioned and removed")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  serve->add_option("--max-body-bytes", o.max_body_bytes, "request body limit")
      ->capture_default_str();
  serve
      ->add_option("--http-threads", o.http_threads,
                   "HTTP loop threads (0: half the cores, at least one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  serve->add_option("--tls-cert", o.tls_cert_file,
                    "serve https with this PEM certificate chain (with --tls-key)");
  serve->add_option("--tls-key", o.tls_key_file, "the certificate's unencrypted PEM private key");
  serve->add_flag("--launching-paused", o.launching_paused,
                  "accept submissions but launch nothing (maintenance, benchmarks)");
  serve
      ->add_option("--redaction-regex", o.redaction_regex,
                   "config keys or values it is found in are shown redacted in every reply "
                   "(as Spark's spark.redaction.regex; an app's own pattern adds to it)")
      ->capture_default_str();
  serve->callback([flags] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts
    api::ServeOptions options = flags->options;
    options.data_dir = flags->data_dir;
    options.spark_home = flags->spark_home;
    std::error_code ec;
    options.launcher = fs::read_symlink("/proc/self/exe", ec).string();
    auto server = ValueOrExit(api::Server::Start(options));
    if (auto token = server->new_admin_token(); !token.empty()) {
      // Only where it is: server output often ends up in shared logs.
      std::string path = (options.data_dir / "admin-token").string();
      std::cout << "Admin API token created: " << path << " (mode 0600; read it with: cat " << path
                << ")\n"
                << std::flush;
    }
    int sig = WaitForStopSignal();
    spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server->Stop();
  });
}

struct WrapperFlags {
  std::string exit_file;
  std::vector<std::string> command;
};

void AddDriverWrapperCommand(CLI::App& app) {
  auto flags = std::make_shared<WrapperFlags>();
  auto* wrapper =
      app.add_subcommand("driver-wrapper", "internal: runs a driver and records its exit");
  wrapper->group("");  // hidden from --help
  wrapper->add_option("--exit-file", flags->exit_file)->required();
  wrapper->add_option("command", flags->command)->required()->expected(1, -1);
  wrapper->callback([flags] {
    int code = runtime::RunDriverWrapper(flags->exit_file, flags->command);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace

void AddServeCommands(CLI::App& app) {
  AddServeCommand(app);
  AddDriverWrapperCommand(app);
}

}  // namespace sparkplane::cli
