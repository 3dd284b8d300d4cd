#include "fleet/policies.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fleet/burst_estimator.hpp"

namespace sparkplane::fleet {
namespace {

Resources FreeOf(const SimNode& n) { return n.allocatable - n.used; }

bool GroupAccepts(const NodeGroup& g, Role role) {
  return role == Role::kDriver ? g.accepts_drivers : g.accepts_executors;
}

// Budget of nodes that may be disrupted at once: a fraction, rounded up (Karpenter's rule).
int Budget(double fraction, size_t nodes) {
  return std::max(1, static_cast<int>(std::ceil(fraction * static_cast<double>(nodes))));
}

// A pod waiting on a booting node is only nominated there, as in Kubernetes: when a ready
// node has room (pods finished elsewhere), the scheduler binds it there instead. Used by
// both policies that bind to in-flight nodes. `usable` filters target nodes.
template <class Usable>
void MoveNominatedToReadyNodes(SimState& s, Usable usable) {
  if (s.Version() == 0) return;
  for (int n : std::vector<int>(s.LiveNodes())) {
    if (s.Nodes()[n].ready) continue;
    for (int p : std::vector<int>(s.Nodes()[n].pods)) {
      auto& pod = s.Pods()[p];
      if (pod.phase != PodPhase::kBound) continue;
      int best = -1;
      int64_t best_left = std::numeric_limits<int64_t>::max();
      for (int m : s.LiveNodes()) {
        auto& node = s.Nodes()[m];
        if (!node.ready || node.cordoned || !usable(m, p) ||
            !GroupAccepts(s.Groups()[node.group], pod.role)) {
          continue;
        }
        Resources f = FreeOf(node);
        if (!f.Fits(pod.request)) continue;
        int64_t left = f.cpu_milli - pod.request.cpu_milli;
        if (left < best_left) {
          best_left = left;
          best = m;
        }
      }
      if (best < 0) continue;
      s.Evict(p, false);  // not running yet: no penalty, not counted
      s.Bind(p, best);
    }
  }
}

// ---------------------------------------------------------------------------------------
// sparkplane
class SparkplanePolicy : public Policy {
 public:
  SparkplanePolicy(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                   SparkplanePolicyOptions options)
      : scheduler_(catalog, groups),
        options_(options),
        unit_(groups.size()),
        recent_(groups.size()),
        recent_next_(groups.size()),
        last_placed_(groups.size(), 0),
        decay_wake_(groups.size(), -1),
        burst_wake_(groups.size(), -1) {}

  std::string Name() const override { return "sparkplane"; }

  void Step(SimState& s) override {
    if (bursts_.empty()) {
      bursts_.assign(unit_.size(), BurstEstimator(s.Options().boot_max_s, options_.burst_decay_s));
    }
    FinishReplacements(s);
    // Only within the pod's group: other groups are a fallback, not a shortcut.
    MoveNominatedToReadyNodes(s, [this, &s](int n, int pod) {
      return !reserved_.count(n) && s.Nodes()[n].group == s.Nodes()[s.Pods()[pod].node].group &&
             Unheld(s, n).Fits(s.Pods()[pod].request);
    });
    Schedule(s);
    ProvisionMinimum(s);
    ProvisionHeadroom(s);
    ScaleDown(s);
    if (options_.consolidation) Consolidate(s);
  }

 private:
  // Free room of a node that is not held for some app's executors.
  Resources Unheld(const SimState& s, int node) const {
    Resources f = FreeOf(s.Nodes()[node]);
    if (auto it = held_.find(node); it != held_.end()) {
      for (auto& [app, room] : it->second) f -= room;
    }
    return {std::max<int64_t>(0, f.cpu_milli), std::max<int64_t>(0, f.memory_mib)};
  }

  void IndexApps(const SimState& s) {
    if (!app_pods_.empty() || s.Pods().empty()) return;
    for (size_t i = 0; i < s.Pods().size(); ++i) {
      int app = s.Pods()[i].app;
      if (static_cast<size_t>(app) >= app_pods_.size()) app_pods_.resize(app + 1);
      app_pods_[app].push_back(static_cast<int>(i));
    }
    app_has_driver_.assign(app_pods_.size(), 0);
    for (auto& pod : s.Pods()) {
      if (pod.role == Role::kDriver) app_has_driver_[pod.app] = 1;
    }
  }

  // Executors of an app with held room go there first; holds end once the app's driver runs
  // and none of its executors is still waiting to be requested.
  void UseReservations(SimState& s) {
    if (held_.empty()) return;
    for (int p : std::vector<int>(s.Pending())) {
      auto& pod = s.Pods()[p];
      if (pod.role != Role::kExecutor) continue;
      int best = -1;
      for (auto& [node, holds] : held_) {
        auto& n = s.Nodes()[node];
        if (n.cordoned || n.terminated || !FreeOf(n).Fits(pod.request)) continue;
        for (auto& [app, room] : holds) {
          if (app != pod.app || !room.Fits(pod.request)) continue;
          room -= pod.request;
          best = node;
          break;
        }
        if (best >= 0) break;
      }
      if (best >= 0) {
        Remember(s, p, s.Nodes()[best].group);
        s.Bind(p, best);
      }
    }
    for (auto it = held_.begin(); it != held_.end();) {
      auto& holds = it->second;
      std::erase_if(holds, [&](const std::pair<int, Resources>& h) {
        return s.Nodes()[it->first].terminated || ReservationOver(s, h.first) ||
               s.Now() >= hold_since_[h.first] + options_.hold_timeout_s;
      });
      it = holds.empty() ? held_.erase(it) : std::next(it);
    }
  }

  void Hold(SimState& s, int node, int app, const Resources& room) {
    if (!hold_since_.count(app)) {
      hold_since_[app] = s.Now();
      s.WakeAt(s.Now() + options_.hold_timeout_s);
    }
    auto& holds = held_[node];
    auto h =
        std::find_if(holds.begin(), holds.end(), [&](const auto& x) { return x.first == app; });
    if (h == holds.end()) {
      holds.emplace_back(app, room);
    } else {
      h->second += room;
    }
  }

