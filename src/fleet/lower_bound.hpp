// Cost lower bound: per instant, the cheapest fractional cover of demanded CPU and memory by
// instance types (allocatable capacity), integrated over time (infra-tuning.md §A8).
// Demand has two classes: pods that need on-demand nodes (drivers) and pods that may use spot
// or on-demand (executors). The LP has four rows (on-demand cpu/mem, total cpu/mem).
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "fleet/catalog.hpp"
#include "fleet/trace.hpp"

namespace sparkplane::fleet {

class LowerBoundModel {
 public:
  // on_demand_types / spot_types: catalog indices allowed for each capacity type.
  LowerBoundModel(const Catalog& catalog, const std::vector<int>& on_demand_types,
                  const std::vector<int>& spot_types);

  // Minimum $/h of a fractional fleet covering `on_demand_only` with on-demand capacity and
  // on_demand_only + flexible with any capacity. Returns +inf if some demand cannot be covered.
  double CostPerHour(const Resources& on_demand_only, const Resources& flexible) const;


 private:
  struct Column {
    double cost;
    double cpu;  // cores
    double mem;  // GiB
    bool on_demand;
  };
  std::vector<Column> columns_;
  mutable std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, double> cache_;
};

// Generic small LP: min c·x s.t. A x ≥ b, x ≥ 0, at most 4 rows. Returns +inf if infeasible.
// Exposed for tests.
double SolveCoveringLp(const std::vector<std::vector<double>>& columns,
                       const std::vector<double>& costs, const std::vector<double>& demand);

struct LowerBoundResult {
  double usd = 0;
  int64_t unschedulable_pods = 0;  // pods no allowed type can host; excluded from the bound
  // Σ over pods of the LP cost of that pod alone × its duration: the bound when pods of
  // different shapes could not share capacity (≥ usd). The gap shows how much of the bound
  // relies on co-locating complementary (CPU-heavy with memory-heavy) pods.
  double per_pod_usd = 0;
  // The literal definition: every pod, drivers included, may be covered by any
  // capacity type (so drivers at spot prices too). ≤ usd; reported next to it because the
  // default node groups keep drivers on on-demand, which `usd` prices in.
  double any_capacity_usd = 0;
  // The bound's cost rate over time: (t, $/h) from t until the next entry.
  std::vector<std::pair<double, double>> rate;
};

// Integrates the LP over the trace with every pod at its earliest possible start
// (drivers at request_s, executors at max(request_s, driver request_s)).
LowerBoundResult ComputeLowerBound(const Trace& trace, const LowerBoundModel& model,
                                   const Catalog& catalog, const std::vector<int>& on_demand_types,
                                   const std::vector<int>& spot_types);

struct IntegralBoundResult {
  double usd = 0;
  double exact_share = 0;  // share of the busy time where the whole-node optimum was solved
};

// A tighter bound with the same demand, prices and start times as ComputeLowerBound: per
// interval, when at most max_exact_pods pods run, the exact cheapest fleet of whole nodes
// where each pod sits on one node (a node with a driver must be on-demand), by dynamic
// programming over subsets (3^n); otherwise the LP. Still ignores boot time, headroom and
// minimum billing, so it bounds any policy with these start/stop times.
IntegralBoundResult ComputeIntegralBound(const Trace& trace, const LowerBoundModel& model,
                                         const Catalog& catalog,
                                         const std::vector<int>& on_demand_types,
                                         const std::vector<int>& spot_types,
                                         int max_exact_pods = 14);

}  // namespace sparkplane::fleet
