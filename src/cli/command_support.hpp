// What the commands share: the flags that find the server and the one way a command fails
// (a message on stderr and an exit code from cli/exit_codes.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>

#include "cli/client.hpp"
#include "common/result.hpp"

namespace sparkplane::cli {

struct ClientFlags {
  ClientOptions options;
  bool json = false;
};

// --url, --token, --data-dir ($SPARKPLANE_DATA_DIR), --cluster, --ca-cert ($SPARKPLANE_CA_CERT)
// and --json on `sub`.
void AddClientFlags(CLI::App* sub, ClientFlags& flags);
// --data-dir with $SPARKPLANE_DATA_DIR as its fallback, for commands that read the folder.
CLI::Option* AddDataDirFlag(CLI::App* sub, std::string& data_dir, const std::string& help);

// Prints "error: MESSAGE" and ends the command with ExitCodeFor(error.code).
[[noreturn]] void ExitWith(const Error& error);
// Prints `message` and ends the command with exit code 2 (usage).
[[noreturn]] void ExitUsage(const std::string& message);

template <class T>
T ValueOrExit(Result<T> result) {
  if (!result) ExitWith(result.error());
  return std::move(*result);
}
inline void OkOrExit(const Status& status) {
  if (!status) ExitWith(status.error());
}

Client ConnectOrExit(const ClientFlags& flags);

}  // namespace sparkplane::cli
