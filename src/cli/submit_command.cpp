// submit [--wait]: builds the submission from flags, then optionally follows the app to its end
// with a progress line on a terminal.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/command_groups.hpp"
#include "cli/command_support.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flag_values.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace {

// What Ctrl-C during --wait prints; formatted before the handler is installed, because a signal
// handler may only write(2) and _exit(2).
char interrupt_message[1024];
size_t interrupt_message_size = 0;

void OnInterrupt(int) {
  ssize_t ignored = write(STDERR_FILENO, interrupt_message, interrupt_message_size);
  (void)ignored;
  _exit(130);
}

void SayOnInterrupt(const std::string& app_id, const ClientFlags& flags) {
  std::string kill = "sparkplane kill " + app_id;
  if (!flags.options.url.empty()) kill += " --url " + flags.options.url;
  auto written = fmt::format_to_n(interrupt_message, sizeof interrupt_message,
                                  "\nstopped waiting; the app {} keeps running. To stop it: {}\n",
                                  app_id, kill);
  interrupt_message_size = std::min(written.size, sizeof interrupt_message);
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

bool IsTerminalState(const std::string& state) {
  return state != "PENDING" && state != "RUNNING" && !state.empty();
}

// Polls the app until it ends; on a terminal, redraws one progress line while it runs.
json::value WaitForEnd(Client& client, const std::string& id) {
  const bool tty = isatty(STDERR_FILENO) == 1;
  std::string last_state;
  bool line_drawn = false;
  while (true) {
    json::value app = ValueOrExit(client.Call("GET", "app/" + id)).at(0);
    std::string state = Str(app, "appState");
    if (state != last_state) {
      if (line_drawn) std::cerr << "\r\033[K";
      line_drawn = false;
      std::cerr << id << ": " << state << "\n";
      last_state = state;
    }
    if (IsTerminalState(state)) return app;
    if (tty && state == "RUNNING") {
      json::value stages;  // null until the driver has written its first events
      if (auto spark_id = Str(app, "sparkAppId"); !spark_id.empty()) {
        if (auto got = client.GetJson("/api/v1/applications/" + spark_id + "/stages"))
          stages = std::move(*got);
      }
      std::cerr << "\r\033[K" << ProgressLine(state, Duration(app), stages) << std::flush;
      line_drawn = true;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

struct SubmitOptions {
  SubmitFlags spec;
  ClientFlags client;
  bool wait = false;
  int executors = 0;
};

}  // namespace

void AddSubmitCommand(CLI::App& app) {
  auto flags = std::make_shared<SubmitOptions>();
  SubmitFlags& s = flags->spec;
  auto* submit =
      app.add_subcommand("submit", "submit an app: sparkplane submit --job J FILE [-- ARGS...]");
  submit->add_option("--job", s.job_id,
                     "job id grouping runs of the same code (default: derived from FILE)");
  submit->add_option("--app", s.app_id, "app id (default: <job>-<uuid>)");
  submit->add_option("--template", s.template_id,
                     "config template to start from (see `sparkplane templates`)");
  submit->add_option("--class", s.main_class, "main class of a JVM app");
  // One value per occurrence, so the application file after them is not taken as another value.
  submit->add_option("--conf", s.confs, "Spark config KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  submit->add_option("--driver-memory", s.driver_memory, "driver memory, e.g. 2g");
  submit->add_option("--executor-memory", s.executor_memory, "memory of each executor, e.g. 4g");
  auto* executors = submit->add_option("--executors", flags->executors, "number of executors")
                        ->check(CLI::PositiveNumber);
  submit
      ->add_option("--py-files", s.py_files,
                   "Python files or zips for the app (repeatable or comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  submit
      ->add_option("--jars", s.jars, "jars for the app's classpath (repeatable or comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  submit->add_flag("--wait", flags->wait, "wait for the app to end; exit 0 only if it completed");
  submit->add_option("file", s.file_and_args, "application file, then its arguments")
      ->required()
      ->expected(1, -1);
  AddClientFlags(submit, flags->client);
  submit->callback([flags, executors] {
    if (executors->count() > 0) flags->spec.executors = flags->executors;
    std::error_code ec;
    json::object body =
        ValueOrExit(SubmissionBody(flags->spec, std::filesystem::current_path(ec).string()));
    Client client = ConnectOrExit(flags->client);
    json::value app = ValueOrExit(client.Call("POST", "app", json::serialize(body))).at(0);
    std::string id = Str(app, "id");
    if (!flags->wait) {
      if (flags->client.json) {
        PrintJson(app);
      } else {
        std::cout << id << "\n";
      }
      return;
    }
    SayOnInterrupt(id, flags->client);  // before saying so: a script may interrupt once it reads it
    std::cerr << "submitted " << id << std::endl;
    json::value ended = WaitForEnd(client, id);
    if (flags->client.json) {
      PrintJson(ended);
    } else {
      PrintApp(ended);
    }
    std::string state = Str(ended, "appState");
    if (state != "COMPLETED" && state != "COMPLETED_WITH_WARNINGS") {
      throw CLI::RuntimeError(static_cast<int>(ExitCode::kFailure));
    }
  });
}

}  // namespace sparkplane::cli
