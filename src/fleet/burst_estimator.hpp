// Predicts how many headroom slots a node group's unannounced arrivals will use, from the
// group's own arrival history. Arrivals closer than `window_s` to each other form a burst:
// the k-th pod of a burst finds the first k-1 slots taken (their replacements are still
// booting), so it uses slot k. The use rate of slot k is an exponentially decayed count of
// such k-th arrivals (time constant `decay_s`), i.e. a recent-history estimate per slot.
#pragma once

#include <deque>
#include <vector>

namespace sparkplane::fleet {

class BurstEstimator {
 public:
  // window_s ≥ 0 (the longest node boot), decay_s > 0.
  BurstEstimator(double window_s, double decay_s);

  // Records one arrival at time t; times must not decrease across calls.
  void Record(double t);
  // Expected arrivals per second, at time t ≥ the last arrival, that would use `slot` (≥ 1).
  double SlotRate(int slot, double t) const;
  // The number of slots to keep at time t: the highest slot whose rate is > min_rate (slots
  // below it are kept too, as a burst reaches slot k only through 1..k-1); 0 if none.
  int Slots(double t, double min_rate) const;
  // When Slots(·, min_rate) next drops below its value at t; +inf if that value is 0.
  double NextDrop(double t, double min_rate) const;

 private:
  double window_s_;
  double decay_s_;
  std::deque<double> recent_;  // arrivals within window_s_ of the latest one
  std::vector<double> count_;  // [k-1]: decayed count of arrivals that used slot k, at updated_s_
  double updated_s_ = 0;
};

}  // namespace sparkplane::fleet
