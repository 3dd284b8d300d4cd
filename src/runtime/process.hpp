// Child processes in their own session/process group, with stdout+stderr appended to a file.
// The supervisor reaps them on a watcher thread and reports each exit exactly once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::runtime {

struct SpawnRequest {
  std::vector<std::string> argv;            // argv[0] is an absolute path; exec'd directly
  std::vector<std::string> env;             // "K=V" entries added to the server's environment
  std::filesystem::path working_dir;
  std::filesystem::path log_path;           // stdout and stderr are appended here
};

struct ProcessInfo {
  pid_t pid = 0;              // also the process-group id
  int64_t start_ticks = 0;    // /proc/<pid>/stat starttime; tells a reused pid apart
};

// exit_code: the exit status, or 128 + signal number when killed by a signal.
using ExitCallback = std::function<void(int exit_code)>;

// /proc/<pid>/stat starttime, or 0 when the process does not exist or is a zombie.
int64_t ProcessStartTicks(pid_t pid);

class ProcessSupervisor {
 public:
  ProcessSupervisor() = default;
  ~ProcessSupervisor();  // terminates every child still running
  ProcessSupervisor(const ProcessSupervisor&) = delete;
  ProcessSupervisor& operator=(const ProcessSupervisor&) = delete;

  // Starts the process; on_exit runs on a watcher thread after the whole group is gone.
  Result<ProcessInfo> Spawn(const SpawnRequest& request, ExitCallback on_exit);

  // Follows a process group started by an earlier server (not our child): polls until the
  // leader (pid with this start time) is gone, then reports the code found in exit_file, or
  // -1 when there is none.
  void Adopt(pid_t pid, int64_t start_ticks, std::filesystem::path exit_file, ExitCallback on_exit);

  // SIGTERM to the group now, SIGKILL after `grace` if it is still alive. Returns at once.
  void Terminate(pid_t pid, std::chrono::milliseconds grace);

  // Terminates every child and waits until all have been reaped.
  void TerminateAll(std::chrono::milliseconds grace);

  size_t running() const;

 private:
  void Watch(pid_t pid, ExitCallback on_exit);
  // Runs fn on a detached thread that TerminateAll and the destructor wait for.
  void StartThread(std::function<void()> fn);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<pid_t, std::chrono::steady_clock::time_point> kill_deadlines_;  // pending SIGKILLs
  std::map<pid_t, bool> children_;
  int threads_ = 0;  // detached watcher/killer threads still running
};

}  // namespace sparkplane::runtime
