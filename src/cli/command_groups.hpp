// The `sparkplane` commands by topic; each Add* registers its subcommands on `app`. The flags
// they bind live as long as `app` (the callbacks own them).
#pragma once

#include <CLI/CLI.hpp>

namespace sparkplane::cli {

void AddServeCommands(CLI::App& app);    // serve, driver-wrapper (internal)
void AddTokenCommands(CLI::App& app);    // token create | list | revoke
void AddSubmitCommand(CLI::App& app);    // submit
void AddAppCommands(CLI::App& app);      // apps, app, logs, kill, issues
void AddCatalogCommands(CLI::App& app);  // templates, template, jobs, job

}  // namespace sparkplane::cli
