// Scaling policies for the simulator: sparkplane's own and two baselines built as
// infra-tuning.md describes them (§A1–A3).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "fleet/scheduler.hpp"
#include "fleet/simulator.hpp"

namespace sparkplane::fleet {

struct SparkplanePolicyOptions {
  // Plan nodes for an app's executors when its driver is scheduled, so they boot together.
  bool provision_executors_with_driver = true;
  double hold_timeout_s = 600;      // room held for an app's executors is released after this
  double headroom_fraction = 0.05;  // Ocean's automatic headroom default: 5% of requested
  Resources headroom_manual{};      // added on top, per group
  // A group whose last pod was placed longer ago than this keeps headroom rounded to the
  // nearest whole slot instead of up (so an idle small group keeps none). <0: always up.
  double headroom_idle_s = 1800;
  // Burst headroom, predicted from each group's arrival history: slot k is kept while the
  // rate at which it is used (BurstEstimator: the k-th pod of a burst of arrivals within the
  // longest node boot uses slot k; counts decay with time constant burst_decay_s) is above
  // one use per burst_slot_period_s, on top of the rule above. Only unannounced
  // arrivals count (drivers, pods without a driver; executors are planned with their
  // driver). burst_slot_period_s <= 0 disables.
  double burst_decay_s = 1800;
  double burst_slot_period_s = 1800;
  // Headroom capacity launched alone in a group that takes drivers is typed for a node of at
  // least this many slots (1 = just the missing slots).
  int driver_headroom_node_slots = 3;
  double empty_ttl_s = 60;  // remove an empty node after this long
  bool consolidation = true;
  double consolidation_utilisation = 0.6;  // candidate below this share of both resources
                                           // (Ocean's "Cost" orientation threshold)
  double consolidation_quiet_s = 300;      // ... for this long
  double min_node_age_s = 600;
  double budget_fraction = 0.1;  // nodes disrupted per consolidation round
  // Replace an under-used node whose pods fit nowhere else by one node costing at most this
  // share of its price (0 disables replacement).
  double replace_price_ratio = 0.5;
  // Also replace a node by a cheaper one when the saving over the pods' expected remaining
  // run time (the time the youngest has already run: a Lindy estimate) pays for the move
  // (the new node's boot plus the evicted executors' redone work) this many times. 0 disables.
  double replace_payback = 30;
  double replace_min_runtime_s = 3600;  // ... and only once every pod has run this long
  double consolidation_interval_s = 30;
};

struct KarpenterLikeOptions {
  double batch_idle_s = 1;
  double batch_max_s = 10;
  int max_instance_types = 60;
  double poll_s = 10;
  double budget_fraction = 0.1;
  int multi_node_candidates = 100;
  bool consolidate_driver_pool = false;  // data-on-eks: WhenEmpty on driver NodePools
};

struct K8sDefaultOptions {
  std::string driver_type = "m5.xlarge";
  std::string executor_type = "m5.4xlarge";
  double scan_interval_s = 10;
  double scale_down_unneeded_s = 600;
  int max_empty_bulk_delete = 10;
};

std::unique_ptr<Policy> MakeSparkplanePolicy(const Catalog& catalog,
                                             const std::vector<NodeGroup>& groups,
                                             SparkplanePolicyOptions options = {});
std::unique_ptr<Policy> MakeKarpenterLikePolicy(const Catalog& catalog,
                                                const std::vector<NodeGroup>& groups,
                                                KarpenterLikeOptions options = {});
std::unique_ptr<Policy> MakeK8sDefaultPolicy(const Catalog& catalog,
                                             const std::vector<NodeGroup>& groups,
                                             K8sDefaultOptions options = {});

// "sparkplane", "k8s-default" or "karpenter-like"; sparkplane takes `sparkplane_options`.
Result<std::unique_ptr<Policy>> MakePolicy(std::string_view name, const Catalog& catalog,
                                           const std::vector<NodeGroup>& groups,
                                           const SparkplanePolicyOptions& sparkplane_options = {});
const std::vector<std::string>& PolicyNames();

}  // namespace sparkplane::fleet
