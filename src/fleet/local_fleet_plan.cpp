#include "fleet/local_fleet_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sparkplane::fleet {
namespace {

std::vector<NodeGroup> OneGroup(const Catalog& catalog) {
  NodeGroup group;
  group.name = "local-workers";
  group.capacity = CapacityType::kOnDemand;
  for (int t = 0; t < catalog.Size(); ++t) group.types.push_back(t);
  group.accepts_drivers = false;
  group.accepts_executors = true;
  return {group};
}

int64_t Cores(const Resources& r) { return r.cpu_milli / 1000; }

}  // namespace

Resources ExecutorRequest(const runtime::AppDemand& d) {
  return {static_cast<int64_t>(d.executor_cores) * 1000, d.executor_memory_mib};
}
Resources DriverRequest(const runtime::AppDemand& d) {
  return {static_cast<int64_t>(d.driver_cores) * 1000, d.driver_memory_mib};
}

LocalFleetPlanner::LocalFleetPlanner(std::vector<InstanceType> shapes, PlanLimits limits)
    : catalog_(std::move(shapes)), limits_(limits), scheduler_(catalog_, OneGroup(catalog_)) {
  for (auto& t : catalog_.Types()) {
    largest_.cpu_milli = std::max(largest_.cpu_milli, t.allocatable.cpu_milli);
    largest_.memory_mib = std::max(largest_.memory_mib, t.allocatable.memory_mib);
  }
}

Status LocalFleetPlanner::CheckRunnable(const runtime::AppDemand& demand) const {
  Resources executor = ExecutorRequest(demand);
  Resources driver = DriverRequest(demand);
  if (!scheduler_.GroupFits(0, executor)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("an executor of {} cores and {} MiB fits no worker shape (the largest "
                            "has {} cores and {} MiB); ask for a smaller executor or configure "
                            "larger shapes with --fleet-shapes",
                            demand.executor_cores, demand.executor_memory_mib, Cores(largest_),
                            largest_.memory_mib),
                {"executor"});
  }
  if (!limits_.max.Fits(driver + executor)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the driver ({} cores, {} MiB) plus one executor ({} cores, {} MiB) "
                            "exceed this host's limit of {} cores and {} MiB (--fleet-max-cores, "
                            "--fleet-max-memory)",
                            demand.driver_cores, demand.driver_memory_mib, demand.executor_cores,
                            demand.executor_memory_mib, Cores(limits_.max), limits_.max.memory_mib),
                {"executor"});
  }
  return Ok();
}

std::pair<int, std::string> LocalFleetPlanner::Target(const runtime::AppDemand& demand) const {
  Resources executor = ExecutorRequest(demand);
  Resources budget = limits_.max - DriverRequest(demand);
  if (executor.cpu_milli <= 0 || executor.memory_mib <= 0 || budget.cpu_milli < 0 ||
      budget.memory_mib < 0) {
    return {0, "the driver alone exceeds the host limit"};
  }
  int64_t by_cpu = budget.cpu_milli / executor.cpu_milli;
  int64_t by_memory = budget.memory_mib / executor.memory_mib;
  int fit = static_cast<int>(std::min<int64_t>({demand.executors, by_cpu, by_memory}));
  if (fit >= demand.executors) return {demand.executors, ""};
  return {fit, fmt::format("started with {} of {} executors: the host limit ({} cores, {} MiB, "
                           "the driver included) holds no more",
                           fit, demand.executors, Cores(limits_.max), limits_.max.memory_mib)};
}

