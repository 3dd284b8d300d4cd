#include "fleet/local_fleet_plan.hpp"

#include <gtest/gtest.h>

#include "fleet/local_process_fleet.hpp"

namespace sparkplane::fleet {
namespace {

std::vector<InstanceType> Shapes() {
  std::vector<InstanceType> out;
  for (auto& s : DefaultLocalShapes()) {
    InstanceType t;
    t.name = s.name;
    t.family = "local";
    t.vcpu = s.cores;
    t.memory_mib = s.memory_mib;
    t.ondemand_usd_per_hour = t.spot_usd_per_hour = s.usd_per_hour;
    t.allocatable = {1000 * s.cores, s.memory_mib};
    out.push_back(t);
  }
  return out;
}

runtime::AppDemand Demand(int executors, int cores = 1, int64_t memory = 1024) {
  runtime::AppDemand d;
  d.driver_cores = 1;
  d.driver_memory_mib = 1434;
  d.executor_cores = cores;
  d.executor_memory_mib = memory;
  d.executors = executors;
  return d;
}

PlanLimits Limits(int64_t cores = 8, int headroom = 0) {
  return PlanLimits{{cores * 1000, 16384}, headroom, 5000};
}

TEST(LocalShapesTest, ParsesAndRejects) {
  auto shapes = ParseLocalShapes("2c4g,16c64g");
  ASSERT_TRUE(shapes.has_value());
  ASSERT_EQ(shapes->size(), 2u);
  EXPECT_EQ((*shapes)[1].name, "local-16c64g");
  EXPECT_EQ((*shapes)[1].memory_mib, 65536);
  EXPECT_NEAR((*shapes)[0].usd_per_hour, 0.04 * 2 + 0.005 * 4, 1e-9);
  for (const char* bad : {"", "2c", "2x4g", "c4g", "2c4g,", "0c4g", "2c4gb"}) {
    auto parsed = ParseLocalShapes(bad);
    EXPECT_FALSE(parsed.has_value()) << bad;
  }
}

TEST(LocalFleetPlanTest, ScaleFromZeroThenAdmitOnReadyWorkers) {
  LocalFleetPlanner planner(Shapes(), Limits());
  PlanInput input;
  input.pending = {{"app-1", Demand(2)}};
  auto first = planner.Plan(input);
  EXPECT_TRUE(first.admit.empty());
  ASSERT_EQ(first.launch.size(), 1u);  // one 2-core worker hosts both executors
  EXPECT_EQ(planner.catalog().Type(first.launch[0]).name, "local-2c4g");

  input.nodes = {{"node-1", first.launch[0], /*ready=*/false, false, {}, 0}};
  auto booting = planner.Plan(input);
  EXPECT_TRUE(booting.admit.empty());
  EXPECT_TRUE(booting.launch.empty()) << "a booting worker already covers the app";

  input.nodes[0].ready = true;
  auto ready = planner.Plan(input);
  ASSERT_EQ(ready.admit.size(), 1u);
  EXPECT_EQ(ready.admit[0].executors, 2);
  EXPECT_EQ(ready.admit[0].placement.at("node-1"), 2);
  EXPECT_TRUE(ready.admit[0].note.empty());
}

TEST(LocalFleetPlanTest, PartialFitStartsWithWhatTheHostHolds) {
  LocalFleetPlanner planner(Shapes(), Limits(8));
  auto [executors, note] = planner.Target(Demand(6, 4));
  EXPECT_EQ(executors, 1);  // 8 cores minus the driver's one hold one 4-core executor
  EXPECT_NE(note.find("1 of 6"), std::string::npos);
  EXPECT_TRUE(planner.CheckRunnable(Demand(6, 4)).has_value());
}

TEST(LocalFleetPlanTest, DriverPlusOneExecutorThatCannotFitIsRefused) {
  LocalFleetPlanner planner(Shapes(), Limits(4));
  auto too_big = planner.CheckRunnable(Demand(1, 4));  // 1 + 4 cores > 4
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_big.error().message.find("4 cores"), std::string::npos);
  auto no_shape = planner.CheckRunnable(Demand(1, 16));
  ASSERT_FALSE(no_shape.has_value());
  EXPECT_NE(no_shape.error().message.find("fits no worker shape"), std::string::npos);
}

TEST(LocalFleetPlanTest, NeverGrowsPastTheHostLimit) {
  LocalFleetPlanner planner(Shapes(), Limits(4));
  PlanInput input;
  input.nodes = {{"node-1", 0, true, false, {2000, 2048}, 0}};  // a full 2-core worker
  input.running = {{"busy", Demand(2), 0}};                     // its driver: 1 core
  input.pending = {{"next", Demand(1)}};
  auto plan = planner.Plan(input);
  EXPECT_TRUE(plan.admit.empty());
  EXPECT_TRUE(plan.launch.empty()) << "2 worker cores + 1 driver + 1 driver + 2 new > 4";
  ASSERT_EQ(plan.waiting.size(), 1u);
}

TEST(LocalFleetPlanTest, LostExecutorsAreReplaced) {
  LocalFleetPlanner planner(Shapes(), Limits(8));
  PlanInput input;
  input.running = {{"app-1", Demand(2), 2}};  // both executors' worker was lost
  auto plan = planner.Plan(input);
  ASSERT_EQ(plan.launch.size(), 1u);
  input.nodes = {{"node-2", plan.launch[0], true, false, {}, 0}};
  auto placed = planner.Plan(input);
  ASSERT_EQ(placed.replaced.count("app-1"), 1u);
  EXPECT_EQ(placed.replaced["app-1"]["node-2"], 2);
}

TEST(LocalFleetPlanTest, IdleWorkersGoAfterTheTtlButHeadroomStays) {
  LocalFleetPlanner planner(Shapes(), Limits(8, /*headroom=*/2));
  PlanInput input;
  input.now_ms = 100000;
  input.nodes = {{"node-1", 0, true, false, {}, 100000 - 6000},
                 {"node-2", 0, true, false, {}, 100000 - 6000},
                 {"node-3", 0, true, false, {}, 100000 - 1000}};
  auto plan = planner.Plan(input);
  // node-3 is not idle long enough, and its 2 free cores are the headroom: the other two go.
  ASSERT_EQ(plan.decommission.size(), 2u);
  EXPECT_TRUE(plan.launch.empty());

  LocalFleetPlanner strict(Shapes(), Limits(8, /*headroom=*/4));
  auto kept = strict.Plan(input);
  EXPECT_EQ(kept.decommission.size(), 1u) << "4 cores of headroom keep two 2-core workers";
}

TEST(LocalFleetPlanTest, HeadroomStartsAWorkerWithNothingPending) {
  LocalFleetPlanner planner(Shapes(), Limits(8, /*headroom=*/2));
  auto plan = planner.Plan(PlanInput{});
  ASSERT_EQ(plan.launch.size(), 1u);
  EXPECT_GE(planner.catalog().Type(plan.launch[0]).vcpu, 2);
}

}  // namespace
}  // namespace sparkplane::fleet