  // An app's reservation ends once its driver runs and none of its executors is still waiting
  // to be requested, or when its driver cannot be scheduled at all (or after
  // hold_timeout_s, e.g. when the driver's group is at max_nodes).
  bool ReservationOver(const SimState& s, int app) const {
    bool waiting = false, driver_started = false, driver_gone = false;
    for (int q : app_pods_[app]) {
      auto& pod = s.Pods()[q];
      if (pod.role == Role::kDriver) {
        driver_started = pod.first_start_s >= 0;
        driver_gone = pod.phase == PodPhase::kUnschedulable;
      } else if (pod.phase == PodPhase::kWaiting) {
        waiting = true;
      }
    }
    return driver_gone || (driver_started && !waiting);
  }

  void Schedule(SimState& s) {
    IndexApps(s);
    UseReservations(s);
    if (s.Pending().empty()) return;
    std::vector<int> node_ids;
    std::vector<NodeView> views;
    for (int n : s.LiveNodes()) {
      auto& node = s.Nodes()[n];
      node_ids.push_back(n);
      views.push_back(
          {node.group, Unheld(s, n), node.ready, !node.cordoned && !reserved_.count(n)});
    }
    std::vector<int> pending = s.Pending();
    std::sort(pending.begin(), pending.end());  // deterministic order independent of history
    std::vector<PodView> pods;
    for (int p : pending) {
      pods.push_back({s.Pods()[p].request, s.Pods()[p].role, s.Pods()[p].app, true});
    }
    // Spark-aware gang provisioning: Ocean knows an app's executors when its driver is
    // submitted, so capacity for them is planned with the driver and boots in parallel
    // instead of after it. They are placeholders: nothing is bound until they are requested.
    const size_t real = pending.size();
    if (options_.provision_executors_with_driver) {
      for (size_t i = 0; i < real; ++i) {
        auto& driver = s.Pods()[pending[i]];
        if (driver.role != Role::kDriver || !prepared_.insert(driver.app).second) continue;
        for (int q : app_pods_[driver.app]) {
          auto& e = s.Pods()[q];
          if (e.role == Role::kExecutor && e.phase == PodPhase::kWaiting &&
              e.request_s <= s.Now()) {
            pending.push_back(q);
            pods.push_back({e.request, Role::kExecutor, e.app, false});
          }
        }
      }
    }
    PassResult pass = scheduler_.Pass(views, pods);
    for (auto [i, v] : pass.placements) {
      if (static_cast<size_t>(i) >= real) {  // placeholder: hold the room it was given
        Hold(s, node_ids[v], pods[i].app, pods[i].request);
        continue;
      }
      Remember(s, pending[i], views[v].group);
      s.Bind(pending[i], node_ids[v]);
    }
    for (int i : pass.unschedulable) {
      if (static_cast<size_t>(i) >= real) continue;  // the executor is reported once requested
      auto& p = s.Pods()[pending[i]];
      s.MarkUnschedulable(pending[i],
                          fmt::format("no instance type allowed for a {} fits {} mCPU / {} MiB",
                                      RoleName(p.role), p.request.cpu_milli, p.request.memory_mib));
    }
    // New nodes double as headroom: plan each group's launches together with the headroom
    // slots still missing, so the choice of instance type sees both.
    std::vector<std::vector<NewNode>> by_group(unit_.size());
    for (auto& launch : pass.launches) by_group[launch.group].push_back(std::move(launch));
    for (int g = 0; g < static_cast<int>(by_group.size()); ++g) {
      if (by_group[g].empty()) continue;
      std::vector<int> indices;
      Resources extra{};
      for (auto& launch : by_group[g]) {
        for (int i : launch.pods) {
          indices.push_back(i);
          extra += pods[i].request;
          if (static_cast<size_t>(i) < real) Remember(s, pending[i], g);
        }
      }
      const Resources unit = unit_[g];
      int64_t free_units = FreeUnits(s, g, unit, -1);
      for (auto& launch : by_group[g]) {
        Resources left = s.GetCatalog().Type(launch.type).allocatable;
        for (int i : launch.pods) left -= pods[i].request;
        free_units += std::min(left.cpu_milli / std::max<int64_t>(1, unit.cpu_milli),
                               left.memory_mib / std::max<int64_t>(1, unit.memory_mib));
      }
      int64_t missing = UnitsNeeded(s, g, extra) - free_units;
      if (missing > 0 && scheduler_.GroupFits(g, unit)) {
        by_group[g] = scheduler_.PlanNodes(g, pods, indices, static_cast<int>(missing), unit);
      }
      for (auto& launch : by_group[g]) {
        // At the group's max_nodes the pods stay pending until capacity frees up.
        if (GroupSize(s, g) >= s.Groups()[g].max_nodes) break;
        int node = s.Launch(launch.type, launch.group);
        for (int i : launch.pods) {
          if (static_cast<size_t>(i) < real) {
            s.Bind(pending[i], node);
          } else {
            Hold(s, node, pods[i].app, pods[i].request);
          }
        }
      }
    }
  }

  int GroupSize(const SimState& s, int group) const {
    int n = 0;
    for (int id : s.LiveNodes()) n += s.Nodes()[id].group == group;
    return n;
  }

  // Keeps each group at its min_nodes with the group's cheapest type.
  void ProvisionMinimum(SimState& s) {
    for (int g = 0; g < static_cast<int>(s.Groups().size()); ++g) {
      auto& group = s.Groups()[g];
      if (group.min_nodes <= 0 || group.types.empty()) continue;
      int cheapest = group.types.front();
      for (int t : group.types) {
        if (scheduler_.EffectivePrice(t, g) < scheduler_.EffectivePrice(cheapest, g)) cheapest = t;
      }
      for (int n = GroupSize(s, g); n < group.min_nodes; ++n) s.Launch(cheapest, g);
    }
  }

  // The headroom slot of a group is as large as the largest of the last few pods placed
  // there (per resource), so a slot can take any of the recent shapes. A pod placed as it
  // arrives, with no driver that announced it, is also an arrival for the burst estimate.
  void Remember(const SimState& s, int pod, int group) {
    auto& recent = recent_[group];
    const SimPod& p = s.Pods()[pod];
    const Resources& r = p.request;
    last_placed_[group] = s.Now();
    if (p.eligible_s == s.Now() && p.first_start_s < 0 &&
        (p.role == Role::kDriver || !app_has_driver_[p.app])) {
      bursts_[group].Record(s.Now());
    }
    if (recent.size() < kRecentPods) {
      recent.push_back(r);
    } else {
      recent[recent_next_[group]++ % kRecentPods] = r;
    }
    Resources unit{};
    for (auto& x : recent) {
      unit.cpu_milli = std::max(unit.cpu_milli, x.cpu_milli);
      unit.memory_mib = std::max(unit.memory_mib, x.memory_mib);
    }
    unit_[group] = unit;
  }

