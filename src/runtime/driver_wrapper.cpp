#include "runtime/driver_wrapper.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "common/util.hpp"

extern char** environ;

namespace sparkplane::runtime {

std::vector<std::string> WrapDriverArgv(const std::string& launcher, const std::string& exit_file,
                                        const std::vector<std::string>& argv) {
  std::vector<std::string> out = {launcher, "driver-wrapper", "--exit-file", exit_file, "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

int RunDriverWrapper(const std::string& exit_file, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::fprintf(stderr, "driver-wrapper: nothing to run\n");
    return 2;
  }
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t child = 0;
  int rc = posix_spawn(&child, args[0], nullptr, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  int code = 127;
  if (rc != 0) {
    std::fprintf(stderr, "driver-wrapper: cannot start %s: %s\n", args[0], std::strerror(rc));
  } else {
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (auto written = WriteFileAtomic(exit_file, fmt::format("{}\n", code)); !written) {
    std::fprintf(stderr, "driver-wrapper: %s\n", written.error().message.c_str());
  }
  return code;
}

}  // namespace sparkplane::runtime
