#include "fleet/lower_bound.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

namespace sparkplane::fleet {

double SolveCoveringLp(const std::vector<std::vector<double>>& columns,
                       const std::vector<double>& costs, const std::vector<double>& demand) {
  // Revised simplex with Big-M artificials on A x − s + a = b. m ≤ 4, so the basis inverse
  // is a dense 4×4 recomputed by Gauss–Jordan after each pivot.
  const int m = static_cast<int>(demand.size());
  const int n = static_cast<int>(columns.size());
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (m == 0) return 0;
  bool any = false;
  for (double d : demand) any |= d > 1e-12;
  if (!any) return 0;
  double max_cost = 1;
  for (double c : costs) max_cost = std::max(max_cost, c);
  const double big_m = 1e6 * max_cost;
  // Column layout: [0,n) structural, [n,n+m) surplus (−e_i), [n+m,n+2m) artificial (+e_i).
  auto col = [&](int j, int i) -> double {
    if (j < n) return columns[j][i];
    if (j < n + m) return (j - n == i) ? -1.0 : 0.0;
    return (j - n - m == i) ? 1.0 : 0.0;
  };
  auto cost = [&](int j) -> double {
    if (j < n) return costs[j];
    if (j < n + m) return 0.0;
    return big_m;
  };
  std::array<int, 4> basis{};
  for (int i = 0; i < m; ++i) basis[i] = n + m + i;
  std::array<double, 4> x{};
  for (int i = 0; i < m; ++i) x[i] = demand[i];
  double inv[4][4] = {};
  auto recompute_inverse = [&]() -> bool {
    double a[4][8] = {};
    for (int i = 0; i < m; ++i) {
      for (int k = 0; k < m; ++k) a[i][k] = col(basis[k], i);
      a[i][m + i] = 1;
    }
    for (int c = 0; c < m; ++c) {
      int piv = c;
      for (int r = c + 1; r < m; ++r) {
        if (std::fabs(a[r][c]) > std::fabs(a[piv][c])) piv = r;
      }
      if (std::fabs(a[piv][c]) < 1e-12) return false;
      for (int k = 0; k < 2 * m; ++k) std::swap(a[c][k], a[piv][k]);
      double d = a[c][c];
      for (int k = 0; k < 2 * m; ++k) a[c][k] /= d;
      for (int r = 0; r < m; ++r) {
        if (r == c || a[r][c] == 0) continue;
        double f = a[r][c];
        for (int k = 0; k < 2 * m; ++k) a[r][k] -= f * a[c][k];
      }
    }
    for (int i = 0; i < m; ++i) {
      for (int k = 0; k < m; ++k) inv[i][k] = a[i][m + k];
    }
    return true;
  };
  recompute_inverse();
  for (int iter = 0; iter < 200; ++iter) {
    // Duals π = c_B B⁻¹.
    double pi[4] = {};
    for (int k = 0; k < m; ++k) {
      for (int i = 0; i < m; ++i) pi[k] += cost(basis[i]) * inv[i][k];
    }
    // Dantzig's rule; after 100 iterations Bland's (first improving column) to rule out
    // cycling on degenerate vertices.
    int entering = -1;
    double best = -1e-9;
    bool bland = iter > 100;
    for (int j = 0; j < n + m; ++j) {  // artificials never re-enter
      double rc = cost(j);
      for (int i = 0; i < m; ++i) rc -= pi[i] * col(j, i);
      if (rc < best) {
        best = rc;
        entering = j;
        if (bland) break;
      }
    }
    if (entering < 0) break;
    double d[4] = {};
    for (int i = 0; i < m; ++i) {
      for (int k = 0; k < m; ++k) d[i] += inv[i][k] * col(entering, k);
    }
    int leaving = -1;
    double ratio = kInf;
    for (int i = 0; i < m; ++i) {
      if (d[i] > 1e-12) {
        double r = x[i] / d[i];
        if (r < ratio - 1e-15) {
          ratio = r;
          leaving = i;
        }
      }
    }
    if (leaving < 0) return -kInf;  // unbounded: impossible with non-negative costs
    for (int i = 0; i < m; ++i) x[i] -= ratio * d[i];
    x[leaving] = ratio;
    basis[leaving] = entering;
    if (!recompute_inverse()) return kInf;
    // Recompute x = B⁻¹ b for numerical hygiene.
    for (int i = 0; i < m; ++i) {
      x[i] = 0;
      for (int k = 0; k < m; ++k) x[i] += inv[i][k] * demand[k];
    }
  }
  double value = 0;
  for (int i = 0; i < m; ++i) {
    if (basis[i] >= n + m && x[i] > 1e-7) return kInf;  // artificial still carries demand
    value += cost(basis[i]) * std::max(0.0, x[i]);
  }
  return value;
}

LowerBoundModel::LowerBoundModel(const Catalog& catalog, const std::vector<int>& on_demand_types,
                                 const std::vector<int>& spot_types) {
  std::vector<Column> all;
  for (int t : on_demand_types) {
    auto& type = catalog.Type(t);
    all.push_back({type.ondemand_usd_per_hour, type.allocatable.cpu_milli / 1000.0,
                   type.allocatable.memory_mib / 1024.0, true});
  }
  for (int t : spot_types) {
    auto& type = catalog.Type(t);
    all.push_back({type.spot_usd_per_hour, type.allocatable.cpu_milli / 1000.0,
                   type.allocatable.memory_mib / 1024.0, false});
  }
  // Drop dominated columns: an on-demand column is dominated only by on-demand columns (it
  // covers the on-demand rows); a spot column by any column.
  for (size_t j = 0; j < all.size(); ++j) {
    bool dominated = false;
    for (size_t k = 0; k < all.size() && !dominated; ++k) {
      if (k == j) continue;
      if (all[j].on_demand && !all[k].on_demand) continue;
      double cj = all[j].cpu / all[j].cost, mj = all[j].mem / all[j].cost;
      double ck = all[k].cpu / all[k].cost, mk = all[k].mem / all[k].cost;
      bool ge = ck >= cj && mk >= mj;
      bool strict = ck > cj || mk > mj || k < j;
      dominated = ge && strict;
    }
    if (!dominated) columns_.push_back(all[j]);
  }
}

double LowerBoundModel::CostPerHour(const Resources& od, const Resources& flex) const {
  auto key = std::make_tuple(od.cpu_milli, od.memory_mib, flex.cpu_milli, flex.memory_mib);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::vector<std::vector<double>> cols;
  std::vector<double> costs;
  cols.reserve(columns_.size());
  bool need_od = od.cpu_milli > 0 || od.memory_mib > 0;
  for (auto& c : columns_) {
    if (need_od) {
      cols.push_back({c.on_demand ? c.cpu : 0.0, c.on_demand ? c.mem : 0.0, c.cpu, c.mem});
    } else {
      cols.push_back({c.cpu, c.mem});
    }
    costs.push_back(c.cost);
  }
  Resources total = od + flex;
  std::vector<double> demand;
  if (need_od) {
    demand = {od.cpu_milli / 1000.0, od.memory_mib / 1024.0, total.cpu_milli / 1000.0,
              total.memory_mib / 1024.0};
  } else {
    demand = {total.cpu_milli / 1000.0, total.memory_mib / 1024.0};
  }
  double v = SolveCoveringLp(cols, costs, demand);
  if (cache_.size() < 1'000'000) cache_.emplace(key, v);
  return v;
}

LowerBoundResult ComputeLowerBound(const Trace& trace, const LowerBoundModel& model,
                                   const Catalog& catalog, const std::vector<int>& on_demand_types,
                                   const std::vector<int>& spot_types) {
  auto fits_any = [&](const Resources& r, const std::vector<int>& types) {
    for (int t : types) {
      if (catalog.Type(t).allocatable.Fits(r)) return true;
    }
    return false;
  };
  auto driver_start = DriverRequestTimes(trace);
  struct Delta {
    double t;
    Resources od, flex;
  };
  std::vector<Delta> deltas;
  LowerBoundResult result;
  for (auto& p : trace.pods) {
    bool on_demand_only = p.role == Role::kDriver;
    bool ok = on_demand_only ? fits_any(p.request, on_demand_types)
                             : fits_any(p.request, on_demand_types) || fits_any(p.request, spot_types);
    if (!ok) {
      ++result.unschedulable_pods;
      continue;
    }
    double start = p.request_s;
    if (p.role == Role::kExecutor) {
      if (auto it = driver_start.find(p.app_id); it != driver_start.end()) {
        start = std::max(start, it->second);
      }
    }
    Resources zero{};
    Resources neg{-p.request.cpu_milli, -p.request.memory_mib};
    result.per_pod_usd += (on_demand_only ? model.CostPerHour(p.request, {})
                                          : model.CostPerHour({}, p.request)) *
                          p.duration_s / 3600.0;
    if (on_demand_only) {
      deltas.push_back({start, p.request, zero});
      deltas.push_back({start + p.duration_s, neg, zero});
    } else {
      deltas.push_back({start, zero, p.request});
      deltas.push_back({start + p.duration_s, zero, neg});
    }
  }
  std::sort(deltas.begin(), deltas.end(), [](const Delta& a, const Delta& b) { return a.t < b.t; });
  Resources od{}, flex{};
  for (size_t i = 0; i < deltas.size();) {
    double t = deltas[i].t;
    while (i < deltas.size() && deltas[i].t == t) {
      od += deltas[i].od;
      flex += deltas[i].flex;
      ++i;
    }
    if (i < deltas.size()) {
      double dt = deltas[i].t - t;
      double rate = 0;
      if (dt > 0 && (od.cpu_milli > 0 || flex.cpu_milli > 0 || od.memory_mib > 0 ||
                     flex.memory_mib > 0)) {
        rate = model.CostPerHour(od, flex);
        result.usd += rate * dt / 3600.0;
        result.any_capacity_usd += model.CostPerHour({}, od + flex) * dt / 3600.0;
      }
      if (dt > 0) result.rate.emplace_back(t, rate);
    } else {
      result.rate.emplace_back(t, 0.0);
    }
  }
  return result;
}

namespace {

// Instance types that are not dominated (another type as cheap or cheaper with at least as
// much of both resources), cheapest first.
struct NodeOffer {
  double price;
  Resources allocatable;
};
std::vector<NodeOffer> ParetoOffers(const Catalog& catalog, const std::vector<int>& types,
                                    CapacityType capacity) {
  std::vector<NodeOffer> all;
  for (int t : types) all.push_back({catalog.Type(t).Price(capacity), catalog.Type(t).allocatable});
  std::sort(all.begin(), all.end(), [](const NodeOffer& a, const NodeOffer& b) {
    return a.price < b.price ||
           (a.price == b.price && a.allocatable.cpu_milli + a.allocatable.memory_mib >
                                      b.allocatable.cpu_milli + b.allocatable.memory_mib);
  });
  std::vector<NodeOffer> out;
  for (auto& o : all) {
    bool dominated = false;
    for (auto& kept : out) dominated |= kept.allocatable.Fits(o.allocatable);
    if (!dominated) out.push_back(o);
  }
  return out;
}

double CheapestCover(const std::vector<NodeOffer>& offers, const Resources& r) {
  for (auto& o : offers) {
    if (o.allocatable.Fits(r)) return o.price;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace

IntegralBoundResult ComputeIntegralBound(const Trace& trace, const LowerBoundModel& model,
                                         const Catalog& catalog,
                                         const std::vector<int>& on_demand_types,
                                         const std::vector<int>& spot_types, int max_exact_pods) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // Executors may use either capacity type: their offers are both lists' Pareto front.
  std::vector<NodeOffer> driver_offers =
      ParetoOffers(catalog, on_demand_types, CapacityType::kOnDemand);
  std::vector<NodeOffer> any_offers = driver_offers;
  for (auto& o : ParetoOffers(catalog, spot_types, CapacityType::kSpot)) any_offers.push_back(o);
  std::sort(any_offers.begin(), any_offers.end(),
            [](const NodeOffer& a, const NodeOffer& b) { return a.price < b.price; });
  auto driver_start = DriverRequestTimes(trace);
  struct Change {
    double t;
    int pod;
    bool start;
  };
  std::vector<Change> changes;
  for (int i = 0; i < static_cast<int>(trace.pods.size()); ++i) {
    auto& p = trace.pods[i];
    bool driver = p.role == Role::kDriver;
    if (std::isinf(CheapestCover(driver ? driver_offers : any_offers, p.request))) continue;
    double start = p.request_s;
    if (auto it = driver_start.find(p.app_id); !driver && it != driver_start.end()) {
      start = std::max(start, it->second);
    }
    changes.push_back({start, i, true});
    changes.push_back({start + p.duration_s, i, false});
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.t < b.t; });
  // Running pods as sorted (is driver, cpu, memory); the optimum of a multiset is cached.
  using Pod = std::tuple<bool, int64_t, int64_t>;
  std::map<int, Pod> running;
  std::map<std::vector<Pod>, double> cache;
  IntegralBoundResult result;
  double busy_s = 0, exact_s = 0;
  for (size_t i = 0; i < changes.size();) {
    const double t = changes[i].t;
    for (; i < changes.size() && changes[i].t == t; ++i) {
      auto& p = trace.pods[changes[i].pod];
      if (changes[i].start) {
        running[changes[i].pod] = {p.role == Role::kDriver, p.request.cpu_milli,
                                   p.request.memory_mib};
      } else {
        running.erase(changes[i].pod);
      }
    }
    if (i == changes.size() || running.empty()) continue;
    const double dt = changes[i].t - t;
    if (dt <= 0) continue;
    busy_s += dt;
    std::vector<Pod> pods;
    Resources od{}, flex{};
    for (auto& [id, pod] : running) {
      pods.push_back(pod);
      (std::get<0>(pod) ? od : flex) += Resources{std::get<1>(pod), std::get<2>(pod)};
    }
    double lp = model.CostPerHour(od, flex);
    double rate = lp;
    const int n = static_cast<int>(pods.size());
    if (n <= max_exact_pods) {
      exact_s += dt;
      std::sort(pods.begin(), pods.end());
      auto it = cache.find(pods);
      if (it == cache.end()) {
        // best[mask] = cheapest whole-node fleet for the pods in mask; a node's pods are a
        // subset holding the lowest pod left, priced at the cheapest type covering their sum.
        const int full = (1 << n) - 1;
        std::vector<double> node(full + 1, kInf), best(full + 1, kInf);
        for (int mask = 1; mask <= full; ++mask) {
          Resources sum{};
          bool driver = false;
          for (int k = 0; k < n; ++k) {
            if (mask >> k & 1) {
              sum += Resources{std::get<1>(pods[k]), std::get<2>(pods[k])};
              driver |= std::get<0>(pods[k]);
            }
          }
          node[mask] = CheapestCover(driver ? driver_offers : any_offers, sum);
        }
        best[0] = 0;
        for (int mask = 1; mask <= full; ++mask) {
          const int lowest = mask & -mask;
          for (int sub = mask; sub; sub = (sub - 1) & mask) {
            if ((sub & lowest) && node[sub] < kInf) {
              best[mask] = std::min(best[mask], node[sub] + best[mask ^ sub]);
            }
          }
        }
        if (cache.size() > 100'000) cache.clear();
        it = cache.emplace(pods, std::max(best[full], lp)).first;
      }
      rate = it->second;
    }
    result.usd += rate * dt / 3600.0;
  }
  result.exact_share = busy_s > 0 ? exact_s / busy_s : 1;
  return result;
}

}  // namespace sparkplane::fleet
