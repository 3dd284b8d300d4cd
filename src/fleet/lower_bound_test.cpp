#include "fleet/lower_bound.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fleet/node_group.hpp"
#include "fleet/test_util.hpp"

namespace sparkplane::fleet {
namespace {

InstanceType Type(std::string name, double cores, double gib, double od, double spot) {
  InstanceType t;
  t.name = name;
  t.family = name;
  t.vcpu = static_cast<int>(cores);
  t.allocatable = {static_cast<int64_t>(cores * 1000), static_cast<int64_t>(gib * 1024)};
  t.ondemand_usd_per_hour = od;
  t.spot_usd_per_hour = spot;
  return t;
}

TEST(LowerBound, SingleTypeByHand) {
  // One type (2 cores, 8 GiB, $1/h); demand 4 cores, 8 GiB → two nodes' worth of CPU.
  EXPECT_NEAR(SolveCoveringLp({{2, 8}}, {1}, {4, 8}), 2.0, 1e-9);
}

TEST(LowerBound, TwoTypesMixByHand) {
  // A = (4 cores, 4 GiB, $1), B = (1 core, 8 GiB, $1), demand (4, 8):
  // 4a + b = 4, 4a + 8b = 8 → b = 4/7, a = 6/7, cost 10/7 (A alone 2, B alone 4).
  EXPECT_NEAR(SolveCoveringLp({{4, 4}, {1, 8}}, {1, 1}, {4, 8}), 10.0 / 7.0, 1e-9);
  EXPECT_EQ(SolveCoveringLp({{4, 4}}, {1}, {0, 0}), 0.0);
  EXPECT_TRUE(std::isinf(SolveCoveringLp({{4, 0}}, {1}, {1, 1})));
}

TEST(LowerBound, DriversNeedOnDemandByHand) {
  // O = (2, 2 GiB) $1 on-demand; S = same shape $0.25 spot. Drivers (1, 1), executors (3, 3):
  // drivers need 0.5 O ($0.5), which also covers 1 core of the total; 1.5 S cover the rest.
  Catalog c({Type("o", 2, 2, 1.0, 0.25)});
  LowerBoundModel m(c, {0}, {0});
  EXPECT_NEAR(m.CostPerHour({1000, 1024}, {3000, 3072}), 0.5 + 1.5 * 0.25, 1e-9);
  EXPECT_NEAR(m.CostPerHour({}, {3000, 3072}), 1.5 * 0.25, 1e-9);
  // Integrated: driver 0–3600 s, executor 0–1800 s → 0.875 × 0.5 h + 0.5 × 0.5 h.
  Trace t;
  t.pods.push_back({"a", Role::kDriver, {1000, 1024}, 0, 3600});
  for (int e = 0; e < 3; ++e) t.pods.push_back({"a", Role::kExecutor, {1000, 1024}, 0, 1800});
  t.pods.push_back({"a", Role::kExecutor, {3000, 99999}, 0, 1800});  // fits nothing
  auto lb = ComputeLowerBound(t, m, c, {0}, {0});
  EXPECT_NEAR(lb.usd, 0.875 * 0.5 + 0.5 * 0.5, 1e-9);
  // Drivers on spot too (the literal bound): 2 S then 0.5 S, at $0.25.
  EXPECT_NEAR(lb.any_capacity_usd, 2 * 0.25 * 0.5 + 0.5 * 0.25 * 0.5, 1e-9);
  EXPECT_EQ(lb.unschedulable_pods, 1);
}

TEST(LowerBound, ExecutorsStartWithTheirDriver) {
  Catalog c({Type("o", 2, 2, 1.0, 0.5)});
  LowerBoundModel m(c, {0}, {0});
  Trace t;
  t.pods.push_back({"a", Role::kDriver, {2000, 2048}, 100, 100});
  t.pods.push_back({"a", Role::kExecutor, {2000, 2048}, 0, 3600});  // starts at 100, not 0
  auto lb = ComputeLowerBound(t, m, c, {0}, {0});
  EXPECT_NEAR(lb.usd, (1.0 + 0.5) * 100 / 3600 + 0.5 * 3500 / 3600, 1e-9);
}

TEST(LowerBound, WholeNodeBoundByHand) {
  // O = (2 cores, 2 GiB), $1 on-demand, $0.25 spot.
  Catalog c({Type("o", 2, 2, 1.0, 0.25)});
  LowerBoundModel m(c, {0}, {0});
  // Three 1-core executors for an hour: two whole spot nodes ($0.5), not 1.5 ($0.375).
  Trace three;
  for (int e = 0; e < 3; ++e) three.pods.push_back({"a", Role::kExecutor, {1000, 1024}, 0, 3600});
  auto whole = ComputeIntegralBound(three, m, c, {0}, {0});
  EXPECT_NEAR(whole.usd, 0.5, 1e-9);
  EXPECT_NEAR(whole.exact_share, 1.0, 1e-9);
  EXPECT_NEAR(ComputeLowerBound(three, m, c, {0}, {0}).usd, 0.375, 1e-9);
  // More pods than max_exact_pods: the LP.
  auto fallback = ComputeIntegralBound(three, m, c, {0}, {0}, 2);
  EXPECT_NEAR(fallback.usd, 0.375, 1e-9);
  EXPECT_NEAR(fallback.exact_share, 0.0, 1e-9);
  // A driver and an executor: one on-demand node holds both ($1); the LP pays half an
  // on-demand node and half a spot one ($0.625).
  Trace mixed;
  mixed.pods.push_back({"a", Role::kDriver, {1000, 1024}, 0, 3600});
  mixed.pods.push_back({"a", Role::kExecutor, {1000, 1024}, 0, 3600});
  EXPECT_NEAR(ComputeIntegralBound(mixed, m, c, {0}, {0}).usd, 1.0, 1e-9);
  EXPECT_NEAR(ComputeLowerBound(mixed, m, c, {0}, {0}).usd, 0.625, 1e-9);
}

TEST(LowerBound, WorkedExampleOnReferenceCatalog) {
  // §A8: 100 executors × (4 vCPU, 15.4 GiB) on c5/m5/r5 on-demand is about $19/h with raw
  // capacity; allocatable capacity costs a little more, the best integer fleet $21.50/h.
  auto& c = testing::ReferenceCatalog();
  auto types = ResolveAllowList(c, {"c5", "m5", "r5"}, [](const InstanceType& t) {
    return !t.IsMetal();
  });
  ASSERT_TRUE(types.has_value());
  LowerBoundModel m(c, *types, {});
  double v = m.CostPerHour({400000, static_cast<int64_t>(100 * 15.4 * 1024)}, {});
  EXPECT_GT(v, 19.03);
  EXPECT_LT(v, 21.50);
}

}  // namespace
}  // namespace sparkplane::fleet
