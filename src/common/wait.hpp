// Waiting on a condition with a deadline, for tests and for callers that cannot be notified
// (another process's state): `done` is polled every few milliseconds, never slept on blindly.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace sparkplane {

// Returns true as soon as `done()` is true; false if it is still false after `timeout`.
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30),
                      std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace sparkplane