  // Slots of `unit` that fit in the free space of the group's live nodes, skipping `except`.
  int64_t FreeUnits(const SimState& s, int group, const Resources& unit, int except) const {
    int64_t units = 0;
    for (int n : s.LiveNodes()) {
      auto& node = s.Nodes()[n];
      if (n == except || node.group != group || node.cordoned || reserved_.count(n)) continue;
      Resources f = Unheld(s, n);
      units += std::min(f.cpu_milli / std::max<int64_t>(1, unit.cpu_milli),
                        f.memory_mib / std::max<int64_t>(1, unit.memory_mib));
    }
    return units;
  }

  // Slots the group's arrival history predicts (0 when burst headroom is off).
  int64_t BurstSlots(const SimState& s, int group) const {
    if (options_.burst_slot_period_s <= 0) return 0;
    return bursts_[group].Slots(s.Now(), 1.0 / options_.burst_slot_period_s);
  }

  int64_t UnitsNeeded(const SimState& s, int group, Resources requested = {}) const {
    const Resources& unit = unit_[group];
    if (unit.cpu_milli <= 0) return 0;
    for (int n : s.LiveNodes()) {
      if (s.Nodes()[n].group == group) requested += s.Nodes()[n].used;
    }
    const int64_t burst = BurstSlots(s, group);
    if (requested.cpu_milli == 0 && requested.memory_mib == 0) return burst;
    double cpu = options_.headroom_fraction * static_cast<double>(requested.cpu_milli) +
                 static_cast<double>(options_.headroom_manual.cpu_milli);
    double mem = options_.headroom_fraction * static_cast<double>(requested.memory_mib) +
                 static_cast<double>(options_.headroom_manual.memory_mib);
    double units = std::max(cpu / static_cast<double>(unit.cpu_milli),
                            mem / static_cast<double>(std::max<int64_t>(1, unit.memory_mib)));
    // Whole slots, rounded up: any group in use keeps at least one slot so the next app of a
    // usual shape starts at once (this, not the 5%, dominates on very small clusters). A
    // group idle for headroom_idle_s rounds to the nearest slot instead.
    if (options_.headroom_idle_s >= 0 && s.Now() > last_placed_[group] + options_.headroom_idle_s) {
      return std::max(burst, static_cast<int64_t>(std::floor(units + 0.5)));
    }
    return std::max(burst, static_cast<int64_t>(std::ceil(units - 1e-9)));
  }

  void ProvisionHeadroom(SimState& s) {
    if (options_.headroom_fraction <= 0 && options_.headroom_manual.cpu_milli <= 0 &&
        options_.burst_slot_period_s <= 0) {
      return;
    }
    for (int g = 0; g < static_cast<int>(unit_.size()); ++g) {
      if (options_.headroom_idle_s >= 0 && last_placed_[g] > decay_wake_[g]) {
        // Wake when the group turns idle, so headroom it no longer needs can be removed.
        decay_wake_[g] = last_placed_[g];
        s.WakeAt(last_placed_[g] + options_.headroom_idle_s + 1);
      }
      if (options_.burst_slot_period_s > 0) {
        // Wake when the predicted slots drop, so capacity kept for them can go.
        double drop = bursts_[g].NextDrop(s.Now(), 1.0 / options_.burst_slot_period_s);
        if (drop != burst_wake_[g] && drop < std::numeric_limits<double>::infinity()) {
          burst_wake_[g] = drop;
          s.WakeAt(drop + 1);
        }
      }
      int64_t missing = UnitsNeeded(s, g) - FreeUnits(s, g, unit_[g], -1);
      if (missing <= 0 || !scheduler_.GroupFits(g, unit_[g])) continue;
      // Drivers are never moved, so a driver node launched for one slot would host about one
      // driver all its life: its type is chosen for driver_headroom_node_slots slots (later
      // drivers fill it), but only the nodes the missing slots need are launched.
      int64_t plan_slots = missing;
      if (s.Groups()[g].accepts_drivers) {
        plan_slots = std::max<int64_t>(missing, options_.driver_headroom_node_slots);
      }
      auto planned = scheduler_.PlanNodes(g, {}, {}, static_cast<int>(plan_slots), unit_[g]);
      for (auto& n : planned) {
        if (missing <= 0 || GroupSize(s, g) >= s.Groups()[g].max_nodes) break;
        s.Launch(n.type, g);
        const Resources& alloc = s.GetCatalog().Type(n.type).allocatable;
        missing -= std::min(alloc.cpu_milli / std::max<int64_t>(1, unit_[g].cpu_milli),
                            alloc.memory_mib / std::max<int64_t>(1, unit_[g].memory_mib));
      }
    }
  }

  void ScaleDown(SimState& s) {
    for (int n : std::vector<int>(s.LiveNodes())) {
      auto& node = s.Nodes()[n];
      if (!node.pods.empty() || node.cordoned || !node.ready || reserved_.count(n) ||
          held_.count(n)) {
        continue;
      }
      double due = node.idle_since_s + options_.empty_ttl_s;
      if (s.Now() < due) {
        s.WakeAt(due);
        continue;
      }
      // Keep the node if removing it would leave less free capacity than the headroom.
      int g = node.group;
      if (unit_[g].cpu_milli > 0 && FreeUnits(s, g, unit_[g], n) < UnitsNeeded(s, g)) continue;
      if (GroupSize(s, g) <= s.Groups()[g].min_nodes) continue;
      s.Terminate(n);
    }
  }

  // The cheapest single node of `group` that holds every pod of `nodes`: (type, $/h), or
  // (-1, inf) when one node is not enough.
  std::pair<int, double> SingleNodePlan(const SimState& s, int group,
                                        const std::vector<int>& nodes) const {
    Resources sum{};
    for (int node : nodes) sum += s.Nodes()[node].used;
    int type = scheduler_.CheapestFitting(group, sum);
    if (type < 0) return {-1, std::numeric_limits<double>::infinity()};
    return {type, s.GetCatalog().Type(type).Price(s.Groups()[group].capacity)};
  }

