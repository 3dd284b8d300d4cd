#include "cli/commands.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command_groups.hpp"
#include "cli/exit_codes.hpp"
#include "eventlog/commands.hpp"
#include "fleet/commands.hpp"

namespace sparkplane::cli {

int Main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("sparkplane"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  CLI::App app{"sparkplane: a self-hosted Spark platform with the Ocean Spark API"};
  app.set_version_flag("--version", "sparkplane " SPARKPLANE_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 failure (of the app or the request), 2 usage, 3 not found, "
      "4 unauthenticated or forbidden, 5 conflict (docs/cli.md).");

  AddServeCommands(app);
  AddTokenCommands(app);
  AddSubmitCommand(app);
  AddAppCommands(app);
  AddCatalogCommands(app);
  eventlog::AddEventlogCommands(app);
  fleet::AddFleetCommands(app);

  if (argc > 1 && argv[1][0] != '-') {
    auto known = app.get_subcommands([&](CLI::App* sub) { return sub->check_name(argv[1]); });
    if (known.empty()) {
      std::cerr << "unknown command '" << argv[1] << "'; `sparkplane --help` lists the commands\n";
      return static_cast<int>(ExitCode::kUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // the command printed why
  } catch (const CLI::ParseError& e) {
    int printed = app.exit(e);  // prints help, the version, or the usage error
    return printed == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }
  return 0;
}

}  // namespace sparkplane::cli
