// Node groups (Ocean's virtual node groups): an instance allow-list, a capacity type, size
// limits, labels and taints, and which Spark roles tolerate the group's taints.
#pragma once

#include <climits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "fleet/catalog.hpp"

namespace sparkplane::fleet {

struct NodeGroup {
  std::string name;
  CapacityType capacity = CapacityType::kSpot;
  std::vector<int> types;  // catalog indices allowed in this group
  int min_nodes = 0;
  int max_nodes = INT_MAX;
  std::map<std::string, std::string> labels;
  std::vector<std::string> taints;
  bool accepts_drivers = false;
  bool accepts_executors = true;
};

// Catalog indices whose name or family is in allow_list (empty list = every type passing
// filter). Unknown names fail with kInvalidArgument.
Result<std::vector<int>> ResolveAllowList(const Catalog& catalog,
                                          const std::vector<std::string>& allow_list,
                                          bool (*filter)(const InstanceType&));

// Ocean Spark's defaults: "spark-on-demand" (drivers, and executors as a fallback) and
// "spark-spot" (executors), both allowing every general-purpose Spark type; kInvalidArgument
// when the catalog has none.
Result<std::vector<NodeGroup>> DefaultNodeGroups(const Catalog& catalog);

// Group indices a pod of this role may use, in preference order (spot before on-demand for
// executors).
std::vector<int> GroupsForRole(const std::vector<NodeGroup>& groups, Role role);

}  // namespace sparkplane::fleet
