// Time as the control plane sees it: the wall clock in production, a manual clock in tests
// (LevelDB's Env, reduced to what sparkplane needs). Implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sparkplane {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
};

// The process's wall clock; lives for the whole program.
Clock& SystemClock();

// A clock that moves only when told to; starts at `start_millis`.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_millis) : now_(start_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Advance(std::chrono::milliseconds by) { now_ += by.count(); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace sparkplane
