// A Spark standalone master's status, as its web UI serves it at /json/: the workers with
// their cores and memory, used and total. Parsing is pure; fetching is one HTTP GET.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::runtime {

struct MasterWorker {
  std::string id;  // worker-<date>-<host>-<port>
  std::string host;
  int port = 0;
  int cores = 0;
  int cores_used = 0;
  int64_t memory_mib = 0;
  int64_t memory_used_mib = 0;
  std::string state;  // ALIVE, DEAD, DECOMMISSIONED, UNKNOWN
};

struct MasterStatus {
  std::string url;     // spark://host:port
  std::string status;  // ALIVE when it is the leader
  std::vector<MasterWorker> workers;
  int active_apps = 0;
};

// kCorruption when `json_text` is not the master's status object.
Result<MasterStatus> ParseMasterStatus(std::string_view json_text);
// GET <webui_url>/json/ (webui_url like http://127.0.0.1:8080); kUnavailable when unreachable.
Result<MasterStatus> FetchMasterStatus(const std::string& webui_url, int timeout_seconds = 5);

}  // namespace sparkplane::runtime
