#include "fleet/scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace sparkplane::fleet {
namespace {

// Pod is CPU-dominant when it asks for at least 1 core per 4 GiB (the m5 ratio).
bool CpuDominant(const Resources& r) { return r.cpu_milli * 4096 >= r.memory_mib * 1000; }

// Nodes of one (group, readiness) class, indexed by free CPU and by free memory so best fit
// on either dominant resource is a lower_bound plus a short scan.
class FitIndex {
 public:
  void Insert(int node, const Resources& free) {
    by_cpu_.insert({free.cpu_milli, free.memory_mib, node});
    by_mem_.insert({free.memory_mib, free.cpu_milli, node});
  }
  void Erase(int node, const Resources& free) {
    by_cpu_.erase({free.cpu_milli, free.memory_mib, node});
    by_mem_.erase({free.memory_mib, free.cpu_milli, node});
  }
  int BestFit(const Resources& r, int scan_limit) const {
    bool cpu_first = CpuDominant(r);
    int n = Scan(cpu_first ? by_cpu_ : by_mem_, cpu_first ? r.cpu_milli : r.memory_mib,
                 cpu_first ? r.memory_mib : r.cpu_milli, scan_limit);
    if (n >= 0) return n;
    return Scan(cpu_first ? by_mem_ : by_cpu_, cpu_first ? r.memory_mib : r.cpu_milli,
                cpu_first ? r.cpu_milli : r.memory_mib, scan_limit);
  }
  bool Empty() const { return by_cpu_.empty(); }

 private:
  using Key = std::tuple<int64_t, int64_t, int>;
  static int Scan(const std::set<Key>& s, int64_t first, int64_t second, int limit) {
    int seen = 0;
    for (auto it = s.lower_bound({first, std::numeric_limits<int64_t>::min(), -1});
         it != s.end() && seen < limit; ++it, ++seen) {
      if (std::get<1>(*it) >= second) return std::get<2>(*it);
    }
    return -1;
  }
  std::set<Key> by_cpu_;
  std::set<Key> by_mem_;
};

}  // namespace

Scheduler::Scheduler(const Catalog& catalog, std::vector<NodeGroup> groups,
                     SchedulerOptions options)
    : catalog_(catalog), groups_(std::move(groups)), options_(options) {
  for (size_t g = 0; g < groups_.size(); ++g) {
    Resources mx{};
    for (int t : groups_[g].types) {
      mx.cpu_milli = std::max(mx.cpu_milli, catalog_.Type(t).allocatable.cpu_milli);
      mx.memory_mib = std::max(mx.memory_mib, catalog_.Type(t).allocatable.memory_mib);
    }
    group_max_.push_back(mx);
    bool od = groups_[g].capacity == CapacityType::kOnDemand;
    group_lp_.push_back(
        std::make_unique<LowerBoundModel>(catalog_, od ? groups_[g].types : std::vector<int>{},
                                          od ? std::vector<int>{} : groups_[g].types));
    auto sorted = groups_[g].types;
    std::stable_sort(sorted.begin(), sorted.end(), [&](int a, int b) {
      return EffectivePrice(a, static_cast<int>(g)) < EffectivePrice(b, static_cast<int>(g));
    });
    types_by_price_.push_back(std::move(sorted));
  }
}

Scheduler::~Scheduler() = default;

double Scheduler::EffectivePrice(int type, int group) const {
  auto& t = catalog_.Type(type);
  if (groups_[group].capacity == CapacityType::kOnDemand) return t.ondemand_usd_per_hour;
  return t.spot_usd_per_hour * (1.0 + t.interruptions_per_hour * options_.interruption_cost_hours);
}

bool Scheduler::GroupFits(int group, const Resources& request) const {
  if (!group_max_[group].Fits(request)) return false;
  for (int t : groups_[group].types) {
    if (catalog_.Type(t).allocatable.Fits(request)) return true;
  }
  return false;
}

int Scheduler::CheapestFitting(int group, const Resources& request) const {
  if (!group_max_[group].Fits(request)) return -1;
  for (int t : types_by_price_[group]) {
    if (catalog_.Type(t).allocatable.Fits(request)) return t;
  }
  return -1;
}

double Scheduler::Weight(int group, const Resources& r) {
  return group_lp_[group]->CostPerHour({}, r);
}

