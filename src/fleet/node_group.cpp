#include "fleet/node_group.hpp"

#include <fmt/format.h>

namespace sparkplane::fleet {

Result<std::vector<int>> ResolveAllowList(const Catalog& catalog,
                                          const std::vector<std::string>& allow_list,
                                          bool (*filter)(const InstanceType&)) {
  std::vector<int> out;
  for (auto& name : allow_list) {
    bool found = false;
    for (int i = 0; i < catalog.Size(); ++i) {
      auto& t = catalog.Type(i);
      found |= t.name == name || t.family == name;
    }
    if (!found) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("instance type or family '{}' is not in the catalog", name));
    }
  }
  for (int i = 0; i < catalog.Size(); ++i) {
    auto& t = catalog.Type(i);
    if (filter && !filter(t)) continue;
    if (allow_list.empty()) {
      out.push_back(i);
      continue;
    }
    for (auto& name : allow_list) {
      if (t.name == name || t.family == name) {
        out.push_back(i);
        break;
      }
    }
  }
  return out;
}

Result<std::vector<NodeGroup>> DefaultNodeGroups(const Catalog& catalog) {
  auto types = ResolveAllowList(catalog, {}, IsGeneralPurposeSparkType);
  if (!types) return tl::unexpected(types.error());
  if (types->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the instance catalog has no general-purpose Spark types for the default node groups");
  }
  NodeGroup od;
  od.name = "spark-on-demand";
  od.capacity = CapacityType::kOnDemand;
  od.types = *types;
  od.labels = {{"sparkplane.io/capacity", "on-demand"}};
  od.taints = {"sparkplane.io/spark=true:NoSchedule"};
  od.accepts_drivers = true;
  od.accepts_executors = true;
  NodeGroup spot = od;
  spot.name = "spark-spot";
  spot.capacity = CapacityType::kSpot;
  spot.labels = {{"sparkplane.io/capacity", "spot"}};
  spot.accepts_drivers = false;
  spot.accepts_executors = true;
  return std::vector<NodeGroup>{std::move(od), std::move(spot)};
}

std::vector<int> GroupsForRole(const std::vector<NodeGroup>& groups, Role role) {
  std::vector<int> out;
  for (CapacityType pass : {CapacityType::kSpot, CapacityType::kOnDemand}) {
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].capacity != pass) continue;
      bool ok = role == Role::kDriver ? groups[g].accepts_drivers : groups[g].accepts_executors;
      if (ok) out.push_back(static_cast<int>(g));
    }
  }
  return out;
}

}  // namespace sparkplane::fleet
