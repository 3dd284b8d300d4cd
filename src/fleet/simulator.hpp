// Discrete-event fleet simulator: replays a trace against a policy with a node start-up
// delay model, spot interruptions with notice (Spark decommissioning: executors re-run
// elsewhere with a fixed penalty), per-second billing with a 60 s minimum, and metrics.
// Deterministic for a given seed. Policies act only through SimState's operations.
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "fleet/catalog.hpp"
#include "fleet/node_group.hpp"
#include "fleet/trace.hpp"

namespace sparkplane::fleet {

struct SimOptions {
  uint64_t seed = 1;
  double boot_min_s = 60;
  double boot_max_s = 120;
  double interruption_notice_s = 120;
  double eviction_penalty_s = 60;   // work an evicted executor redoes (decommissioning on)
  double min_billing_s = 60;
  double interruption_rate_scale = 1.0;  // multiplies every type's interruption rate
  int series_points = 600;               // samples in the time series
};

enum class PodPhase { kWaiting, kPending, kBound, kRunning, kDone, kUnschedulable };

struct SimPod {
  int app = 0;
  Role role = Role::kExecutor;
  Resources request;
  double request_s = 0;
  double duration_s = 0;
  PodPhase phase = PodPhase::kWaiting;
  double eligible_s = -1;     // first time the pod could be scheduled
  double pending_since_s = -1;
  double first_start_s = -1;
  double start_s = -1;
  double remaining_s = 0;
  int node = -1;
  int slot = -1;              // position in the node's pod list
  uint32_t generation = 0;
  int evictions = 0;
  std::string reason;         // why unschedulable
};

struct SimNode {
  int type = 0;
  int group = 0;
  CapacityType capacity = CapacityType::kOnDemand;
  double price_per_hour = 0;
  Resources allocatable;
  Resources used;
  double launch_s = 0;
  double ready_s = 0;
  double end_s = -1;
  bool ready = false;
  bool cordoned = false;
  bool terminated = false;
  int drivers = 0;
  double idle_since_s = 0;    // last time the node became empty
  double empty_s = 0;         // total time without pods (bound or running)
  double interrupt_notice_s = -1;
  std::vector<int> pods;
};

struct SimCounters {
  int64_t consolidation_evictions = 0;
  int64_t interruption_evictions = 0;
  int64_t driver_consolidation_evictions = 0;
  int64_t interruptions = 0;
  int64_t nodes_launched = 0;
  double lost_executor_core_s = 0;
  int64_t overcommit_violations = 0;
};

class Policy;

// A pod's stay on a node, for utilisation and time series.
struct RunSegment {
  double start = 0;
  double end = 0;
  Resources request;
};

// The simulated cluster. Keeps a reference to catalog, which must outlive it. Not
// thread-safe.
class SimState {
 public:
  SimState(const Catalog& catalog, std::vector<NodeGroup> groups, const Trace& trace,
           const SimOptions& options);

  double Now() const { return now_; }
  const Catalog& GetCatalog() const { return catalog_; }
  const std::vector<NodeGroup>& Groups() const { return groups_; }
  const std::vector<SimPod>& Pods() const { return pods_; }
  const std::vector<SimNode>& Nodes() const { return nodes_; }
  const std::vector<int>& Pending() const { return pending_; }
  const SimCounters& Counters() const { return counters_; }
  const SimOptions& Options() const { return options_; }

  // Binds a pending pod; it starts now on a ready node or when a booting node becomes ready.
  void Bind(int pod, int node);
  // Launches a node; it becomes ready after the start-up delay. Returns its index.
  int Launch(int type, int group);
  // Evicts a bound or running pod back to pending. A running executor redoes its remaining
  // work plus SimOptions::eviction_penalty_s; a running driver restarts from scratch.
  // voluntary = consolidation (counted in consolidation_evictions, drivers separately);
  // otherwise a spot interruption.
  void Evict(int pod, bool voluntary);
  // Stops a node now (billing ends); pods still on it are evicted as involuntary.
  void Terminate(int node);
  void MarkUnschedulable(int pod, std::string reason);
  // Asks for a control step at time t.
  void WakeAt(double t);
  // Live nodes (not terminated), in index order.
  const std::vector<int>& LiveNodes() const { return live_; }

  const std::vector<RunSegment>& Segments() const { return segments_; }
  // Changes whenever a pod or node changes state; policies use it to skip work.
  uint64_t Version() const { return version_; }

  // Replays every event, calling policy.Step after each batch of simultaneous events, until
  // every pod is done or unschedulable (or nothing can happen any more); then stops every
  // remaining node. Returns the end time.
  double Run(Policy& policy);

 private:
  enum class EventKind { kPodEligible, kPodFinish, kNodeReady, kSpotNotice, kNodeTerminate, kWake };
  struct Event {
    double t;
    uint64_t seq;
    EventKind kind;
    int id;
    uint32_t generation;
    bool operator>(const Event& o) const { return t > o.t || (t == o.t && seq > o.seq); }
  };
  void Push(double t, EventKind kind, int id, uint32_t generation = 0);
  void Handle(const Event& e);
  void StartPod(int pod);
  void Detach(int pod);
  void MakePending(int pod);
  void RemovePending(int pod);

  const Catalog& catalog_;
  std::vector<NodeGroup> groups_;
  SimOptions options_;
  std::vector<SimPod> pods_;
  std::vector<SimNode> nodes_;
  std::vector<int> pending_;
  std::vector<int> pending_pos_;
  std::vector<int> live_;
  std::vector<std::vector<int>> app_executors_;
  std::vector<int> app_driver_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  double now_ = 0;
  SimCounters counters_;
  std::vector<RunSegment> segments_;
  int64_t unfinished_ = 0;
  int64_t progress_events_ = 0;  // queued pod and node-lifecycle events (not wakes, notices)
  uint64_t version_ = 0;
};

// A scaling policy. Step is called after every batch of simultaneous events.
class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string Name() const = 0;
  virtual void Step(SimState& state) = 0;
};

struct PolicyResult {
  std::string policy;
  double cost_usd = 0;
  double cpu_utilisation = 0;
  double memory_utilisation = 0;
  double pending_p50_s = 0;
  double pending_p99_s = 0;
  int64_t evictions = 0;               // voluntary (consolidation) evictions
  int64_t driver_evictions = 0;        // drivers evicted by consolidation (must stay 0)
  int64_t interruptions = 0;
  int64_t interruption_evictions = 0;
  double lost_executor_core_hours = 0;
  double boot_usd = 0;   // paid while nodes were starting
  double empty_usd = 0;  // paid while nodes held no pod (includes headroom and TTL)
  int64_t unschedulable = 0;
  int64_t nodes_launched = 0;
  int64_t overcommit_violations = 0;
  int64_t pods_done = 0;
  double makespan_s = 0;
  std::vector<std::string> unschedulable_reasons;  // first few, "app/role: reason"
  // Cost by instance type and capacity, largest first: ("m5.4xlarge spot", usd).
  std::vector<std::pair<std::string, double>> cost_by_type;
  struct Sample {
    double t;
    int nodes;
    double usd_per_hour;
    double cumulative_usd;
    double requested_cores;
    double provisioned_cores;
  };
  std::vector<Sample> series;
};

// Runs one policy over the trace.
PolicyResult Simulate(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                      const Trace& trace, Policy& policy, const SimOptions& options);

}  // namespace sparkplane::fleet