std::vector<NewNode> Scheduler::PlanNodes(int group, std::span<const PodView> pods,
                                          std::span<const int> indices, int headroom_units,
                                          Resources headroom_unit) {
  // Group identical shapes; pods of a shape are handed out in index order.
  struct Shape {
    Resources request;
    double weight = 0;
    std::vector<int> pods;  // -1 marks a headroom slot
    size_t next = 0;
    int64_t Remaining() const { return static_cast<int64_t>(pods.size() - next); }
  };
  std::map<std::pair<int64_t, int64_t>, size_t> shape_of;
  std::vector<Shape> shapes;
  auto add = [&](const Resources& r, int pod) {
    auto key = std::make_pair(r.cpu_milli, r.memory_mib);
    auto it = shape_of.find(key);
    if (it == shape_of.end()) {
      it = shape_of.emplace(key, shapes.size()).first;
      shapes.push_back({r, Weight(group, r), {}, 0});
    }
    shapes[it->second].pods.push_back(pod);
  };
  for (int i : indices) add(pods[i].request, i);
  for (int k = 0; k < headroom_units; ++k) add(headroom_unit, -1);
  std::sort(shapes.begin(), shapes.end(), [](const Shape& a, const Shape& b) {
    return a.weight > b.weight || (a.weight == b.weight && a.request > b.request);
  });
  std::vector<NewNode> out;
  std::vector<int64_t> take(shapes.size());
  std::vector<int64_t> best_take(shapes.size());
  while (true) {
    bool any = false;
    for (auto& s : shapes) any |= s.Remaining() > 0;
    if (!any) break;
    int best_type = -1;
    double best_score = std::numeric_limits<double>::infinity();
    for (int t : types_by_price_[group]) {
      Resources free = catalog_.Type(t).allocatable;
      double packed = 0;
      for (size_t s = 0; s < shapes.size(); ++s) {
        auto& sh = shapes[s];
        int64_t k = sh.Remaining();
        if (k > 0 && sh.request.cpu_milli > 0) {
          k = std::min(k, free.cpu_milli / sh.request.cpu_milli);
        }
        if (k > 0 && sh.request.memory_mib > 0) {
          k = std::min(k, free.memory_mib / sh.request.memory_mib);
        }
        k = std::max<int64_t>(k, 0);
        take[s] = k;
        free.cpu_milli -= k * sh.request.cpu_milli;
        free.memory_mib -= k * sh.request.memory_mib;
        packed += static_cast<double>(k) * sh.weight;
      }
      if (packed <= 0) continue;
      double score = EffectivePrice(t, group) / packed;
      // Types are visited cheapest first, so a tie keeps the smaller node.
      if (score < best_score * (1 - 1e-9)) {
        best_score = score;
        best_type = t;
        best_take = take;
      }
    }
    if (best_type < 0) break;  // nothing left fits any type (callers pre-filter)
    int64_t reps = std::numeric_limits<int64_t>::max();
    for (size_t s = 0; s < shapes.size(); ++s) {
      if (best_take[s] > 0) reps = std::min(reps, shapes[s].Remaining() / best_take[s]);
    }
    for (int64_t r = 0; r < reps; ++r) {
      NewNode node{best_type, group, {}};
      for (size_t s = 0; s < shapes.size(); ++s) {
        for (int64_t k = 0; k < best_take[s]; ++k) {
          int pod = shapes[s].pods[shapes[s].next++];
          if (pod >= 0) node.pods.push_back(pod);
        }
      }
      out.push_back(std::move(node));
    }
  }
  return out;
}