  // Replaces nodes of one group (an under-used one, or several whose pods one node holds) by
  // one cheaper node. The new node is reserved while it boots; pods move only once it is
  // ready (no waiting on a boot).
  bool TryReplace(SimState& s, const std::vector<int>& nodes) {
    if (options_.replace_price_ratio <= 0 && options_.replace_payback <= 0) return false;
    const int group = s.Nodes()[nodes.front()].group;
    double old_price = 0;
    for (int node : nodes) {
      if (replacing_.count(node) || s.Nodes()[node].group != group) return false;
      old_price += s.Nodes()[node].price_per_hour;
    }
    if (GroupSize(s, group) >= s.Groups()[group].max_nodes) return false;
    auto [type, price] = SingleNodePlan(s, group, nodes);
    if (type < 0) return false;
    bool cheap = price <= options_.replace_price_ratio * old_price;
    if (!cheap && PaybackDue(s, nodes, old_price, price) > s.Now()) return false;
    int fresh = s.Launch(type, group);
    for (int node : nodes) {
      replacing_[node] = fresh;
      reserved_.insert(node);
    }
    reserved_.insert(fresh);
    return true;
  }

  // When moving the pods of `nodes` ($/h old_price) to one node priced `price` pays for
  // itself: the saving over the pods' expected remaining time (what the youngest has already
  // run, a Lindy estimate) covers replace_payback × the new node's boot plus the executors'
  // redone work. +inf if never (drivers, pods not running, no saving).
  double PaybackDue(const SimState& s, const std::vector<int>& nodes, double old_price,
                    double price) const {
    constexpr double kNever = std::numeric_limits<double>::infinity();
    if (options_.replace_payback <= 0 || price >= old_price) return kNever;
    double youngest_start = -kNever;
    for (int node : nodes) {
      for (int p : s.Nodes()[node].pods) {
        auto& pod = s.Pods()[p];
        if (pod.phase != PodPhase::kRunning || pod.role == Role::kDriver) return kNever;
        youngest_start = std::max(youngest_start, pod.start_s);
      }
    }
    if (youngest_start == -kNever) return kNever;
    const SimOptions& o = s.Options();
    double move_s = 0.5 * (o.boot_min_s + o.boot_max_s) + o.eviction_penalty_s;
    double needed_s = options_.replace_payback * price * move_s / (old_price - price);
    return youngest_start + std::max(needed_s, options_.replace_min_runtime_s);
  }

  // Right-sizing with a payback rule: a node whose pods one cheaper node holds, or a pair of
  // nodes whose pods one node holds for less than both, is replaced once the move pays back.
  // Looks at the kRightSizeCandidates least used eligible nodes; asks for a wake-up when the
  // best pending move becomes due.
  void RightSize(SimState& s, int& budget) {
    std::vector<int> eligible;
    for (int n : s.LiveNodes()) {
      auto& node = s.Nodes()[n];
      if (!node.ready || node.cordoned || reserved_.count(n) || held_.count(n) ||
          node.drivers > 0 || node.pods.empty()) {
        continue;
      }
      if (s.Now() < node.launch_s + options_.min_node_age_s) {
        s.WakeAt(node.launch_s + options_.min_node_age_s);
        continue;
      }
      eligible.push_back(n);
    }
    auto share = [&](int n) {
      auto& node = s.Nodes()[n];
      return std::max(static_cast<double>(node.used.cpu_milli) / node.allocatable.cpu_milli,
                      static_cast<double>(node.used.memory_mib) / node.allocatable.memory_mib);
    };
    std::sort(eligible.begin(), eligible.end(), [&](int a, int b) {
      double sa = share(a), sb = share(b);
      return sa < sb || (sa == sb && a < b);
    });
    if (eligible.size() > kRightSizeCandidates) eligible.resize(kRightSizeCandidates);
    double next_due = std::numeric_limits<double>::infinity();
    std::vector<char> used(s.Nodes().size(), 0);
    auto consider = [&](const std::vector<int>& nodes) {
      if (budget <= 0) return;
      for (int n : nodes) {
        if (used[n]) return;
      }
      double old_price = 0;
      for (int n : nodes) old_price += s.Nodes()[n].price_per_hour;
      auto [type, price] = SingleNodePlan(s, s.Nodes()[nodes.front()].group, nodes);
      if (type < 0) return;
      double due = PaybackDue(s, nodes, old_price, price);
      if (due > s.Now()) {
        next_due = std::min(next_due, due);
        return;
      }
      if (TryReplace(s, nodes)) {
        for (int n : nodes) used[n] = 1;
        --budget;
      }
    };
    for (size_t i = 0; i < eligible.size(); ++i) {
      for (size_t j = i + 1; j < eligible.size(); ++j) {
        if (s.Nodes()[eligible[i]].group == s.Nodes()[eligible[j]].group) {
          consider({eligible[i], eligible[j]});
        }
      }
    }
    for (int n : eligible) consider({n});
    if (next_due < std::numeric_limits<double>::infinity()) s.WakeAt(next_due);
  }

  void FinishReplacements(SimState& s) {
    for (auto it = replacing_.begin(); it != replacing_.end();) {
      auto [old_node, fresh] = *it;
      auto& o = s.Nodes()[old_node];
      auto& f = s.Nodes()[fresh];
      if (f.terminated || o.terminated || o.cordoned) {
        reserved_.erase(old_node);
        reserved_.erase(fresh);
        it = replacing_.erase(it);
        continue;
      }
      if (!f.ready) {
        ++it;
        continue;
      }
      for (int p : std::vector<int>(o.pods)) {
        s.Evict(p, true);
        if ((f.allocatable - f.used).Fits(s.Pods()[p].request)) s.Bind(p, fresh);
      }
      reserved_.erase(old_node);
      reserved_.erase(fresh);
      s.Terminate(old_node);
      it = replacing_.erase(it);
    }
  }

