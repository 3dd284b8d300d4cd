#include "runtime/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

extern char** environ;

namespace sparkplane::runtime {

int64_t ProcessStartTicks(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(in, stat)) return 0;
  // Field 2 (comm) may contain spaces; fields after the last ')' are space separated.
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3 && (field == "Z" || field == "X")) return 0;  // a zombie is gone for our purposes
    if (i == 22) return std::stoll(field);
  }
  return 0;
}

ProcessSupervisor::~ProcessSupervisor() { TerminateAll(std::chrono::seconds(5)); }

Result<ProcessInfo> ProcessSupervisor::Spawn(const SpawnRequest& request, ExitCallback on_exit) {
  if (request.argv.empty()) return Fail(ErrorCode::kInvalidArgument, "empty argv");
  std::vector<char*> argv;
  for (auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // request.env replaces same-named variables of the server's environment (getenv would
  // otherwise find the server's first).
  std::vector<std::string> env_storage;
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; *e; ++e) {
    std::string_view name = name_of(*e);
    bool replaced = std::any_of(request.env.begin(), request.env.end(),
                                [&](const std::string& r) { return name_of(r) == name; });
    if (!replaced) env_storage.emplace_back(*e);
  }
  for (auto& e : request.env) env_storage.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, request.log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (!request.working_dir.empty())
    posix_spawn_file_actions_addchdir_np(&actions, request.working_dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGHUP);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t pid = 0;
  int rc;
  {
    // Hold the lock so the watcher cannot report an exit before the child is registered.
    std::lock_guard lock(mutex_);
    rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
    if (rc == 0) children_[pid] = true;
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Fail(ErrorCode::kIo, fmt::format("cannot start {}: {}", request.argv[0], std::strerror(rc)));
  }
  ProcessInfo info{pid, ProcessStartTicks(pid)};
  StartThread([this, pid, cb = std::move(on_exit)]() mutable { Watch(pid, std::move(cb)); });
  return info;
}

void ProcessSupervisor::StartThread(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    ++threads_;
  }
  std::thread([this, fn = std::move(fn)] {
    fn();
    std::lock_guard lock(mutex_);
    --threads_;
    changed_.notify_all();
  }).detach();
}

void ProcessSupervisor::Watch(pid_t pid, ExitCallback on_exit) {
  siginfo_t info{};
  while (true) {
    // Observe the exit without reaping so the pid (= group id) cannot be reused meanwhile.
    int rc = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
    if (rc == 0 || errno != EINTR) break;
  }
  // Children the driver left behind (Python workers, etc.) go with it.
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  {
    std::lock_guard lock(mutex_);
    children_.erase(pid);
    kill_deadlines_.erase(pid);
  }
  changed_.notify_all();
  if (on_exit) on_exit(exit_code);
}

void ProcessSupervisor::Adopt(pid_t pid, int64_t start_ticks, std::filesystem::path exit_file,
                              ExitCallback on_exit) {
  {
    std::lock_guard lock(mutex_);
    children_[pid] = true;
  }
  StartThread([this, pid, start_ticks, exit_file = std::move(exit_file), cb = std::move(on_exit)] {
    while (ProcessStartTicks(pid) == start_ticks) {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::milliseconds(500));
    }
    ::kill(-pid, SIGKILL);  // stragglers of the group
    int exit_code = -1;
    std::ifstream in(exit_file);
    if (!(in >> exit_code)) exit_code = -1;
    {
      std::lock_guard lock(mutex_);
      children_.erase(pid);
      kill_deadlines_.erase(pid);
    }
    changed_.notify_all();
    if (cb) cb(exit_code);
  });
}

void ProcessSupervisor::Terminate(pid_t pid, std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    if (!children_.count(pid) || kill_deadlines_.count(pid)) return;
    ::kill(-pid, SIGTERM);
    kill_deadlines_[pid] = std::chrono::steady_clock::now() + grace;
  }
  StartThread([this, pid, grace] {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, grace, [&] { return !children_.count(pid); })) {
      ::kill(-pid, SIGKILL);
    }
  });
}

void ProcessSupervisor::TerminateAll(std::chrono::milliseconds grace) {
  std::vector<pid_t> pids;
  {
    std::lock_guard lock(mutex_);
    for (auto& [pid, _] : children_) pids.push_back(pid);
  }
  for (pid_t pid : pids) Terminate(pid, grace);
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, grace + std::chrono::seconds(10),
                    [&] { return children_.empty() && threads_ == 0; });
}

size_t ProcessSupervisor::running() const {
  std::lock_guard lock(mutex_);
  return children_.size();
}

}  // namespace sparkplane::runtime