PassResult Scheduler::Pass(std::span<const NodeView> nodes, std::span<const PodView> pending,
                           std::span<const HeadroomNeed> headroom) {
  PassResult result;
  const int num_groups = static_cast<int>(groups_.size());
  std::vector<FitIndex> ready(num_groups), booting(num_groups);
  std::vector<Resources> free(nodes.size());
  for (size_t n = 0; n < nodes.size(); ++n) {
    free[n] = nodes[n].free;
    if (!nodes[n].schedulable) continue;
    (nodes[n].ready ? ready : booting)[nodes[n].group].Insert(static_cast<int>(n), free[n]);
  }
  std::vector<std::vector<int>> role_groups = {GroupsForRole(groups_, Role::kDriver),
                                               GroupsForRole(groups_, Role::kExecutor)};
  // Drivers first (an app cannot start without one), then larger pods first.
  std::vector<int> order(pending.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  auto size_key = [&](int i) {
    auto& r = pending[i].request;
    return static_cast<double>(r.cpu_milli) / 1000.0 + static_cast<double>(r.memory_mib) / 4096.0;
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    bool da = pending[a].role == Role::kDriver, db = pending[b].role == Role::kDriver;
    if (da != db) return da;
    return size_key(a) > size_key(b);
  });
  std::vector<std::vector<int>> to_provision(num_groups);
  // Groups are a strict preference: a pod uses the first group that can host its shape at
  // all (existing nodes, ready before booting, then new nodes there); later groups are only a
  // fallback. Executors therefore leave on-demand driver nodes alone unless no spot type fits.
  std::map<std::tuple<int, int64_t, int64_t>, bool> group_fits;
  auto fits = [&](int g, const Resources& r) {
    auto key = std::make_tuple(g, r.cpu_milli, r.memory_mib);
    auto it = group_fits.find(key);
    if (it == group_fits.end()) it = group_fits.emplace(key, GroupFits(g, r)).first;
    return it->second;
  };
  // Free space only shrinks during a pass, so a shape that found no node never will.
  std::set<std::tuple<int, int64_t, int64_t>> no_fit;
  std::set<int> drivers_placed;  // apps whose driver got a node in this pass
  for (int i : order) {
    auto& groups = role_groups[pending[i].role == Role::kDriver ? 0 : 1];
    const Resources& req = pending[i].request;
    if (pending[i].role == Role::kExecutor && !pending[i].driver_placed &&
        !drivers_placed.count(pending[i].app)) {
      result.deferred.push_back(i);
      continue;
    }
    int target = -1;
    for (int g : groups) {
      if (fits(g, req)) {
        target = g;
        break;
      }
    }
    if (target < 0) {
      result.unschedulable.push_back(i);
      continue;
    }
    auto shape = std::make_tuple(target, req.cpu_milli, req.memory_mib);
    int node = -1;
    if (!no_fit.count(shape)) {
      for (auto* index : {&ready, &booting}) {
        if ((*index)[target].Empty()) continue;
        node = (*index)[target].BestFit(req, options_.best_fit_scan_limit);
        if (node >= 0) {
          (*index)[target].Erase(node, free[node]);
          free[node] -= req;
          (*index)[target].Insert(node, free[node]);
          break;
        }
      }
    }
    if (node >= 0) {
      result.placements.emplace_back(i, node);
    } else {
      no_fit.insert(shape);
      to_provision[target].push_back(i);
    }
    if (pending[i].role == Role::kDriver) drivers_placed.insert(pending[i].app);
  }
  for (int g = 0; g < num_groups; ++g) {
    int units = g < static_cast<int>(headroom.size()) ? headroom[g].units : 0;
    Resources unit = g < static_cast<int>(headroom.size()) ? headroom[g].unit : Resources{};
    if (units > 0 && !GroupFits(g, unit)) units = 0;
    if (to_provision[g].empty() && units == 0) continue;
    auto planned = PlanNodes(g, pending, to_provision[g], units, unit);
    for (auto& n : planned) result.launches.push_back(std::move(n));
  }
  return result;
}

double RepackEstimateUsd(const Trace& trace, Scheduler& scheduler, const Catalog& catalog) {
  const auto& groups = scheduler.Groups();
  auto driver_start = DriverRequestTimes(trace);
  struct Change {
    double t;
    int group;
    Resources request;
    int delta;
  };
  std::vector<Change> changes;
  for (auto& p : trace.pods) {
    int group = -1;
    for (int g : GroupsForRole(groups, p.role)) {
      if (scheduler.GroupFits(g, p.request)) {
        group = g;
        break;
      }
    }
    if (group < 0) continue;  // reported unschedulable elsewhere
    double start = p.request_s;
    if (auto it = driver_start.find(p.app_id);
        p.role == Role::kExecutor && it != driver_start.end()) {
      start = std::max(start, it->second);
    }
    changes.push_back({start, group, p.request, 1});
    changes.push_back({start + p.duration_s, group, p.request, -1});
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.t < b.t; });
  // Running pods per (group, cpu, memory); the packing of a multiset is cached.
  std::map<std::tuple<int, int64_t, int64_t>, int> running;
  std::map<std::vector<std::pair<std::tuple<int, int64_t, int64_t>, int>>, double> cache;
  double usd = 0;
  for (size_t i = 0; i < changes.size();) {
    const double t = changes[i].t;
    for (; i < changes.size() && changes[i].t == t; ++i) {
      auto key = std::make_tuple(changes[i].group, changes[i].request.cpu_milli,
                                 changes[i].request.memory_mib);
      if ((running[key] += changes[i].delta) == 0) running.erase(key);
    }
    if (i == changes.size() || running.empty()) continue;
    std::vector<std::pair<std::tuple<int, int64_t, int64_t>, int>> state(running.begin(),
                                                                         running.end());
    auto it = cache.find(state);
    if (it == cache.end()) {
      double rate = 0;
      for (size_t g = 0; g < groups.size(); ++g) {
        std::vector<PodView> pods;
        for (auto& [shape, count] : state) {
          if (std::get<0>(shape) != static_cast<int>(g)) continue;
          for (int k = 0; k < count; ++k) {
            pods.push_back({{std::get<1>(shape), std::get<2>(shape)}, Role::kExecutor});
          }
        }
        if (pods.empty()) continue;
        std::vector<int> indices(pods.size());
        for (size_t k = 0; k < pods.size(); ++k) indices[k] = static_cast<int>(k);
        for (auto& node : scheduler.PlanNodes(static_cast<int>(g), pods, indices)) {
          rate += catalog.Type(node.type).Price(groups[g].capacity);
        }
      }
      if (cache.size() > 200'000) cache.clear();
      it = cache.emplace(std::move(state), rate).first;
    }
    usd += it->second * (changes[i].t - t) / 3600.0;
  }
  return usd;
}

}  // namespace sparkplane::fleet