  void Consolidate(SimState& s) {
    double now = s.Now();
    if (underused_since_.size() < s.Nodes().size()) {
      underused_since_.resize(s.Nodes().size(), -1);
    }
    std::vector<int> candidates;
    for (int n : s.LiveNodes()) {
      auto& node = s.Nodes()[n];
      double cpu = static_cast<double>(node.used.cpu_milli) / node.allocatable.cpu_milli;
      double mem = static_cast<double>(node.used.memory_mib) / node.allocatable.memory_mib;
      bool under = node.ready && !node.cordoned && !reserved_.count(n) && !held_.count(n) &&
                   node.drivers == 0 && !node.pods.empty() &&
                   std::max(cpu, mem) < options_.consolidation_utilisation;
      if (!under) {
        underused_since_[n] = -1;
        continue;
      }
      if (underused_since_[n] < 0) underused_since_[n] = now;
      double due = std::max(underused_since_[n] + options_.consolidation_quiet_s,
                            node.launch_s + options_.min_node_age_s);
      if (now >= due) {
        candidates.push_back(n);
      } else {
        s.WakeAt(due);
      }
    }
    if (now < next_consolidation_) return;
    int budget = Budget(options_.budget_fraction, s.LiveNodes().size());
    if (!candidates.empty()) {
      next_consolidation_ = now + options_.consolidation_interval_s;
      DrainUnderused(s, candidates, budget);
    }
    if (options_.replace_payback > 0 && budget > 0) {
      next_consolidation_ = now + options_.consolidation_interval_s;
      RightSize(s, budget);
    }
  }

  // Moves the pods of under-used nodes onto other nodes and removes them, or replaces a node
  // by a much cheaper one; at most `budget` nodes.
  void DrainUnderused(SimState& s, std::vector<int>& candidates, int& budget) {
    // Most expensive per used core first: that is where the saving is.
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      auto& na = s.Nodes()[a];
      auto& nb = s.Nodes()[b];
      double ua = na.price_per_hour / std::max<int64_t>(1, na.used.cpu_milli);
      double ub = nb.price_per_hour / std::max<int64_t>(1, nb.used.cpu_milli);
      return ua > ub || (ua == ub && a < b);
    });
    std::vector<char> removing(s.Nodes().size(), 0);
    for (int c : candidates) removing[c] = 1;
    std::map<int, Resources> free;
    for (int n : s.LiveNodes()) free[n] = Unheld(s, n);
    for (int c : candidates) {
      if (budget == 0) break;
      // Every pod must move to a ready node that is not itself being consolidated; best fit.
      std::vector<std::pair<int, int>> moves;
      std::map<int, Resources> trial = free;
      bool ok = true;
      for (int p : s.Nodes()[c].pods) {
        auto& pod = s.Pods()[p];
        int best = -1;
        int64_t best_left = std::numeric_limits<int64_t>::max();
        for (int n : s.LiveNodes()) {
          auto& node = s.Nodes()[n];
          // Empty nodes are headroom: filling them would only launch new headroom. Nodes
          // launched during this round (replacements) are not ready and not in `removing`.
          if (static_cast<size_t>(n) >= removing.size() || removing[n] || !node.ready ||
              node.cordoned || reserved_.count(n) || node.pods.empty()) {
            continue;
          }
          if (!GroupAccepts(s.Groups()[node.group], pod.role)) continue;
          if (!trial[n].Fits(pod.request)) continue;
          int64_t left = trial[n].cpu_milli - pod.request.cpu_milli;
          if (left < best_left) {
            best_left = left;
            best = n;
          }
        }
        if (best < 0) {
          ok = false;
          break;
        }
        trial[best] -= pod.request;
        moves.emplace_back(p, best);
      }
      if (!ok) {
        removing[c] = 0;  // stays; others may move onto it
        if (TryReplace(s, {c})) --budget;
        continue;
      }
      free = std::move(trial);
      for (auto [p, target] : moves) {
        s.Evict(p, true);
        s.Bind(p, target);
      }
      s.Terminate(c);
      --budget;
    }
  }

  Scheduler scheduler_;
  SparkplanePolicyOptions options_;
  std::vector<Resources> unit_;
  std::vector<double> underused_since_;
  double next_consolidation_ = 0;
  static constexpr size_t kRecentPods = 8;
  std::vector<std::vector<Resources>> recent_;
  std::vector<size_t> recent_next_;
  static constexpr size_t kRightSizeCandidates = 12;
  std::vector<double> last_placed_;     // per group: when a pod was last placed there
  std::vector<double> decay_wake_;      // per group: last_placed_ for which a wake-up was asked
  std::vector<BurstEstimator> bursts_;  // per group: unannounced arrivals
  std::vector<double> burst_wake_;      // per group: the slot drop a wake-up was asked for
  std::vector<char> app_has_driver_;
  std::vector<std::vector<int>> app_pods_;
  std::set<int> prepared_;  // apps whose executors were provisioned with the driver
  // Room held for executors planned with their driver, on existing or newly launched nodes:
  // node → (app, room). Other pods see a node's free room minus its holds.
  std::map<int, std::vector<std::pair<int, Resources>>> held_;
  std::map<int, double> hold_since_;  // app → when its first hold was taken
  std::map<int, int> replacing_;      // node being replaced → its booting replacement (a
                                      // merge maps two nodes to one)
  std::set<int> reserved_;
};

// ---------------------------------------------------------------------------------------
// karpenter-like: §A1 provisioning (CPU-desc FFD, existing → in-flight (fewest pods) → new
// claim, 60 cheapest options, PCO = lowest interruption band then cheapest) and §A2
// consolidation (emptiness, multi-node prefix search, single-node; delete-only because the
// executor pool is spot and spot-to-spot consolidation is off by default; 10% budget).
class KarpenterLikePolicy : public Policy {
 public:
  KarpenterLikePolicy(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                      KarpenterLikeOptions options)
      : catalog_(catalog), groups_(groups), options_(options) {}

  std::string Name() const override { return "karpenter-like"; }

  void Step(SimState& s) override {
    MoveNominatedToReadyNodes(s, [](int, int) { return true; });
    BindToReadyNodes(s);
    Provision(s);
    if (s.Now() >= next_poll_) {
      next_poll_ = s.Now() + options_.poll_s;
      // Decisions depend only on cluster state: an unchanged cluster gives the same answer.
      if (s.Version() != consolidated_version_) {
        Consolidate(s);
        consolidated_version_ = s.Version();
      }
    }
    if (!s.LiveNodes().empty()) s.WakeAt(next_poll_);
  }

 private:
  // kube-scheduler binds to nodes as they become ready; we use Karpenter's own view (lowest
  // index that fits), which packs at least as well as the default spreading score.
  void BindToReadyNodes(SimState& s) {
    std::vector<int> pending = s.Pending();
    std::sort(pending.begin(), pending.end());
    for (int p : pending) {
      auto& pod = s.Pods()[p];
      for (int n : s.LiveNodes()) {
        auto& node = s.Nodes()[n];
        if (!node.ready || node.cordoned || !GroupAccepts(groups_[node.group], pod.role)) continue;
        if (FreeOf(node).Fits(pod.request)) {
          s.Bind(p, n);
          break;
        }
      }
    }
  }

