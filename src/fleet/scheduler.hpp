// sparkplane's scheduling pass: pending pods go onto existing nodes first (ready, then
// booting; best fit on the pod's dominant resource), then the remaining batch is provisioned
// by choosing, node by node, the instance type with the lowest price per packed demand
// (demand valued at the LP price of each pod, so every type is judged on the same scale).
// Stateless between passes; not thread-safe (caches LP values).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "fleet/catalog.hpp"
#include "fleet/lower_bound.hpp"
#include "fleet/node_group.hpp"
#include "fleet/trace.hpp"

namespace sparkplane::fleet {

struct NodeView {
  int group = 0;
  Resources free;
  bool ready = false;
  bool schedulable = true;  // false when cordoned or draining
};

struct PodView {
  Resources request;
  Role role = Role::kExecutor;
  // Gang rule: an executor whose app's driver is not placed (driver_placed = false) is only
  // scheduled if that driver is in the same pass and gets a node. app < 0: no app.
  int app = -1;
  bool driver_placed = true;
};

struct HeadroomNeed {
  Resources unit;  // shape of one reserved slot
  int units = 0;   // slots to add in this group
};

struct NewNode {
  int type = 0;
  int group = 0;
  std::vector<int> pods;  // indices into the pending span; headroom slots are not listed
};

struct PassResult {
  std::vector<std::pair<int, int>> placements;  // (pending index, node index)
  std::vector<NewNode> launches;
  std::vector<int> unschedulable;  // pending indices no allowed instance type can host
  std::vector<int> deferred;       // executors held back because their driver has no node
};

struct SchedulerOptions {
  int best_fit_scan_limit = 256;
  // Spot prices are raised by expected interruption cost: price × rate/h × this many hours
  // (replacement boot plus lost executor work).
  double interruption_cost_hours = 0.1;
};

class Scheduler {
 public:
  Scheduler(const Catalog& catalog, std::vector<NodeGroup> groups, SchedulerOptions options = {});
  ~Scheduler();

  // One pass. headroom (optional) has one entry per group.
  PassResult Pass(std::span<const NodeView> nodes, std::span<const PodView> pending,
                  std::span<const HeadroomNeed> headroom = {});

  // Plans new nodes for the given pods in one group only (no existing nodes). Used by
  // consolidation to price a replacement.
  std::vector<NewNode> PlanNodes(int group, std::span<const PodView> pods,
                                 std::span<const int> indices, int headroom_units = 0,
                                 Resources headroom_unit = {});

  // The group's cheapest type (by EffectivePrice) whose allocatable covers `request`, or -1.
  // One node hosts a set of pods iff it covers their sum, so this prices a merge exactly.
  int CheapestFitting(int group, const Resources& request) const;
  // True if some type of the group can host the request.
  bool GroupFits(int group, const Resources& request) const;
  double EffectivePrice(int type, int group) const;
  const std::vector<NodeGroup>& Groups() const { return groups_; }

 private:
  double Weight(int group, const Resources& r);

  const Catalog& catalog_;
  std::vector<NodeGroup> groups_;
  SchedulerOptions options_;
  std::vector<Resources> group_max_;  // per resource max allocatable in the group
  std::vector<std::unique_ptr<LowerBoundModel>> group_lp_;
  std::vector<std::vector<int>> types_by_price_;
};

// A reference point for the gap to the lower bound, not a bound: per interval between pod
// start/stop events (pods at their earliest start, as in ComputeLowerBound), the cost of
// packing the pods running then from scratch with PlanNodes (each pod in the first of its
// role's groups that can host it), integrated over time. It is what a clairvoyant policy
// with this packer would pay if every pod could move for free at every event and nodes
// booted at once; the bound's fractional nodes are the only difference to the LP.
double RepackEstimateUsd(const Trace& trace, Scheduler& scheduler, const Catalog& catalog);

}  // namespace sparkplane::fleet
