// Test-only entry point for the fleet commands until apps/sparkplane wires them.
#include <CLI/CLI.hpp>

#include "fleet/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"sparkplane (fleet only)"};
  app.require_subcommand(1);
  sparkplane::fleet::AddFleetCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