  std::vector<int> PoolsFor(Role role, const Resources& r) const {
    // Driver pool is on-demand; executor pool is spot (Karpenter prefers spot when a pool
    // allows both); a pod no spot type fits falls back to the on-demand pool.
    std::vector<int> out;
    for (int g : GroupsForRole(groups_, role)) {
      for (int t : groups_[g].types) {
        if (catalog_.Type(t).allocatable.Fits(r)) {
          out.push_back(g);
          break;
        }
      }
    }
    return out;
  }

  void Provision(SimState& s) {
    if (s.Pending().empty()) {
      batch_start_ = -1;
      return;
    }
    double now = s.Now();
    size_t n_pending = s.Pending().size();
    if (batch_start_ < 0) {
      batch_start_ = now;
      last_growth_ = now;
    } else if (n_pending > last_pending_count_) {
      last_growth_ = now;
    }
    last_pending_count_ = n_pending;
    double due =
        std::min(last_growth_ + options_.batch_idle_s, batch_start_ + options_.batch_max_s);
    if (now < due) {
      s.WakeAt(due);
      return;
    }
    batch_start_ = -1;
    last_pending_count_ = 0;
    std::vector<int> queue = s.Pending();
    std::sort(queue.begin(), queue.end(), [&](int a, int b) {
      auto& pa = s.Pods()[a];
      auto& pb = s.Pods()[b];
      if (pa.request.cpu_milli != pb.request.cpu_milli) {
        return pa.request.cpu_milli > pb.request.cpu_milli;
      }
      if (pa.request.memory_mib != pb.request.memory_mib) {
        return pa.request.memory_mib > pb.request.memory_mib;
      }
      if (pa.eligible_s != pb.eligible_s) return pa.eligible_s < pb.eligible_s;
      return a < b;
    });
    struct Claim {
      int group;
      Resources used;
      std::vector<int> pods;
      std::vector<int> options;
    };
    std::vector<Claim> claims;
    std::map<int, Resources> free;
    for (int n : s.LiveNodes()) free[n] = FreeOf(s.Nodes()[n]);
    for (int p : queue) {
      auto& pod = s.Pods()[p];
      auto pools = PoolsFor(pod.role, pod.request);
      if (pools.empty()) {
        s.MarkUnschedulable(p,
                            fmt::format("no instance type in the NodePools fits {} mCPU / {} MiB",
                                        pod.request.cpu_milli, pod.request.memory_mib));
        continue;
      }
      // 1. existing nodes, initialized first, lowest index that fits.
      int target = -1;
      for (bool want_ready : {true, false}) {
        for (int n : s.LiveNodes()) {
          auto& node = s.Nodes()[n];
          if (node.ready != want_ready || node.cordoned) continue;
          if (!GroupAccepts(groups_[node.group], pod.role)) continue;
          if (free[n].Fits(pod.request)) {
            target = n;
            break;
          }
        }
        if (target >= 0) break;
      }
      if (target >= 0) {
        free[target] -= pod.request;
        s.Bind(p, target);
        continue;
      }
      // 2. in-flight claims, fewest pods first.
      std::vector<size_t> order(claims.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return claims[a].pods.size() < claims[b].pods.size();
      });
      bool placed = false;
      for (size_t ci : order) {
        auto& c = claims[ci];
        if (std::find(pools.begin(), pools.end(), c.group) == pools.end()) continue;
        if (c.group != pools.front()) continue;  // a pod uses its preferred pool's claims
        Resources want = c.used + pod.request;
        std::vector<int> narrowed;
        for (int t : c.options) {
          if (catalog_.Type(t).allocatable.Fits(want)) narrowed.push_back(t);
        }
        if (narrowed.empty()) continue;
        c.options = std::move(narrowed);
        c.used = want;
        c.pods.push_back(p);
        placed = true;
        break;
      }
      if (placed) continue;
      // 3. a new claim from the first pool with a fitting type.
      Claim c{pools.front(), pod.request, {p}, {}};
      for (int t : groups_[c.group].types) {
        if (catalog_.Type(t).allocatable.Fits(pod.request)) c.options.push_back(t);
      }
      claims.push_back(std::move(c));
    }
    for (auto& c : claims) {
      int type = ChooseOffering(c.group, c.options);
      int node = s.Launch(type, c.group);
      for (int p : c.pods) s.Bind(p, node);
    }
  }

  int ChooseOffering(int group, std::vector<int> options) const {
    CapacityType cap = groups_[group].capacity;
    std::stable_sort(options.begin(), options.end(), [&](int a, int b) {
      return catalog_.Type(a).Price(cap) < catalog_.Type(b).Price(cap);
    });
    if (static_cast<int>(options.size()) > options_.max_instance_types) {
      options.resize(options_.max_instance_types);
    }
    if (cap == CapacityType::kOnDemand) return options.front();
    // price-capacity-optimized: the pools least likely to be interrupted, then the cheapest.
    int best_band = 5;
    for (int t : options) best_band = std::min(best_band, catalog_.Type(t).interruption_band);
    for (int t : options) {
      if (catalog_.Type(t).interruption_band == best_band) return t;
    }
    return options.front();
  }

  bool ConsolidatablePool(int group) const {
    return groups_[group].capacity == CapacityType::kSpot || options_.consolidate_driver_pool;
  }

  // Can the pods of `nodes` all be placed on the other ready nodes? Fills `moves`.
  bool Reschedulable(const SimState& s, const std::vector<int>& nodes,
                     std::vector<std::pair<int, int>>* moves) const {
    std::vector<char> excluded(s.Nodes().size(), 0);
    for (int n : nodes) excluded[n] = 1;
    std::map<int, Resources> free;
    for (int n : s.LiveNodes()) free[n] = FreeOf(s.Nodes()[n]);
    std::vector<int> pods;
    for (int n : nodes) {
      for (int p : s.Nodes()[n].pods) pods.push_back(p);
    }
    std::sort(pods.begin(), pods.end(), [&](int a, int b) {
      return s.Pods()[a].request.cpu_milli > s.Pods()[b].request.cpu_milli ||
             (s.Pods()[a].request.cpu_milli == s.Pods()[b].request.cpu_milli && a < b);
    });
    moves->clear();
    for (int p : pods) {
      auto& pod = s.Pods()[p];
      int target = -1;
      for (int n : s.LiveNodes()) {
        auto& node = s.Nodes()[n];
        if (excluded[n] || !node.ready || node.cordoned) continue;
        if (!GroupAccepts(groups_[node.group], pod.role)) continue;
        if (free[n].Fits(pod.request)) {
          target = n;
          break;
        }
      }
      if (target < 0) return false;
      free[target] -= pod.request;
      moves->emplace_back(p, target);
    }
    return true;
  }

  void Execute(SimState& s, const std::vector<int>& nodes,
               const std::vector<std::pair<int, int>>& moves) {
    for (auto [p, target] : moves) s.Evict(p, true);
    for (auto [p, target] : moves) s.Bind(p, target);
    for (int n : nodes) s.Terminate(n);
  }

  void Consolidate(SimState& s) {
    // Per-pool budget: 10% of the pool's nodes, rounded up.
    std::vector<int> pool_nodes(groups_.size(), 0);
    for (int n : s.LiveNodes()) ++pool_nodes[s.Nodes()[n].group];
    std::vector<int> budget(groups_.size());
    for (size_t g = 0; g < groups_.size(); ++g) {
      budget[g] = Budget(options_.budget_fraction, pool_nodes[g]);
    }
    // Emptiness (consolidateAfter = 0s).
    for (int n : std::vector<int>(s.LiveNodes())) {
      auto& node = s.Nodes()[n];
      if (node.ready && !node.cordoned && node.pods.empty() && budget[node.group] > 0) {
        --budget[node.group];
        s.Terminate(n);
      }
    }
    // Multi-node, then single-node, per consolidatable pool.
    for (size_t g = 0; g < groups_.size(); ++g) {
      if (!ConsolidatablePool(static_cast<int>(g)) || budget[g] <= 0) continue;
      std::vector<int> candidates;
      for (int n : s.LiveNodes()) {
        auto& node = s.Nodes()[n];
        if (node.group == static_cast<int>(g) && node.ready && !node.cordoned &&
            !node.pods.empty()) {
          candidates.push_back(n);
        }
      }
      // SavingsRatio = price / disruption cost (one per pod), descending.
      std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
        double ra = s.Nodes()[a].price_per_hour / static_cast<double>(s.Nodes()[a].pods.size());
        double rb = s.Nodes()[b].price_per_hour / static_cast<double>(s.Nodes()[b].pods.size());
        return ra > rb || (ra == rb && a < b);
      });
      if (static_cast<int>(candidates.size()) > options_.multi_node_candidates) {
        candidates.resize(options_.multi_node_candidates);
      }
      int max_n = std::min<int>(budget[g], static_cast<int>(candidates.size()));
      int lo = 0, hi = max_n;
      std::vector<std::pair<int, int>> moves, best_moves;
      while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        std::vector<int> prefix(candidates.begin(), candidates.begin() + mid);
        if (Reschedulable(s, prefix, &moves)) {
          lo = mid;
          best_moves = moves;
        } else {
          hi = mid - 1;
        }
      }
      if (lo >= 1) {
        std::vector<int> prefix(candidates.begin(), candidates.begin() + lo);
        Execute(s, prefix, best_moves);
        continue;
      }
      for (int c : candidates) {  // single-node
        if (Reschedulable(s, {c}, &moves)) {
          Execute(s, {c}, moves);
          break;
        }
      }
    }
  }

  const Catalog& catalog_;
  std::vector<NodeGroup> groups_;
  KarpenterLikeOptions options_;
  double batch_start_ = -1;
  double last_growth_ = 0;
  size_t last_pending_count_ = 0;
  double next_poll_ = 0;
  uint64_t consolidated_version_ = ~uint64_t{0};
};

