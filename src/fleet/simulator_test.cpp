#include "fleet/simulator.hpp"

#include <filesystem>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fleet/policies.hpp"
#include "fleet/report.hpp"
#include "fleet/test_util.hpp"

namespace sparkplane::fleet {
namespace {

// Wraps a policy and checks cluster invariants after every step.
class CheckedPolicy : public Policy {
 public:
  explicit CheckedPolicy(std::unique_ptr<Policy> inner) : inner_(std::move(inner)) {}
  std::string Name() const override { return inner_->Name(); }
  void Step(SimState& s) override {
    inner_->Step(s);
    for (int n : s.LiveNodes()) {
      auto& node = s.Nodes()[n];
      if (!node.allocatable.Fits(node.used)) ++overcommits;
      Resources sum{};
      for (int p : node.pods) sum += s.Pods()[p].request;
      if (sum != node.used) ++accounting_errors;
    }
    ++steps;
  }
  int overcommits = 0;
  int accounting_errors = 0;
  int steps = 0;

 private:
  std::unique_ptr<Policy> inner_;
};

Trace RandomTrace(uint64_t seed) {
  GenTraceOptions o;
  o.seed = seed;
  o.apps = 25;
  o.horizon_s = 2 * 3600;
  o.mix = seed % 3 == 0 ? "steady" : (seed % 3 == 1 ? "bursty" : "mixed");
  auto t = GenerateTrace(o);
  SPARKPLANE_CHECK(t.has_value());
  Rng rng(seed);
  // Odd shapes, including pods that fit no instance type at all.
  for (int i = 0; i < 10; ++i) {
    t->pods.push_back({fmt::format("odd-{}", i), Role::kExecutor,
                       {rng.UniformInt(100, 30000), rng.UniformInt(100, 200000)},
                       rng.Uniform(0, 3600), rng.Uniform(30, 1800)});
  }
  t->pods.push_back({"huge", Role::kDriver, {1000, int64_t{1} << 32}, 10, 100});
  t->pods.push_back({"huge", Role::kExecutor, {1000, 1024}, 10, 100});
  return *t;
}

SimOptions FastOptions(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.interruption_rate_scale = 200;  // make interruptions happen within hours
  o.series_points = 10;
  return o;
}

TEST(SimulatorProperty, InvariantsHoldForEveryPolicyOnRandomTraces) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Trace trace = RandomTrace(seed);
    for (auto& name : PolicyNames()) {
      auto inner = MakePolicy(name, c, groups);
      ASSERT_TRUE(inner.has_value());
      CheckedPolicy policy(std::move(*inner));
      SimState state(c, groups, trace, FastOptions(seed));
      state.Run(policy);
      SCOPED_TRACE(fmt::format("seed {} policy {}", seed, name));
      EXPECT_EQ(policy.overcommits, 0);
      EXPECT_EQ(policy.accounting_errors, 0);
      EXPECT_EQ(state.Counters().overcommit_violations, 0);
      // Every pod ran to completion or is reported unschedulable with a reason.
      int unschedulable = 0;
      for (size_t i = 0; i < state.Pods().size(); ++i) {
        auto& p = state.Pods()[i];
        if (p.phase == PodPhase::kUnschedulable) {
          ++unschedulable;
          EXPECT_FALSE(p.reason.empty());
        } else {
          EXPECT_EQ(p.phase, PodPhase::kDone) << trace.pods[i].app_id;
        }
      }
      EXPECT_GE(unschedulable, 2);  // the huge driver and its executor at least
      EXPECT_EQ(state.Counters().driver_consolidation_evictions, 0);
      for (auto& n : state.Nodes()) EXPECT_TRUE(n.terminated);
    }
  }
}

TEST(SimulatorProperty, SameSeedSameResult) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  Trace trace = RandomTrace(5);
  auto a = RunComparison(c, groups, trace, PolicyNames(), FastOptions(3));
  auto b = RunComparison(c, groups, trace, PolicyNames(), FastOptions(3));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(ComparisonJson(*a), ComparisonJson(*b));
  auto d = RunComparison(c, groups, trace, PolicyNames(), FastOptions(4));
  EXPECT_NE(ComparisonJson(*a), ComparisonJson(*d));
}

TEST(SimulatorProperty, ConsolidationNeverEvictsRunningDrivers) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  // Long drivers with short executors leave under-used nodes behind: consolidation bait.
  Trace trace;
  for (int a = 0; a < 30; ++a) {
    std::string app = fmt::format("app{}", a);
    trace.pods.push_back({app, Role::kDriver, {1000, 2432}, a * 60.0, 4 * 3600.0});
    for (int e = 0; e < 6; ++e) {
      trace.pods.push_back({app, Role::kExecutor, {2000, 4096}, a * 60.0, 600.0 + 300 * e});
    }
  }
  for (auto& name : PolicyNames()) {
    auto policy = MakePolicy(name, c, groups);
    auto r = Simulate(c, groups, trace, **policy, FastOptions(1));
    EXPECT_EQ(r.driver_evictions, 0) << name;
    EXPECT_EQ(r.unschedulable, 0) << name;
  }
}

