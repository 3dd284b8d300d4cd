// The `eventlog` command group (`eventlog stats FILE|DIR [--json]`) and `history --dir DIR
// [--listen HOST:PORT]` (a History Server replacement). Wired by apps/sparkplane.
// Callbacks print errors to stderr and throw CLI::RuntimeError(1) (handled by CLI11_PARSE).
#pragma once

#include <CLI/CLI.hpp>

namespace sparkplane::eventlog {

void AddEventlogCommands(CLI::App& root);

}  // namespace sparkplane::eventlog