// ---------------------------------------------------------------------------------------
// k8s-default: kube-scheduler's default spreading (LeastAllocated), cluster-autoscaler with
// one fixed instance type per node group (FFD estimate, 10 s scan) and scale-down after
// 10 min unneeded. Spark driver and executor pods have no recognised controller, so CA's
// drain simulation refuses to move them: only empty nodes are removed.
class K8sDefaultPolicy : public Policy {
 public:
  K8sDefaultPolicy(const Catalog& catalog, const std::vector<NodeGroup>& groups,
                   K8sDefaultOptions options)
      : catalog_(catalog), groups_(groups), options_(options) {}

  std::string Name() const override { return "k8s-default"; }

  void Step(SimState& s) override {
    if (fixed_type_.empty()) ChooseTypes(s);
    ScheduleSpreading(s);
    if (s.Now() >= next_scan_) {
      next_scan_ = s.Now() + options_.scan_interval_s;
      ScaleUp(s);
      ScaleDown(s);
    }
    if (!s.Pending().empty() || !s.LiveNodes().empty()) s.WakeAt(next_scan_);
  }

 private:
  // One type per group: the configured one, or the smallest m5 that fits the largest pod of
  // the roles the group serves (an operator sizes the group for its biggest executor).
  void ChooseTypes(const SimState& s) {
    fixed_type_.assign(groups_.size(), -1);
    for (size_t g = 0; g < groups_.size(); ++g) {
      bool od = groups_[g].capacity == CapacityType::kOnDemand;
      // The on-demand group serves drivers; the spot group executors.
      Role role = od ? Role::kDriver : Role::kExecutor;
      Resources largest{};
      for (auto& p : s.Pods()) {
        if (p.role != role) continue;
        largest.cpu_milli = std::max(largest.cpu_milli, p.request.cpu_milli);
        largest.memory_mib = std::max(largest.memory_mib, p.request.memory_mib);
      }
      int configured = catalog_.Find(od ? options_.driver_type : options_.executor_type);
      if (configured >= 0 && catalog_.Type(configured).allocatable.Fits(largest)) {
        fixed_type_[g] = configured;
        continue;
      }
      // The smallest m5 that fits the largest pod; if none does, the largest m5.
      int best = -1, largest_m5 = configured;
      for (int t : groups_[g].types) {
        auto& type = catalog_.Type(t);
        if (type.family != "m5") continue;
        if (largest_m5 < 0 || type.vcpu > catalog_.Type(largest_m5).vcpu) largest_m5 = t;
        if (!type.allocatable.Fits(largest)) continue;
        if (best < 0 || type.vcpu < catalog_.Type(best).vcpu) best = t;
      }
      fixed_type_[g] = best >= 0 ? best : largest_m5;
    }
  }

