// The embedded Spark standalone master: `spark-class …deploy.master.Master` on 127.0.0.1 with
// free ports (REST submission off, web UI on), supervised (restarted on the same ports if it
// dies), recorded in state_dir/master.json so a restarted sparkplane re-adopts it, and stopped
// by Stop(). Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>

#include "common/result.hpp"
#include "runtime/process.hpp"

namespace sparkplane::runtime {

struct MasterEndpoint {
  std::string host = "127.0.0.1";
  int port = 0;        // spark://host:port
  int webui_port = 0;  // http://host:webui_port
  std::string url() const;
  std::string webui_url() const;
};

// spark://HOST:PORT → endpoint with the web UI on `webui_port` (Spark's default 8080).
// kInvalidArgument otherwise.
Result<MasterEndpoint> ParseMasterUrl(const std::string& url, int webui_port = 8080);

// A TCP port on 127.0.0.1 that was free a moment ago.
Result<int> FreeLocalPort();

struct EmbeddedMasterOptions {
  std::filesystem::path spark_home;  // bin/spark-class
  std::filesystem::path state_dir;   // master.json, master.log, master.properties
  std::chrono::seconds start_timeout{120};
};

class EmbeddedMaster {
 public:
  explicit EmbeddedMaster(EmbeddedMasterOptions options) : options_(std::move(options)) {}
  ~EmbeddedMaster();  // Stop()
  EmbeddedMaster(const EmbeddedMaster&) = delete;
  EmbeddedMaster& operator=(const EmbeddedMaster&) = delete;

  // Re-adopts the master a previous server left running, or starts one (on the ports recorded
  // before, so surviving workers find it again); returns once it reports ALIVE.
  Result<MasterEndpoint> StartOrAdopt();
  // Terminates the master (SIGKILL after grace) and waits for it to go.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  MasterEndpoint endpoint() const;
  // The master's process, for tests.
  ProcessInfo process() const;

 private:
  Status Spawn();  // mutex_ held
  Status WaitAlive();
  void OnExit(int code);

  EmbeddedMasterOptions options_;
  ProcessSupervisor supervisor_;
  mutable std::mutex mutex_;
  MasterEndpoint endpoint_;
  ProcessInfo process_;
  bool stopping_ = false;
  bool started_ = false;  // StartOrAdopt ran: Stop() has a master to stop
};

}  // namespace sparkplane::runtime
