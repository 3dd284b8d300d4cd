#include "fleet/burst_estimator.hpp"

#include <cmath>
#include <limits>

namespace sparkplane::fleet {

BurstEstimator::BurstEstimator(double window_s, double decay_s)
    : window_s_(window_s), decay_s_(decay_s) {}

void BurstEstimator::Record(double t) {
  while (!recent_.empty() && t - recent_.front() >= window_s_) recent_.pop_front();
  const size_t slot = recent_.size() + 1;
  recent_.push_back(t);
  const double keep = std::exp(-(t - updated_s_) / decay_s_);
  for (double& c : count_) c *= keep;
  updated_s_ = t;
  if (count_.size() < slot) count_.resize(slot, 0.0);
  count_[slot - 1] += 1.0;
}

double BurstEstimator::SlotRate(int slot, double t) const {
  if (slot < 1 || static_cast<size_t>(slot) > count_.size()) return 0;
  return count_[slot - 1] * std::exp(-(t - updated_s_) / decay_s_) / decay_s_;
}

int BurstEstimator::Slots(double t, double min_rate) const {
  for (int k = static_cast<int>(count_.size()); k >= 1; --k) {
    if (SlotRate(k, t) > min_rate) return k;
  }
  return 0;
}

double BurstEstimator::NextDrop(double t, double min_rate) const {
  const int k = Slots(t, min_rate);
  if (k == 0 || min_rate <= 0) return std::numeric_limits<double>::infinity();
  // All counts decay alike, so the highest kept slot is the first to fall below min_rate.
  return updated_s_ + decay_s_ * std::log(count_[k - 1] / (min_rate * decay_s_));
}

}  // namespace sparkplane::fleet
