#include "fleet/burst_estimator.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace sparkplane::fleet {
namespace {

TEST(BurstEstimator, RanksArrivalsWithinTheWindowIntoSlots) {
  BurstEstimator e(120, 3600);
  e.Record(0);
  e.Record(1);
  e.Record(2);     // third of a burst: slot 3
  e.Record(1000);  // alone again: slot 1
  e.Record(1119);  // within 120 s of the previous one: slot 2
  e.Record(1238);  // 1000 is out of the window, 1119 is not: slot 2 again
  const double t = 1238;
  auto w = [&](double at) { return std::exp(-(t - at) / 3600); };
  EXPECT_NEAR(e.SlotRate(1, t), (w(0) + w(1000)) / 3600, 1e-12);
  EXPECT_NEAR(e.SlotRate(2, t), (w(1) + w(1119) + w(1238)) / 3600, 1e-12);
  EXPECT_NEAR(e.SlotRate(3, t), w(2) / 3600, 1e-12);
  EXPECT_EQ(e.SlotRate(4, t), 0);
  EXPECT_EQ(e.SlotRate(0, t), 0);
}

TEST(BurstEstimator, KeepsSlotsWhileTheirRateIsHighEnough) {
  BurstEstimator e(120, 3600);
  EXPECT_EQ(e.Slots(0, 1.0 / 3600), 0);
  EXPECT_EQ(e.NextDrop(0, 1.0 / 3600), std::numeric_limits<double>::infinity());
  // Bursts of 3 every 20 minutes for 4 hours: slot 3 is used 3 times an hour.
  for (int i = 0; i < 12; ++i) {
    for (int j = 0; j < 3; ++j) e.Record(i * 1200.0 + j);
  }
  const double now = 11 * 1200.0 + 2;
  EXPECT_EQ(e.Slots(now, 1.0 / 3600), 3);   // at least once an hour: all three slots
  EXPECT_EQ(e.Slots(now, 10.0 / 3600), 0);  // ten times an hour: none
  // A quiet spell lowers the estimate until the slots go; NextDrop says when.
  const double drop = e.NextDrop(now, 1.0 / 3600);
  EXPECT_GT(drop, now);
  EXPECT_EQ(e.Slots(drop - 1, 1.0 / 3600), 3);
  EXPECT_EQ(e.Slots(drop + 1, 1.0 / 3600), 0);  // every slot saw the same arrivals
}

TEST(BurstEstimator, HigherSlotsGoFirstAfterRareLargeBursts) {
  BurstEstimator e(120, 3600);
  // Many single arrivals, one burst of four.
  for (int i = 0; i < 10; ++i) e.Record(i * 600.0);
  for (int j = 0; j < 4; ++j) e.Record(6000 + j);
  EXPECT_EQ(e.Slots(6003, 0.5 / 3600), 4);
  const double drop = e.NextDrop(6003, 0.5 / 3600);
  EXPECT_EQ(e.Slots(drop - 1, 0.5 / 3600), 4);
  // Slots 2-4 (the same burst, seconds apart) go together; slot 1 is still used often.
  EXPECT_EQ(e.Slots(drop + 10, 0.5 / 3600), 1);
  EXPECT_GT(e.NextDrop(drop + 10, 0.5 / 3600), drop + 3600);
}

}  // namespace
}  // namespace sparkplane::fleet