TEST(Simulator, HeadroomStartsAppsWithoutWaitingForNodes) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  Trace trace;
  // A steady stream keeps the cluster warm; later apps should find headroom.
  for (int a = 0; a < 40; ++a) {
    std::string app = fmt::format("app{}", a);
    trace.pods.push_back({app, Role::kDriver, {1000, 2432}, a * 300.0, 3600});
    trace.pods.push_back({app, Role::kExecutor, {2000, 4096}, a * 300.0, 3500});
  }
  SimOptions o = FastOptions(1);
  o.interruption_rate_scale = 0;
  auto with = MakeSparkplanePolicy(c, groups);
  SparkplanePolicyOptions none;
  none.headroom_fraction = 0;
  none.burst_slot_period_s = 0;
  auto without = MakeSparkplanePolicy(c, groups, none);
  auto r_with = Simulate(c, groups, trace, *with, o);
  auto r_without = Simulate(c, groups, trace, *without, o);
  EXPECT_LT(r_with.pending_p50_s, 5.0);
  EXPECT_GE(r_without.pending_p99_s, 60.0);
}

TEST(Simulator, SpotInterruptionsDrainAndReplace) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  Trace trace;
  trace.pods.push_back({"a", Role::kDriver, {1000, 2432}, 0, 8 * 3600});
  for (int e = 0; e < 20; ++e) trace.pods.push_back({"a", Role::kExecutor, {4000, 8192}, 0, 7 * 3600});
  SimOptions o = FastOptions(2);
  o.interruption_rate_scale = 2000;
  auto policy = MakeSparkplanePolicy(c, groups);
  auto r = Simulate(c, groups, trace, *policy, o);
  EXPECT_GT(r.interruptions, 0);
  EXPECT_GT(r.interruption_evictions, 0);
  EXPECT_GT(r.lost_executor_core_hours, 0);
  EXPECT_EQ(r.unschedulable, 0);
  EXPECT_EQ(r.pods_done, 21);
}

}  // namespace
}  // namespace sparkplane::fleet

namespace sparkplane::fleet {
namespace {

TEST(Simulator, NodeGroupLimitsAreHonoured) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  groups[0].min_nodes = 2;  // on-demand
  groups[1].max_nodes = 1;  // spot
  Trace trace;
  trace.pods.push_back({"a", Role::kDriver, {1000, 2432}, 0, 3600});
  for (int e = 0; e < 8; ++e) trace.pods.push_back({"a", Role::kExecutor, {4000, 8192}, 0, 600});
  SimOptions o = FastOptions(1);
  o.interruption_rate_scale = 0;
  auto policy = MakeSparkplanePolicy(c, groups);
  SimState state(c, groups, trace, o);
  int max_spot = 0, min_od_after_start = 1 << 30;
  class Probe : public Policy {
   public:
    Probe(Policy& inner, int& max_spot, int& min_od) : inner_(inner), max_spot_(max_spot), min_od_(min_od) {}
    std::string Name() const override { return inner_.Name(); }
    void Step(SimState& s) override {
      inner_.Step(s);
      int spot = 0, od = 0;
      for (int n : s.LiveNodes()) (s.Nodes()[n].group == 1 ? spot : od)++;
      max_spot_ = std::max(max_spot_, spot);
      min_od_ = std::min(min_od_, od);
    }

   private:
    Policy& inner_;
    int& max_spot_;
    int& min_od_;
  } probe(*policy, max_spot, min_od_after_start);
  state.Run(probe);
  EXPECT_LE(max_spot, 1);
  EXPECT_GE(min_od_after_start, 2);
  for (auto& p : state.Pods()) EXPECT_EQ(p.phase, PodPhase::kDone);
}

}  // namespace
}  // namespace sparkplane::fleet

