// The `fleet` command group: simulate, gen-trace, convert-openb. Wired by apps/sparkplane.
// Callbacks print errors to stderr and throw CLI::RuntimeError(1) (handled by CLI11_PARSE).
#pragma once

#include <CLI/CLI.hpp>

namespace sparkplane::fleet {

void AddFleetCommands(CLI::App& root);

}  // namespace sparkplane::fleet