PlanOutput LocalFleetPlanner::Plan(const PlanInput& in) {
  PlanOutput out;
  std::vector<NodeView> views;
  std::vector<std::string> ids;  // per view; empty for workers planned in this pass
  std::vector<bool> claimed;
  Resources host_used;
  for (auto& n : in.nodes) {
    const auto& shape = catalog_.Type(n.shape).allocatable;
    views.push_back({0, shape - n.used, n.ready, !n.draining});
    ids.push_back(n.id);
    claimed.push_back(false);
    host_used += shape;  // a draining worker holds its room until it is gone
  }
  for (auto& r : in.running) host_used += DriverRequest(r.demand);

  // Starts the planned workers that the host limit allows (a smaller shape when the planned one
  // does not fit the room left) and adds them as booting nodes; returns false if any was cut.
  auto launch = [&](const PassResult& pass, std::span<const PodView> pods, std::string_view why) {
    bool all = true;
    for (auto& planned : pass.launches) {
      int type = planned.type;
      Resources room = limits_.max - host_used;
      if (!room.Fits(catalog_.Type(type).allocatable)) {
        type = -1;
        Resources need = planned.pods.empty() ? Resources{1000, 1} : pods[planned.pods[0]].request;
        for (int t = 0; t < catalog_.Size(); ++t) {
          const auto& a = catalog_.Type(t).allocatable;
          if (room.Fits(a) && a.Fits(need) && (type < 0 || catalog_.Type(type).allocatable < a))
            type = t;
        }
        all = false;
        if (type < 0) continue;
      }
      Resources free = catalog_.Type(type).allocatable;
      for (int p : planned.pods) {
        if (free.Fits(pods[p].request)) free -= pods[p].request;
      }
      host_used += catalog_.Type(type).allocatable;
      out.launch.push_back(type);
      out.launch_reasons.emplace_back(why);
      views.push_back({0, free, false, true});
      ids.push_back("");
      claimed.push_back(true);
    }
    return all;
  };
  auto commit = [&](const PassResult& pass, std::span<const PodView> pods,
                    std::map<std::string, int>* placement) {
    for (auto [pod, node] : pass.placements) {
      views[node].free -= pods[pod].request;
      claimed[node] = true;
      if (placement && views[node].ready && !ids[node].empty()) ++(*placement)[ids[node]];
    }
  };

  // Executors of running apps whose worker was lost go first: the fleet replaces that capacity.
  for (auto& r : in.running) {
    if (r.unplaced <= 0) continue;
    std::vector<PodView> pods(r.unplaced, PodView{ExecutorRequest(r.demand), Role::kExecutor});
    auto pass = scheduler_.Pass(views, pods);
    std::map<std::string, int> placement;
    commit(pass, pods, &placement);
    if (!placement.empty()) out.replaced[r.id] = placement;
    launch(pass, pods, "lost executors");
  }

  for (auto& app : in.pending) {
    auto [target, note] = Target(app.demand);
    if (target <= 0) {
      out.waiting.push_back(fmt::format("{}: {}", app.id, note));
      continue;
    }
    Resources driver = DriverRequest(app.demand);
    if (!(limits_.max - host_used).Fits(driver)) {
      out.waiting.push_back(fmt::format("{}: waits for the host limit (drivers)", app.id));
      continue;
    }
    std::vector<PodView> pods(target, PodView{ExecutorRequest(app.demand), Role::kExecutor});
    auto pass = scheduler_.Pass(views, pods);
    bool on_ready = pass.launches.empty() && pass.unschedulable.empty() &&
                    pass.placements.size() == pods.size();
    for (auto [pod, node] : pass.placements)
      on_ready = on_ready && views[node].ready && !ids[node].empty();
    PlanAdmit admit{app.id, target, note, {}};
    commit(pass, pods, on_ready ? &admit.placement : nullptr);
    host_used += driver;  // admitted now, or holding its place in the queue
    if (on_ready) {
      out.admit.push_back(std::move(admit));
      continue;
    }
    if (!launch(pass, pods, "pending apps")) {
      out.waiting.push_back(fmt::format("{}: waits for room under the host limit", app.id));
    } else {
      out.waiting.push_back(fmt::format("{}: waits for workers to start", app.id));
    }
  }

  // Headroom: free executor cores on workers that take new work, topped up with a new worker.
  int64_t free_cores = 0;
  for (auto& v : views) {
    if (v.schedulable) free_cores += Cores(v.free);
  }
  if (limits_.headroom_cores > free_cores) {
    HeadroomNeed need{{1000, 1024}, static_cast<int>(limits_.headroom_cores - free_cores)};
    auto pass = scheduler_.Pass(views, {}, std::span<const HeadroomNeed>(&need, 1));
    launch(pass, {}, "headroom");
  }

  // Idle workers past the TTL go, as long as the headroom stays.
  for (size_t i = 0; i < in.nodes.size(); ++i) {
    auto& n = in.nodes[i];
    if (!n.ready || n.draining || claimed[i] || n.used.cpu_milli > 0 || n.idle_since_ms <= 0)
      continue;
    if (in.now_ms - n.idle_since_ms < limits_.idle_ttl_ms) continue;
    int64_t cores = Cores(views[i].free);
    if (free_cores - cores < limits_.headroom_cores) continue;
    free_cores -= cores;
    out.decommission.push_back(n.id);
  }
  return out;
}

}  // namespace sparkplane::fleet
