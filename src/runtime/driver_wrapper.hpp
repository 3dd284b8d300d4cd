// The driver's parent process: runs spark-submit, and records its exit status in a file, so a
// sparkplane that restarted (and so is not the parent) can still learn how a driver ended.
#pragma once

#include <string>
#include <vector>

namespace sparkplane::runtime {

// Runs argv (argv[0] absolute) as a child, ignoring SIGTERM/SIGINT itself so it outlives the
// child to write "<exit code>\n" to exit_file atomically; returns the same code (128 + signal
// when the child was killed). Never returns before the child has ended.
int RunDriverWrapper(const std::string& exit_file, const std::vector<std::string>& argv);

// The argv that runs `argv` under the wrapper of the `launcher` binary (sparkplane itself).
std::vector<std::string> WrapDriverArgv(const std::string& launcher, const std::string& exit_file,
                                        const std::vector<std::string>& argv);

}  // namespace sparkplane::runtime