  int GroupFor(const SimPod& pod) const {
    // Drivers to the on-demand group, executors to the spot group.
    for (size_t g = 0; g < groups_.size(); ++g) {
      bool od = groups_[g].capacity == CapacityType::kOnDemand;
      if ((pod.role == Role::kDriver) == od && GroupAccepts(groups_[g], pod.role)) {
        return static_cast<int>(g);
      }
    }
    return -1;
  }

  void ScheduleSpreading(SimState& s) {
    std::vector<int> pending = s.Pending();
    std::sort(pending.begin(), pending.end());
    for (int p : pending) {
      auto& pod = s.Pods()[p];
      int best = -1;
      double best_score = -1;
      for (int n : s.LiveNodes()) {
        auto& node = s.Nodes()[n];
        if (!node.ready || node.cordoned || !GroupAccepts(groups_[node.group], pod.role)) continue;
        Resources f = FreeOf(node);
        if (!f.Fits(pod.request)) continue;
        double score = 0.5 * (static_cast<double>(f.cpu_milli - pod.request.cpu_milli) /
                                  node.allocatable.cpu_milli +
                              static_cast<double>(f.memory_mib - pod.request.memory_mib) /
                                  node.allocatable.memory_mib);
        if (score > best_score) {
          best_score = score;
          best = n;
        }
      }
      if (best >= 0) s.Bind(p, best);
    }
  }

  void ScaleUp(SimState& s) {
    if (s.Pending().empty()) return;
    std::vector<int> pending = s.Pending();
    // Estimator order: cpu/allocCPU + mem/allocMem descending.
    std::vector<std::vector<int>> by_group(groups_.size());
    for (int p : pending) {
      auto& pod = s.Pods()[p];
      int g = GroupFor(pod);
      if (g < 0 || fixed_type_[g] < 0 ||
          !catalog_.Type(fixed_type_[g]).allocatable.Fits(pod.request)) {
        s.MarkUnschedulable(p, fmt::format("no node group's instance type fits {} mCPU / {} MiB",
                                           pod.request.cpu_milli, pod.request.memory_mib));
        continue;
      }
      by_group[g].push_back(p);
    }
    for (size_t g = 0; g < groups_.size(); ++g) {
      if (by_group[g].empty()) continue;
      const Resources alloc = catalog_.Type(fixed_type_[g]).allocatable;
      auto& pods = by_group[g];
      std::sort(pods.begin(), pods.end(), [&](int a, int b) {
        auto key = [&](int p) {
          auto& r = s.Pods()[p].request;
          return static_cast<double>(r.cpu_milli) / alloc.cpu_milli +
                 static_cast<double>(r.memory_mib) / alloc.memory_mib;
        };
        return key(a) > key(b) || (key(a) == key(b) && a < b);
      });
      // Upcoming nodes' capacity first, then new bins.
      std::vector<Resources> bins;
      for (int n : s.LiveNodes()) {
        auto& node = s.Nodes()[n];
        if (node.group == static_cast<int>(g) && !node.ready && !node.cordoned) {
          bins.push_back(FreeOf(node));
        }
      }
      size_t upcoming = bins.size();
      for (int p : pods) {
        auto& r = s.Pods()[p].request;
        bool placed = false;
        for (auto& b : bins) {
          if (b.Fits(r)) {
            b -= r;
            placed = true;
            break;
          }
        }
        if (!placed) bins.push_back(alloc - r);
      }
      for (size_t i = upcoming; i < bins.size(); ++i) s.Launch(fixed_type_[g], static_cast<int>(g));
    }
  }

  void ScaleDown(SimState& s) {
    if (unneeded_since_.size() < s.Nodes().size()) unneeded_since_.resize(s.Nodes().size(), -1);
    int deleted = 0;
    for (int n : std::vector<int>(s.LiveNodes())) {
      auto& node = s.Nodes()[n];
      if (!node.ready || !node.pods.empty()) {
        unneeded_since_[n] = -1;
        continue;
      }
      if (unneeded_since_[n] < 0) unneeded_since_[n] = s.Now();
      if (s.Now() - unneeded_since_[n] >= options_.scale_down_unneeded_s &&
          deleted < options_.max_empty_bulk_delete) {
        s.Terminate(n);
        ++deleted;
      }
    }
  }

  const Catalog& catalog_;
  std::vector<NodeGroup> groups_;
  K8sDefaultOptions options_;
  std::vector<int> fixed_type_;
  std::vector<double> unneeded_since_;
  double next_scan_ = 0;
};

}  // namespace

std::unique_ptr<Policy> MakeSparkplanePolicy(const Catalog& catalog,
                                             const std::vector<NodeGroup>& groups,
                                             SparkplanePolicyOptions options) {
  return std::make_unique<SparkplanePolicy>(catalog, groups, options);
}
std::unique_ptr<Policy> MakeKarpenterLikePolicy(const Catalog& catalog,
                                                const std::vector<NodeGroup>& groups,
                                                KarpenterLikeOptions options) {
  return std::make_unique<KarpenterLikePolicy>(catalog, groups, options);
}
std::unique_ptr<Policy> MakeK8sDefaultPolicy(const Catalog& catalog,
                                             const std::vector<NodeGroup>& groups,
                                             K8sDefaultOptions options) {
  return std::make_unique<K8sDefaultPolicy>(catalog, groups, options);
}

const std::vector<std::string>& PolicyNames() {
  static const auto* names =
      new std::vector<std::string>{"sparkplane", "karpenter-like", "k8s-default"};
  return *names;
}

Result<std::unique_ptr<Policy>> MakePolicy(std::string_view name, const Catalog& catalog,
                                           const std::vector<NodeGroup>& groups,
                                           const SparkplanePolicyOptions& sparkplane_options) {
  if (name == "sparkplane") return MakeSparkplanePolicy(catalog, groups, sparkplane_options);
  if (name == "karpenter-like") return MakeKarpenterLikePolicy(catalog, groups);
  if (name == "k8s-default") return MakeK8sDefaultPolicy(catalog, groups);
  return Fail(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown policy '{}' (sparkplane, k8s-default, karpenter-like, all)", name));
}

}  // namespace sparkplane::fleet
