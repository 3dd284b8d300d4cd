#include "fleet/scheduler.hpp"

#include <gtest/gtest.h>

#include "fleet/test_util.hpp"

namespace sparkplane::fleet {
namespace {

std::vector<NodeGroup> Groups() { return DefaultNodeGroups(testing::ReferenceCatalog()).value(); }

TEST(Scheduler, ExistingNodesFirstWithBestFit) {
  auto& c = testing::ReferenceCatalog();
  Scheduler s(c, Groups());
  // Group 1 is spot (executors prefer it). Node 1 is the tighter fit.
  std::vector<NodeView> nodes = {{1, {8000, 32768}, true, true},
                                 {1, {4100, 32768}, true, true},
                                 {1, {3000, 32768}, true, true}};
  std::vector<PodView> pods = {{{4000, 8192}, Role::kExecutor}};
  auto r = s.Pass(nodes, pods);
  ASSERT_EQ(r.placements.size(), 1u);
  EXPECT_EQ(r.placements[0].second, 1);
  EXPECT_TRUE(r.launches.empty());
}

TEST(Scheduler, ReadyBeforeBootingAndRolesRespectGroups) {
  auto& c = testing::ReferenceCatalog();
  Scheduler s(c, Groups());
  std::vector<NodeView> nodes = {{1, {8000, 32768}, false, true},   // booting spot
                                 {1, {8000, 32768}, true, false},   // cordoned
                                 {0, {8000, 32768}, true, true}};   // ready on-demand
  std::vector<PodView> pods = {{{2000, 4096}, Role::kExecutor}};
  auto r = s.Pass(nodes, pods);
  ASSERT_EQ(r.placements.size(), 1u);
  // Spot is the executors' group; on-demand only a fallback: the booting spot node wins.
  EXPECT_EQ(r.placements[0].second, 0);
  std::vector<NodeView> ready_first = {{1, {8000, 32768}, false, true},
                                       {1, {8000, 32768}, true, true}};
  EXPECT_EQ(s.Pass(ready_first, pods).placements[0].second, 1);
  // A driver may not use spot nodes.
  std::vector<NodeView> spot_only = {{1, {8000, 32768}, true, true}};
  std::vector<PodView> driver = {{{1000, 2048}, Role::kDriver}};
  auto d = s.Pass(spot_only, driver);
  EXPECT_TRUE(d.placements.empty());
  ASSERT_EQ(d.launches.size(), 1u);
  EXPECT_EQ(s.Groups()[d.launches[0].group].capacity, CapacityType::kOnDemand);
}

TEST(Scheduler, ExecutorsFallBackToOnDemandOnlyWhenNoSpotTypeFits) {
  auto& c = testing::ReferenceCatalog();
  auto groups = Groups();
  // Spot allows only m5.large: an 8-core executor must fall back to on-demand.
  groups[1].types = {c.Find("m5.large")};
  Scheduler s(c, groups);
  std::vector<PodView> pods = {{{8000, 16384}, Role::kExecutor}, {{1000, 2048}, Role::kExecutor}};
  auto r = s.Pass({}, pods);
  ASSERT_EQ(r.launches.size(), 2u);
  for (auto& n : r.launches) {
    ASSERT_EQ(n.pods.size(), 1u);
    EXPECT_EQ(s.Groups()[n.group].capacity,
              n.pods[0] == 0 ? CapacityType::kOnDemand : CapacityType::kSpot);
  }
}

TEST(Scheduler, GangRuleHoldsExecutorsWithoutADriver) {
  auto& c = testing::ReferenceCatalog();
  Scheduler s(c, Groups());
  std::vector<PodView> pods = {
      {{2000, 4096}, Role::kExecutor, 1, false},   // app 1: driver neither placed nor here
      {{2000, 4096}, Role::kExecutor, 2, false},   // app 2: its driver is in this pass
      {{1000, 2048}, Role::kDriver, 2, false},
      {{2000, 4096}, Role::kExecutor, 3, true},    // app 3: driver already running
      {{2000, 4096}, Role::kExecutor, 4, false},   // app 4: its driver fits nowhere
      {{1000, int64_t{1} << 30}, Role::kDriver, 4, false}};
  auto r = s.Pass({}, pods);
  EXPECT_EQ(r.deferred, (std::vector<int>{0, 4}));
  EXPECT_EQ(r.unschedulable, std::vector<int>{5});
  size_t launched = 0;
  for (auto& n : r.launches) launched += n.pods.size();
  EXPECT_EQ(launched, 3u);
}

TEST(Scheduler, ReportsPodsNoTypeFits) {
  auto& c = testing::ReferenceCatalog();
  Scheduler s(c, Groups());
  std::vector<PodView> pods = {{{1000, 1 << 30}, Role::kExecutor}};
  auto r = s.Pass({}, pods);
  EXPECT_EQ(r.unschedulable, std::vector<int>{0});
  EXPECT_TRUE(r.launches.empty());
}

TEST(Scheduler, ProvisioningBeatsBestHomogeneousFleetOnWorkedExample) {
  // §A8: 100 × (4 vCPU, 15.4 GiB) on on-demand c5/m5/r5; best homogeneous fleet $21.50/h.
  auto& c = testing::ReferenceCatalog();
  auto types = ResolveAllowList(c, {"c5", "m5", "r5"}, [](const InstanceType& t) {
    return !t.IsMetal();
  });
  ASSERT_TRUE(types.has_value());
  NodeGroup g;
  g.name = "od";
  g.capacity = CapacityType::kOnDemand;
  g.types = *types;
  g.accepts_drivers = true;
  Scheduler s(c, {g});
  std::vector<PodView> pods(100, PodView{{4000, static_cast<int64_t>(15.4 * 1024)}, Role::kExecutor});
  auto r = s.Pass({}, pods);
  double cost = 0;
  size_t placed = 0;
  for (auto& n : r.launches) {
    cost += c.Type(n.type).ondemand_usd_per_hour;
    Resources used{};
    for (int p : n.pods) used += pods[p].request;
    EXPECT_TRUE(c.Type(n.type).allocatable.Fits(used));
    placed += n.pods.size();
  }
  EXPECT_EQ(placed, 100u);
  EXPECT_LE(cost, 21.50 + 1e-6);
}

TEST(Scheduler, HeadroomSlotsLaunchCapacityWithoutPods) {
  auto& c = testing::ReferenceCatalog();
  Scheduler s(c, Groups());
  std::vector<HeadroomNeed> headroom = {{}, {{4000, 8192}, 3}};
  auto r = s.Pass({}, {}, headroom);
  ASSERT_FALSE(r.launches.empty());
  Resources total{};
  for (auto& n : r.launches) {
    EXPECT_TRUE(n.pods.empty());
    total += c.Type(n.type).allocatable;
  }
  EXPECT_GE(total.cpu_milli, 12000);
}

TEST(Scheduler, RepackEstimateByHand) {
  // One type (2 cores, 2 GiB; $1 on-demand, $0.25 spot), one spot group for executors.
  InstanceType type;
  type.name = type.family = "t";
  type.vcpu = 2;
  type.allocatable = {2000, 2048};
  type.ondemand_usd_per_hour = 1.0;
  type.spot_usd_per_hour = 0.25;
  Catalog c({type});
  NodeGroup spot;
  spot.name = "spot";
  spot.types = {0};
  Scheduler s(c, {spot});
  // Three 1-core pods for 30 minutes, then two for 30 more: two nodes, then one. The
  // fractional bound would pay for 1.5 nodes in the first half hour.
  Trace t;
  for (int i = 0; i < 3; ++i) {
    t.pods.push_back({"a", Role::kExecutor, {1000, 1024}, 0, i < 2 ? 3600.0 : 1800.0});
  }
  t.pods.push_back({"b", Role::kExecutor, {3000, 1024}, 0, 3600});  // fits no type: skipped
  EXPECT_NEAR(RepackEstimateUsd(t, s, c), 2 * 0.25 * 0.5 + 0.25 * 0.5, 1e-9);
}

}  // namespace
}  // namespace sparkplane::fleet
