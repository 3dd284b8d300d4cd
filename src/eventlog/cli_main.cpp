// Stand-alone `sparkplane-eventlog` binary for benchmarks and tests; the product wires
// AddEventlogCommands into apps/sparkplane.
#include <CLI/CLI.hpp>

#include "eventlog/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"sparkplane event-log engine"};
  app.require_subcommand(1);
  sparkplane::eventlog::AddEventlogCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
