// An exclusive, advisory lock on a folder (flock on FOLDER/lock), held for the life of the
// object, released by the kernel if the process dies. The lock file records the holder's pid.
#pragma once

#include <filesystem>
#include <utility>

#include "common/result.hpp"

namespace sparkplane {

class FolderLock {
 public:
  // kFailedPrecondition naming the holder's pid when another process holds it; kIo otherwise.
  static Result<FolderLock> Acquire(const std::filesystem::path& folder);
  FolderLock(FolderLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FolderLock& operator=(FolderLock&& other) noexcept;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();

 private:
  explicit FolderLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sparkplane
