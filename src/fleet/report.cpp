#include "fleet/report.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/util.hpp"
#include "fleet/lower_bound.hpp"
#include "fleet/png.hpp"
#include "fleet/policies.hpp"
#include "fleet/scheduler.hpp"

namespace sparkplane::fleet {

Result<Comparison> RunComparison(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                                 const Trace& trace, const std::vector<std::string>& policies,
                                 const SimOptions& options,
                                 const SparkplanePolicyOptions& sparkplane_options,
                                 bool repack_estimate) {
  Comparison out;
  std::vector<int> od_types, spot_types;
  for (auto& g : groups) {
    auto& dst = g.capacity == CapacityType::kOnDemand ? od_types : spot_types;
    dst.insert(dst.end(), g.types.begin(), g.types.end());
  }
  std::sort(od_types.begin(), od_types.end());
  od_types.erase(std::unique(od_types.begin(), od_types.end()), od_types.end());
  std::sort(spot_types.begin(), spot_types.end());
  spot_types.erase(std::unique(spot_types.begin(), spot_types.end()), spot_types.end());
  LowerBoundModel model(catalog, od_types, spot_types);
  auto lb = ComputeLowerBound(trace, model, catalog, od_types, spot_types);
  out.lower_bound_usd = lb.usd;
  out.per_pod_bound_usd = lb.per_pod_usd;
  out.lower_bound_any_capacity_usd = lb.any_capacity_usd;
  out.integral_bound = ComputeIntegralBound(trace, model, catalog, od_types, spot_types);
  if (repack_estimate) {
    Scheduler scheduler(catalog, groups);
    out.repack_estimate_usd = RepackEstimateUsd(trace, scheduler, catalog);
  }
  out.lower_bound_rate = std::move(lb.rate);
  out.lower_bound_unschedulable = lb.unschedulable_pods;
  for (auto& name : policies) {
    auto policy = MakePolicy(name, catalog, groups, sparkplane_options);
    if (!policy) return tl::unexpected(policy.error());
    out.results.push_back(Simulate(catalog, groups, trace, **policy, options));
  }
  return out;
}

std::string ComparisonJson(const Comparison& c) {
  boost::json::object root;
  root["lower_bound_usd"] = c.lower_bound_usd;
  root["lower_bound_unschedulable_pods"] = c.lower_bound_unschedulable;
  root["per_pod_bound_usd"] = c.per_pod_bound_usd;
  root["lower_bound_any_capacity_usd"] = c.lower_bound_any_capacity_usd;
  root["integral_bound_usd"] = c.integral_bound.usd;
  root["integral_bound_exact_share"] = c.integral_bound.exact_share;
  if (c.repack_estimate_usd >= 0) root["repack_estimate_usd"] = c.repack_estimate_usd;
  boost::json::object policies;
  for (auto& r : c.results) {
    boost::json::object p;
    p["cost_usd"] = r.cost_usd;
    p["ratio_to_lower_bound"] = c.lower_bound_usd > 0 ? r.cost_usd / c.lower_bound_usd : 0.0;
    p["cpu_utilisation"] = r.cpu_utilisation;
    p["memory_utilisation"] = r.memory_utilisation;
    p["pending_p50_s"] = r.pending_p50_s;
    p["pending_p99_s"] = r.pending_p99_s;
    p["evictions"] = r.evictions;
    p["driver_evictions"] = r.driver_evictions;
    p["interruptions"] = r.interruptions;
    p["interruption_evictions"] = r.interruption_evictions;
    p["lost_executor_core_hours"] = r.lost_executor_core_hours;
    p["unschedulable"] = r.unschedulable;
    boost::json::array reasons;
    for (auto& s : r.unschedulable_reasons) reasons.emplace_back(s);
    p["unschedulable_reasons"] = std::move(reasons);
    p["nodes_launched"] = r.nodes_launched;
    p["boot_usd"] = r.boot_usd;
    p["empty_usd"] = r.empty_usd;
    boost::json::object by_type;
    for (size_t i = 0; i < r.cost_by_type.size() && i < 8; ++i) {
      by_type[r.cost_by_type[i].first] = r.cost_by_type[i].second;
    }
    p["top_cost_by_type"] = std::move(by_type);
    p["makespan_s"] = r.makespan_s;
    policies[r.policy] = std::move(p);
  }
  root["policies"] = std::move(policies);
  return boost::json::serialize(root);
}

std::string ComparisonText(const Comparison& c) {
  std::string out =
      fmt::format("lower bound: ${:.2f} (drivers on spot too: ${:.2f}; per-pod bound ${:.2f})\n",
                  c.lower_bound_usd, c.lower_bound_any_capacity_usd, c.per_pod_bound_usd);
  out += fmt::format("whole-node bound: ${:.2f} (exact on {:.0f}% of the busy time)\n",
                     c.integral_bound.usd, 100 * c.integral_bound.exact_share);
  if (c.repack_estimate_usd >= 0) {
    out +=
        fmt::format("repack estimate (free moves, instant boot): ${:.2f}\n", c.repack_estimate_usd);
  }
  out += fmt::format("{:<15} {:>10} {:>7} {:>6} {:>6} {:>9} {:>9} {:>6} {:>6} {:>6}\n", "policy",
                     "cost $", "/LB", "cpu%", "mem%", "p50 s", "p99 s", "evict", "intr", "unsch");
  for (auto& r : c.results) {
    out += fmt::format("{:<15} {:>10.2f} {:>7.3f} {:>6.1f} {:>6.1f} {:>9.1f} {:>9.1f} {:>6} {:>6} {:>6}\n",
                       r.policy, r.cost_usd,
                       c.lower_bound_usd > 0 ? r.cost_usd / c.lower_bound_usd : 0.0,
                       100 * r.cpu_utilisation, 100 * r.memory_utilisation, r.pending_p50_s,
                       r.pending_p99_s, r.evictions, r.interruptions, r.unschedulable);
    for (auto& reason : r.unschedulable_reasons) out += fmt::format("  unschedulable: {}\n", reason);
    std::string top;
    for (size_t i = 0; i < r.cost_by_type.size() && i < 4; ++i) {
      top += fmt::format("{}{} ${:.2f}", i ? ", " : "", r.cost_by_type[i].first, r.cost_by_type[i].second);
    }
    out += fmt::format("  boot ${:.2f}, empty ${:.2f}; top types: {}\n", r.boot_usd, r.empty_usd, top);
  }
  return out;
}

Status WriteComparisonOutputs(const Comparison& c, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(ErrorCode::kIo, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  std::string csv =
      "policy,t_s,nodes,usd_per_hour,cumulative_usd,requested_cores,provisioned_cores\n";
  std::vector<ChartSeries> series;
  static constexpr Rgb kColors[] = {{31, 119, 180}, {255, 127, 14}, {214, 39, 40}, {44, 160, 44}};
  for (size_t i = 0; i < c.results.size(); ++i) {
    auto& r = c.results[i];
    ChartSeries s{r.policy, kColors[i % 4], {}};
    for (auto& p : r.series) {
      csv += fmt::format("{},{:.0f},{},{:.4f},{:.4f},{:.3f},{:.3f}\n", r.policy, p.t, p.nodes,
                         p.usd_per_hour, p.cumulative_usd, p.requested_cores, p.provisioned_cores);
      s.points.emplace_back(p.t, p.usd_per_hour);
    }
    series.push_back(std::move(s));
  }
  if (!c.results.empty()) {
    // The bound's rate at the same sample times (a step function; samples are sorted).
    ChartSeries bound{"lower-bound", {150, 150, 150}, {}};
    size_t k = 0;
    double rate = 0;
    for (auto& p : c.results.front().series) {
      while (k < c.lower_bound_rate.size() && c.lower_bound_rate[k].first <= p.t) {
        rate = c.lower_bound_rate[k++].second;
      }
      csv += fmt::format("lower-bound,{:.0f},,{:.4f},,,\n", p.t, rate);
      bound.points.emplace_back(p.t, rate);
    }
    series.insert(series.begin(), std::move(bound));
  }
  if (auto st = WriteFileAtomic(dir / "timeseries.csv", csv); !st) return st;
  auto png = RenderLineChart(series, {"hours", "USD per hour", 3600}, 900, 400).EncodePng();
  if (!png) return tl::unexpected(png.error());
  return WriteFileAtomic(dir / "cost.png", *png);
}

}  // namespace sparkplane::fleet
