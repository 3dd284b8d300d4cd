// Runs policies side by side on one trace with the lower bound, and renders the results
// (text table, one JSON object, CSV time series and a PNG chart).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "fleet/catalog.hpp"
#include "fleet/lower_bound.hpp"
#include "fleet/node_group.hpp"
#include "fleet/policies.hpp"
#include "fleet/simulator.hpp"
#include "fleet/trace.hpp"

namespace sparkplane::fleet {

struct Comparison {
  double lower_bound_usd = 0;
  double per_pod_bound_usd = 0;
  double lower_bound_any_capacity_usd = 0;  // drivers may use spot too (see lower_bound.hpp)
  double repack_estimate_usd = -1;          // RepackEstimateUsd; < 0 when not asked for
  IntegralBoundResult integral_bound;       // ComputeIntegralBound
  std::vector<std::pair<double, double>> lower_bound_rate;  // (t, $/h), step function
  int64_t lower_bound_unschedulable = 0;
  std::vector<PolicyResult> results;
};

// policies: names from PolicyNames(); groups default to DefaultNodeGroups(catalog).
Result<Comparison> RunComparison(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                                 const Trace& trace, const std::vector<std::string>& policies,
                                 const SimOptions& options,
                                 const SparkplanePolicyOptions& sparkplane_options = {},
                                 bool repack_estimate = false);

// {"lower_bound_usd":…, "policies":{name:{"cost_usd","ratio_to_lower_bound","pending_p50_s",
// "pending_p99_s","evictions","unschedulable",…}}}
std::string ComparisonJson(const Comparison& comparison);
std::string ComparisonText(const Comparison& comparison);
// Writes timeseries.csv (one row per policy and sample, plus "lower-bound" rows with the
// bound's $/h) and cost.png ($/h over time, the bound in grey) into dir.
Status WriteComparisonOutputs(const Comparison& comparison, const std::filesystem::path& dir);

}  // namespace sparkplane::fleet
