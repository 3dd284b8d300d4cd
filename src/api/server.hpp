// `sparkplane serve`: the store, the app service and the HTTP API wired together.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "api/serve_runtime.hpp"
#include "common/redaction.hpp"
#include "common/result.hpp"

namespace sparkplane::api {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";          // HOST:PORT; port 0 picks a free one
  std::filesystem::path data_dir = "sparkplane-data";
  std::string store_url;  // empty: SQLite in data_dir; or postgresql://… shared by replicas
  std::filesystem::path spark_home;               // empty: FindSparkHome()
  RuntimeFlags runtime;  // --runtime, --spark-master, --max-concurrent-apps, --fleet-*
  size_t max_body_bytes = 8u << 20;
  std::chrono::milliseconds kill_grace{10000};
  int http_threads = 0;  // HTTP loop threads; 0 = half the cores, at least one
  bool launching_paused = false;  // accept submissions but launch nothing (benchmarks, maintenance)
  std::string launcher;  // the sparkplane binary (for its driver-wrapper); empty: no wrapper
  // Keys (or values) it is found in are shown redacted in every reply (Spark's pattern syntax).
  std::string redaction_regex = std::string(kDefaultRedactionRegex);
  // Both set: serve https with this PEM certificate chain and key (server-url says https://).
  std::filesystem::path tls_cert_file;
  std::filesystem::path tls_key_file;
};

class Server {
 public:
  // Sets the process umask to 077 first: the data folder (0700) and everything written in it
  // (database, WAL, admin token, app folders and files; 0600) is private to this user, and so is
  // what the drivers it starts write. Warns when an existing data folder is wider than 0700.
  static Result<std::unique_ptr<Server>> Start(const ServeOptions& options);
  virtual ~Server() = default;
  virtual uint16_t port() const = 0;
  virtual std::string cluster_id() const = 0;
  // The admin token when this start created it (first start on a data folder), else empty.
  virtual std::string new_admin_token() const = 0;
  // Stops accepting requests, stops running drivers, closes the store.
  virtual void Stop() = 0;
};

// Spark's home from $SPARK_HOME, else a pyspark inside a .venv next to the working directory
// or above the executable.
Result<std::filesystem::path> FindSparkHome();

}  // namespace sparkplane::api