namespace sparkplane::fleet {
namespace {

TEST(Report, JsonHasTheKeysTheIssueNames) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  Trace trace;
  trace.pods.push_back({"a", Role::kDriver, {1000, 2432}, 0, 600});
  trace.pods.push_back({"a", Role::kExecutor, {2000, 4096}, 0, 500});
  trace.pods.push_back({"b", Role::kExecutor, {1000, int64_t{1} << 30}, 0, 500});
  auto cmp = RunComparison(c, groups, trace, PolicyNames(), FastOptions(1));
  ASSERT_TRUE(cmp.has_value());
  auto v = boost::json::parse(ComparisonJson(*cmp));
  auto& root = v.as_object();
  EXPECT_GT(root.at("lower_bound_usd").as_double(), 0);
  EXPECT_LE(root.at("lower_bound_any_capacity_usd").as_double(),
            root.at("lower_bound_usd").as_double());
  EXPECT_GE(root.at("integral_bound_usd").as_double(),
            root.at("lower_bound_usd").as_double() * (1 - 1e-9));
  auto& policies = root.at("policies").as_object();
  for (auto& name : PolicyNames()) {
    auto& p = policies.at(name).as_object();
    for (const char* key : {"cost_usd", "pending_p50_s", "pending_p99_s", "evictions", "unschedulable"}) {
      EXPECT_TRUE(p.contains(key)) << name << " " << key;
    }
    EXPECT_EQ(p.at("unschedulable").as_int64(), 1) << name;
    EXPECT_GT(p.at("cost_usd").as_double(), 0) << name;
  }
  auto dir = std::filesystem::temp_directory_path() / "fleet_report_test";
  ASSERT_TRUE(WriteComparisonOutputs(*cmp, dir).has_value());
  EXPECT_TRUE(std::filesystem::exists(dir / "timeseries.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir / "cost.png"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sparkplane::fleet

namespace sparkplane::fleet {
namespace {

TEST(Simulator, ExecutorsProvisionedWithTheirDriverBootInParallel) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  Trace trace;
  for (int a = 0; a < 5; ++a) {
    std::string app = fmt::format("app{}", a);
    double t = a * 7200.0;  // far apart: no headroom or leftovers help
    trace.pods.push_back({app, Role::kDriver, {1000, 2432}, t, 1800});
    for (int e = 0; e < 12; ++e) trace.pods.push_back({app, Role::kExecutor, {4000, 8192}, t, 1700});
  }
  SimOptions o = FastOptions(1);
  o.interruption_rate_scale = 0;
  SparkplanePolicyOptions on, off;
  on.headroom_fraction = off.headroom_fraction = 0;
  off.provision_executors_with_driver = false;
  auto with = MakeSparkplanePolicy(c, groups, on);
  auto without = MakeSparkplanePolicy(c, groups, off);
  auto r_with = Simulate(c, groups, trace, *with, o);
  auto r_without = Simulate(c, groups, trace, *without, o);
  // Driver and executor boots overlap: at most one boot (120 s) per app.
  EXPECT_LE(r_with.pending_p99_s, 120.0);
  EXPECT_GT(r_without.pending_p99_s, 120.0);
  EXPECT_EQ(r_with.unschedulable, 0);
  EXPECT_EQ(r_with.pods_done, 65);
}

// Pods without a driver, as the converted openb trace has them.
Trace LongRunners(const std::vector<std::tuple<double, double, Resources>>& pods) {
  Trace trace;
  int i = 0;
  for (auto& [start, duration, request] : pods) {
    trace.pods.push_back({fmt::format("pod{}", i++), Role::kExecutor, request, start, duration});
  }
  return trace;
}

// The sparkplane policy with options `a` and with `b` on the same trace, reference catalog,
// default groups and boot delays, without spot interruptions.
std::pair<PolicyResult, PolicyResult> CompareSparkplane(const Trace& trace,
                                                        const SparkplanePolicyOptions& a,
                                                        const SparkplanePolicyOptions& b) {
  auto& c = testing::ReferenceCatalog();
  auto groups = DefaultNodeGroups(c).value();
  SimOptions o = FastOptions(1);
  o.interruption_rate_scale = 0;
  auto policy_a = MakeSparkplanePolicy(c, groups, a);
  auto policy_b = MakeSparkplanePolicy(c, groups, b);
  return {Simulate(c, groups, trace, *policy_a, o), Simulate(c, groups, trace, *policy_b, o)};
}

TEST(Simulator, IdleGroupDropsItsRoundedUpHeadroomSlot) {
  // A 20-core pod for ten minutes, then a 2-core pod for ten days: 5% of 2 cores is a tenth
  // of the group's 20-core slot. Rounded up, a whole slot (a node of its own once the small
  // pod moves to a small node) would be kept for the ten days.
  Trace trace = LongRunners({{0, 600, {20000, 65536}}, {1000, 10 * 86400.0, {2000, 4096}}});
  SparkplanePolicyOptions idle, always;
  always.headroom_idle_s = -1;
  auto [r_idle, r_always] = CompareSparkplane(trace, idle, always);
  EXPECT_GT(r_always.empty_usd, 0.5 * r_always.cost_usd);
  EXPECT_LT(r_idle.empty_usd, 0.01 * r_always.empty_usd);
  EXPECT_LT(r_idle.cost_usd, 0.5 * r_always.cost_usd);
  EXPECT_EQ(r_idle.pods_done, 2);
}

TEST(Simulator, LongRunningPodMovesOffAnOversizedNode) {
  // Two pods share a node; the short one ends after 10 minutes and leaves the long one on a
  // node twice the size it needs. Once it has run long enough for the saving to pay for the
  // move, it moves to a cheaper node.
  Trace trace = LongRunners({{0, 10 * 86400.0, {20000, 65536}}, {0, 600, {20000, 65536}}});
  SparkplanePolicyOptions on, off;
  on.headroom_fraction = off.headroom_fraction = 0;
  on.burst_slot_period_s = off.burst_slot_period_s = 0;
  off.replace_payback = 0;
  auto [r_on, r_off] = CompareSparkplane(trace, on, off);
  EXPECT_EQ(r_on.evictions, 1);
  EXPECT_EQ(r_off.evictions, 0);
  EXPECT_LT(r_on.cost_usd, 0.8 * r_off.cost_usd);
  EXPECT_EQ(r_on.overcommit_violations, 0);
  EXPECT_EQ(r_on.pods_done, 2);
}

TEST(Simulator, TwoLongRunningNodesMergeIntoOneCheaperNode) {
  // Arriving a day apart, each pod gets a node of its own; together they fit one node that
  // costs less than the two.
  Trace trace =
      LongRunners({{0, 10 * 86400.0, {20000, 65536}}, {86400, 9 * 86400.0, {32000, 65536}}});
  SparkplanePolicyOptions on, off;
  on.headroom_fraction = off.headroom_fraction = 0;
  on.burst_slot_period_s = off.burst_slot_period_s = 0;
  off.replace_payback = 0;
  auto [r_on, r_off] = CompareSparkplane(trace, on, off);
  EXPECT_EQ(r_off.nodes_launched, 2);
  EXPECT_GE(r_on.nodes_launched, 3);  // the merged node
  EXPECT_GE(r_on.evictions, 2);
  EXPECT_LT(r_on.cost_usd, 0.9 * r_off.cost_usd);
  EXPECT_EQ(r_on.overcommit_violations, 0);
  EXPECT_EQ(r_on.pods_done, 2);
}

TEST(Simulator, BurstHeadroomFollowsTheArrivalHistory) {
  // Four 100-core pods (one per node: the largest types have 192 vCPUs) arrive together
  // every 10 minutes for 40 hours and run 2 minutes. Between bursts nothing runs, so the 5%
  // rule keeps no slot and every pod waits for a boot; the burst estimate keeps four slots
  // once two bursts have shown them (8 of 960 pods wait).
  const Resources pod{100000, 204800};
  std::vector<std::tuple<double, double, Resources>> pods;
  for (int b = 0; b < 240; ++b) {
    for (int k = 0; k < 4; ++k) pods.emplace_back(b * 600.0, 120.0, pod);
  }
  SparkplanePolicyOptions burst, off;
  off.burst_slot_period_s = 0;
  auto [r_burst, r_off] = CompareSparkplane(LongRunners(pods), burst, off);
  EXPECT_GE(r_off.pending_p50_s, 60.0);
  EXPECT_EQ(r_burst.pending_p99_s, 0.0);
  EXPECT_EQ(r_burst.pods_done, 960);
  // One more pod after six quiet hours: the four slots must go during them.
  pods.emplace_back(240 * 600.0 + 6 * 3600.0, 120.0, pod);
  PolicyResult r_quiet = CompareSparkplane(LongRunners(pods), burst, off).first;
  // Kept through them, they would cost about 0.15 times their cost over the 40 hours of bursts.
  EXPECT_LT(r_quiet.empty_usd - r_burst.empty_usd, 0.05 * r_burst.empty_usd);
  EXPECT_GT(r_burst.empty_usd, 0);
}

TEST(Simulator, DriverHeadroomNodesHoldSeveralDrivers) {
  // A steady stream of drivers (never moved): headroom nodes typed for one slot host about
  // one driver each; typed for three, later drivers fill them.
  Trace trace;
  for (int a = 0; a < 60; ++a) {
    trace.pods.push_back({fmt::format("app{}", a), Role::kDriver, {1000, 4505}, a * 300.0, 3600});
  }
  SparkplanePolicyOptions three, one;
  one.driver_headroom_node_slots = 1;
  auto [r_three, r_one] = CompareSparkplane(trace, three, one);
  EXPECT_LT(r_three.nodes_launched, r_one.nodes_launched);
  EXPECT_LT(r_three.cost_usd, 0.9 * r_one.cost_usd);
  EXPECT_EQ(r_three.pods_done, 60);
  EXPECT_EQ(r_three.driver_evictions, 0);
}

}  // namespace
}  // namespace sparkplane::fleet
