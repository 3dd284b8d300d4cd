#include "fleet/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

namespace sparkplane::fleet {

SimState::SimState(const Catalog& catalog, std::vector<NodeGroup> groups, const Trace& trace,
                   const SimOptions& options)
    : catalog_(catalog), groups_(std::move(groups)), options_(options) {
  std::unordered_map<std::string, int> app_index;
  pods_.reserve(trace.pods.size());
  for (auto& tp : trace.pods) {
    auto [it, inserted] = app_index.emplace(tp.app_id, static_cast<int>(app_driver_.size()));
    if (inserted) {
      app_driver_.push_back(-1);
      app_executors_.emplace_back();
    }
    SimPod p;
    p.app = it->second;
    p.role = tp.role;
    p.request = tp.request;
    p.request_s = tp.request_s;
    p.duration_s = tp.duration_s;
    p.remaining_s = tp.duration_s;
    int id = static_cast<int>(pods_.size());
    pods_.push_back(std::move(p));
    if (tp.role == Role::kDriver) {
      app_driver_[it->second] = id;
    } else {
      app_executors_[it->second].push_back(id);
    }
  }
  pending_pos_.assign(pods_.size(), -1);
  unfinished_ = static_cast<int64_t>(pods_.size());
  for (size_t i = 0; i < pods_.size(); ++i) {
    auto& p = pods_[i];
    if (p.role == Role::kDriver || app_driver_[p.app] < 0) {
      Push(p.request_s, EventKind::kPodEligible, static_cast<int>(i));
    }
  }
}

void SimState::Push(double t, EventKind kind, int id, uint32_t generation) {
  if (kind != EventKind::kWake && kind != EventKind::kSpotNotice) ++progress_events_;
  events_.push({t, seq_++, kind, id, generation});
}

void SimState::WakeAt(double t) {
  if (t <= now_) return;
  Push(t, EventKind::kWake, -1);
}

void SimState::MakePending(int pod) {
  auto& p = pods_[pod];
  p.phase = PodPhase::kPending;
  p.pending_since_s = now_;
  pending_pos_[pod] = static_cast<int>(pending_.size());
  pending_.push_back(pod);
}

void SimState::RemovePending(int pod) {
  int pos = pending_pos_[pod];
  SPARKPLANE_CHECK(pos >= 0);
  int last = pending_.back();
  pending_[pos] = last;
  pending_pos_[last] = pos;
  pending_.pop_back();
  pending_pos_[pod] = -1;
}

void SimState::Bind(int pod, int node) {
  ++version_;
  auto& p = pods_[pod];
  auto& n = nodes_[node];
  if (p.phase != PodPhase::kPending || n.terminated || n.cordoned ||
      !(n.allocatable - n.used).Fits(p.request)) {
    ++counters_.overcommit_violations;
    return;
  }
  RemovePending(pod);
  if (n.pods.empty()) n.empty_s += now_ - n.idle_since_s;
  n.used += p.request;
  p.node = node;
  p.slot = static_cast<int>(n.pods.size());
  n.pods.push_back(pod);
  if (p.role == Role::kDriver) ++n.drivers;
  p.phase = PodPhase::kBound;
  if (n.ready) StartPod(pod);
}

void SimState::StartPod(int pod) {
  auto& p = pods_[pod];
  p.phase = PodPhase::kRunning;
  p.start_s = now_;
  if (p.first_start_s < 0) p.first_start_s = now_;
  Push(now_ + p.remaining_s, EventKind::kPodFinish, pod, p.generation);
  if (p.role == Role::kDriver) {
    for (int e : app_executors_[p.app]) {
      if (pods_[e].phase == PodPhase::kWaiting && pods_[e].eligible_s < 0) {
        pods_[e].eligible_s = -2;  // scheduled
        Push(std::max(now_, pods_[e].request_s), EventKind::kPodEligible, e);
      }
    }
  }
}

void SimState::Detach(int pod) {
  auto& p = pods_[pod];
  auto& n = nodes_[p.node];
  if (p.phase == PodPhase::kRunning) segments_.push_back({p.start_s, now_, p.request});
  n.used -= p.request;
  int last = n.pods.back();
  n.pods[p.slot] = last;
  pods_[last].slot = p.slot;
  n.pods.pop_back();
  if (p.role == Role::kDriver) --n.drivers;
  if (n.pods.empty()) n.idle_since_s = now_;
  p.node = -1;
  p.slot = -1;
}

int SimState::Launch(int type, int group) {
  ++version_;
  int id = static_cast<int>(nodes_.size());
  SimNode n;
  n.type = type;
  n.group = group;
  n.capacity = groups_[group].capacity;
  auto& t = catalog_.Type(type);
  n.price_per_hour = t.Price(n.capacity);
  n.allocatable = t.allocatable;
  n.launch_s = now_;
  Rng rng(Mix64(options_.seed * 0x9E37ULL + static_cast<uint64_t>(id)));
  n.ready_s = now_ + rng.Uniform(options_.boot_min_s, options_.boot_max_s);
  n.idle_since_s = now_;
  Push(n.ready_s, EventKind::kNodeReady, id);
  if (n.capacity == CapacityType::kSpot) {
    double rate = t.interruptions_per_hour * options_.interruption_rate_scale / 3600.0;
    if (rate > 0) {
      double u = std::max(rng.Uniform(), 1e-300);
      n.interrupt_notice_s = now_ + (-std::log(u) / rate);
      Push(n.interrupt_notice_s, EventKind::kSpotNotice, id);
    }
  }
  nodes_.push_back(std::move(n));
  live_.push_back(id);
  ++counters_.nodes_launched;
  return id;
}

void SimState::Evict(int pod, bool voluntary) {
  ++version_;
  auto& p = pods_[pod];
  if (p.phase != PodPhase::kRunning && p.phase != PodPhase::kBound) return;
  bool was_running = p.phase == PodPhase::kRunning;
  if (was_running) {
    double done = now_ - p.start_s;
    if (p.role == Role::kDriver) {
      p.remaining_s = p.duration_s;  // a lost driver restarts the application
    } else {
      p.remaining_s = std::max(0.0, p.remaining_s - done) + options_.eviction_penalty_s;
      counters_.lost_executor_core_s +=
          options_.eviction_penalty_s * static_cast<double>(p.request.cpu_milli) / 1000.0;
    }
    ++p.evictions;
    if (voluntary) {
      ++counters_.consolidation_evictions;
      if (p.role == Role::kDriver) ++counters_.driver_consolidation_evictions;
    } else {
      ++counters_.interruption_evictions;
    }
  }
  Detach(pod);
  ++p.generation;
  MakePending(pod);
}

void SimState::Terminate(int node) {
  ++version_;
  auto& n = nodes_[node];
  if (n.terminated) return;
  auto pods = n.pods;
  for (int p : pods) Evict(p, false);
  n.terminated = true;
  n.end_s = now_;
  n.empty_s += now_ - n.idle_since_s;  // empty by now: every pod was evicted above
  live_.erase(std::find(live_.begin(), live_.end(), node));
}

void SimState::MarkUnschedulable(int pod, std::string reason) {
  auto& p = pods_[pod];
  if (p.phase == PodPhase::kPending) RemovePending(pod);
  if (p.phase == PodPhase::kDone || p.phase == PodPhase::kUnschedulable) return;
  p.phase = PodPhase::kUnschedulable;
  p.reason = std::move(reason);
  --unfinished_;
  if (p.role == Role::kDriver) {
    for (int e : app_executors_[p.app]) {
      if (pods_[e].phase == PodPhase::kWaiting) MarkUnschedulable(e, "driver is unschedulable");
    }
  }
}

void SimState::Handle(const Event& e) {
  switch (e.kind) {
    case EventKind::kPodEligible: {
      auto& p = pods_[e.id];
      if (p.phase != PodPhase::kWaiting) break;
      p.eligible_s = now_;
      MakePending(e.id);
      break;
    }
    case EventKind::kPodFinish: {
      auto& p = pods_[e.id];
      if (p.phase != PodPhase::kRunning || p.generation != e.generation) break;
      Detach(e.id);
      p.phase = PodPhase::kDone;
      p.remaining_s = 0;
      --unfinished_;
      break;
    }
    case EventKind::kNodeReady: {
      auto& n = nodes_[e.id];
      if (n.terminated) break;
      n.ready = true;
      auto pods = n.pods;
      for (int p : pods) {
        if (pods_[p].phase == PodPhase::kBound) StartPod(p);
      }
      break;
    }
    case EventKind::kSpotNotice: {
      auto& n = nodes_[e.id];
      if (n.terminated) break;
      ++counters_.interruptions;
      n.cordoned = true;
      auto pods = n.pods;
      for (int p : pods) Evict(p, false);
      Push(now_ + options_.interruption_notice_s, EventKind::kNodeTerminate, e.id);
      break;
    }
    case EventKind::kNodeTerminate:
      Terminate(e.id);
      break;
    case EventKind::kWake:
      break;
  }
}

double SimState::Run(Policy& policy) {
  // A policy that keeps waking without anything else happening for two simulated days is
  // stuck (e.g. pods it can never place); stop and report those pods.
  constexpr double kStuckAfterS = 2 * 86400;
  double last_progress = 0;
  while (!events_.empty() && unfinished_ > 0) {
    now_ = events_.top().t;
    if (progress_events_ == 0 && now_ - last_progress > kStuckAfterS) break;
    while (!events_.empty() && events_.top().t == now_) {
      Event e = events_.top();
      events_.pop();
      if (e.kind != EventKind::kWake && e.kind != EventKind::kSpotNotice) {
        --progress_events_;
        last_progress = now_;
      }
      ++version_;
      Handle(e);
    }
    if (unfinished_ == 0) break;
    policy.Step(*this);
  }
  for (int p : std::vector<int>(pending_)) MarkUnschedulable(p, "never placed by the policy");
  for (auto& p : pods_) {
    if (p.phase == PodPhase::kWaiting) {
      p.phase = PodPhase::kUnschedulable;
      p.reason = "never became eligible";
    }
  }
  for (int n : std::vector<int>(live_)) Terminate(n);
  return now_;
}

namespace {

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

}  // namespace

PolicyResult Simulate(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                      const Trace& trace, Policy& policy, const SimOptions& options) {
  SimState state(catalog, groups, trace, options);
  double end = state.Run(policy);
  PolicyResult r;
  r.policy = policy.Name();
  r.makespan_s = end;
  double alloc_cpu_s = 0, alloc_mem_s = 0;
  std::map<std::string, double> by_type;
  for (auto& n : state.Nodes()) {
    double life = n.end_s - n.launch_s;
    double cost = n.price_per_hour * std::max(options.min_billing_s, life) / 3600.0;
    r.cost_usd += cost;
    r.boot_usd += n.price_per_hour * (std::min(n.ready_s, n.end_s) - n.launch_s) / 3600.0;
    r.empty_usd += n.price_per_hour * n.empty_s / 3600.0;
    by_type[fmt::format("{} {}", catalog.Type(n.type).name, CapacityTypeName(n.capacity))] += cost;
    alloc_cpu_s += static_cast<double>(n.allocatable.cpu_milli) / 1000.0 * life;
    alloc_mem_s += static_cast<double>(n.allocatable.memory_mib) * life;
  }
  r.cost_by_type.assign(by_type.begin(), by_type.end());
  std::sort(r.cost_by_type.begin(), r.cost_by_type.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  double used_cpu_s = 0, used_mem_s = 0;
  for (auto& s : state.Segments()) {
    used_cpu_s += static_cast<double>(s.request.cpu_milli) / 1000.0 * (s.end - s.start);
    used_mem_s += static_cast<double>(s.request.memory_mib) * (s.end - s.start);
  }
  r.cpu_utilisation = alloc_cpu_s > 0 ? used_cpu_s / alloc_cpu_s : 0;
  r.memory_utilisation = alloc_mem_s > 0 ? used_mem_s / alloc_mem_s : 0;
  // Pending time per app: the delay the app sees before its pods run, = its driver's wait
  // plus the longest wait of an executor (executors only become schedulable once the driver
  // runs, so the two waits add up); for an app without a driver, the longest pod wait.
  std::unordered_map<int, double> driver_wait;
  std::unordered_map<int, double> pod_wait;  // longest non-driver wait
  std::unordered_map<int, bool> app_bad;
  for (auto& p : state.Pods()) {
    if (p.phase == PodPhase::kUnschedulable) {
      ++r.unschedulable;
      app_bad[p.app] = true;
      if (r.unschedulable_reasons.size() < 20) {
        r.unschedulable_reasons.push_back(fmt::format(
            "{} {} ({} mCPU, {} MiB): {}", trace.pods[&p - state.Pods().data()].app_id,
            RoleName(p.role), p.request.cpu_milli, p.request.memory_mib, p.reason));
      }
      continue;
    }
    if (p.phase == PodPhase::kDone) ++r.pods_done;
    if (p.first_start_s >= 0 && p.eligible_s >= 0) {
      double w = p.first_start_s - p.eligible_s;
      if (p.role == Role::kDriver) {
        driver_wait[p.app] = w;
      } else {
        auto& v = pod_wait[p.app];
        v = std::max(v, w);
      }
    }
  }
  std::unordered_map<int, double> app_pending;
  for (auto& [app, w] : driver_wait) app_pending[app] += w;
  for (auto& [app, w] : pod_wait) app_pending[app] += w;
  std::vector<double> waits;
  for (auto& [app, w] : app_pending) {
    if (!app_bad.count(app)) waits.push_back(w);
  }
  r.pending_p50_s = Percentile(waits, 0.50);
  r.pending_p99_s = Percentile(waits, 0.99);
  auto& c = state.Counters();
  r.evictions = c.consolidation_evictions;
  r.driver_evictions = c.driver_consolidation_evictions;
  r.interruptions = c.interruptions;
  r.interruption_evictions = c.interruption_evictions;
  r.lost_executor_core_hours = c.lost_executor_core_s / 3600.0;
  r.nodes_launched = c.nodes_launched;
  r.overcommit_violations = c.overcommit_violations;
  // Time series.
  int points = std::max(2, options.series_points);
  for (int i = 0; i < points; ++i) {
    double t = end * i / (points - 1);
    PolicyResult::Sample s{t, 0, 0, 0, 0, 0};
    for (auto& n : state.Nodes()) {
      if (n.launch_s <= t) {
        double until = std::min(t, n.end_s);
        s.cumulative_usd += n.price_per_hour * (until - n.launch_s) / 3600.0;
      }
      if (n.launch_s <= t && t < n.end_s) {
        ++s.nodes;
        s.usd_per_hour += n.price_per_hour;
        s.provisioned_cores += static_cast<double>(n.allocatable.cpu_milli) / 1000.0;
      }
    }
    r.series.push_back(s);
  }
  {
    // Requested cores at each sample by a sweep over run segments.
    std::vector<std::pair<double, double>> deltas;
    for (auto& s : state.Segments()) {
      double cores = static_cast<double>(s.request.cpu_milli) / 1000.0;
      deltas.emplace_back(s.start, cores);
      deltas.emplace_back(s.end, -cores);
    }
    std::sort(deltas.begin(), deltas.end());
    size_t k = 0;
    double running = 0;
    for (auto& s : r.series) {
      while (k < deltas.size() && deltas[k].first <= s.t) running += deltas[k++].second;
      s.requested_cores = std::max(0.0, running);
    }
  }
  return r;
}

}  // namespace sparkplane::fleet
