// The `sparkplane` command line: serve, token, submit, apps, app, logs, kill (plus the
// subcommands other modules register).
#pragma once

namespace sparkplane::cli {

// Parses argv, runs the command and returns the process exit code.
int Main(int argc, char** argv);

}  // namespace sparkplane::cli
