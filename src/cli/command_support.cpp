#include "cli/command_support.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"

namespace sparkplane::cli {

CLI::Option* AddDataDirFlag(CLI::App* sub, std::string& data_dir, const std::string& help) {
  return sub->add_option("--data-dir", data_dir, help)
      ->envname("SPARKPLANE_DATA_DIR")
      ->capture_default_str();
}

void AddClientFlags(CLI::App* sub, ClientFlags& flags) {
  sub->add_option("--url", flags.options.url,
                  "server: HOST:PORT, http:// or https:// URL (default: $SPARKPLANE_URL, then "
                  "DATA_DIR/server-url)");
  sub->add_option("--token", flags.options.token,
                  "API token (default: $SPARKPLANE_TOKEN, then DATA_DIR/admin-token)");
  AddDataDirFlag(sub, flags.options.data_dir,
                 "the server's data folder, to read its URL and token from");
  sub->add_option("--cluster", flags.options.cluster, "cluster id (default: the server's first)");
  sub->add_option("--ca-cert", flags.options.ca_file,
                  "PEM certificate(s) to trust for an https server, e.g. its self-signed one "
                  "(default: the system's CAs)")
      ->envname("SPARKPLANE_CA_CERT");
  sub->add_flag("--json", flags.json, "print JSON for scripts");
}

void ExitWith(const Error& error) {
  std::cerr << "error: " << error.message << "\n";
  throw CLI::RuntimeError(ExitCodeFor(error.code));
}

void ExitUsage(const std::string& message) {
  ExitWith(Error{ErrorCode::kInvalidArgument, message, {}});
}

Client ConnectOrExit(const ClientFlags& flags) {
  return ValueOrExit(Client::Connect(flags.options));
}

}  // namespace sparkplane::cli
