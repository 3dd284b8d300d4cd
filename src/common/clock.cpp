#include "common/clock.hpp"

#include "common/util.hpp"

namespace sparkplane {
namespace {

class WallClock final : public Clock {
 public:
  int64_t NowMillis() const override { return sparkplane::NowMillis(); }
};

}  // namespace

Clock& SystemClock() {
  static WallClock clock;  // trivially destructible in effect: no state
  return clock;
}

}  // namespace sparkplane
