#include "eventlog/sql_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace sparkplane::eventlog {
namespace {

// SparkPlanInfo equality (name, simpleString and children, recursively) as one string, so
// equal subtrees can be found with a map.
std::string PlanKey(const PlanInfo& p) {
  std::string key = fmt::format("{}:{}\x1f{}:{}\x1f{}(", p.name.size(), p.name,
                                p.simple_string.size(), p.simple_string, p.children.size());
  for (const auto& c : p.children) key += PlanKey(c);
  key += ')';
  return key;
}

class GraphBuilder {
 public:
  explicit GraphBuilder(SqlPlanGraph& graph) : graph_(graph) {}

  // Mirrors SparkPlanGraph.buildSparkPlanGraphNode. `parent` < 0: none; `cluster` < 0: outside
  // any WholeStageCodegen (else the index of the cluster node in cluster_members_).
  void Visit(const PlanInfo& p, int64_t parent, int cluster) {
    const std::string& name = p.name;
    if (name.starts_with("WholeStageCodegen")) {
      int64_t id = next_id_++;
      clusters_.push_back({id, name, p.metrics, {}});
      if (!p.children.empty()) Visit(p.children[0], parent, static_cast<int>(clusters_.size() - 1));
      return;
    }
    if (name == "InputAdapter") {
      if (!p.children.empty()) Visit(p.children[0], parent, -1);
      return;
    }
    if (name == "BroadcastQueryStage" || name == "ShuffleQueryStage" ||
        name == "TableCacheQueryStage" || name == "ResultQueryStage") {
      if (p.children.empty()) return;
      if (auto it = exchanges_.find(PlanKey(p.children[0])); it != exchanges_.end()) {
        graph_.edges.emplace_back(it->second, parent);
      } else {
        Visit(p.children[0], parent, -1);
      }
      return;
    }
    if (name == "Subquery" && cluster >= 0) {
      Visit(p, parent, -1);
      return;
    }
    if (name == "Subquery") {
      if (auto it = exchanges_.find(PlanKey(p)); it != exchanges_.end()) {
        graph_.edges.emplace_back(it->second, parent);
        return;
      }
    }
    if (name == "ReusedSubquery") {
      if (!p.children.empty()) Visit(p.children[0], parent, cluster);
      return;
    }
    if (name == "ReusedExchange" && !p.children.empty()) {
      if (auto it = exchanges_.find(PlanKey(p.children[0])); it != exchanges_.end()) {
        graph_.edges.emplace_back(it->second, parent);
        return;
      }
    }
    int64_t id = next_id_++;
    SqlPlanNode node{id, name, std::nullopt, p.metrics};
    if (cluster < 0) {
      graph_.nodes.push_back(std::move(node));
    } else {
      clusters_[static_cast<size_t>(cluster)].members.push_back(std::move(node));
    }
    if (name.find("Exchange") != std::string::npos || name == "Subquery") {
      exchanges_.emplace(PlanKey(p), id);
    }
    if (parent >= 0) graph_.edges.emplace_back(id, parent);
    for (const auto& child : p.children) Visit(child, id, cluster);
  }

  // allNodes: top-level nodes in order, each cluster as its members followed by itself.
  void Finish() {
    std::vector<SqlPlanNode> plain = std::move(graph_.nodes);
    graph_.nodes.clear();
    // Clusters were created in visiting order among the top-level nodes; merge by id.
    std::vector<std::pair<int64_t, std::vector<SqlPlanNode>>> groups;
    for (auto& n : plain) groups.push_back({n.id, {std::move(n)}});
    for (auto& c : clusters_) {
      std::vector<SqlPlanNode> g;
      std::optional<int64_t> number = CodegenNumber(c.name);
      for (auto& m : c.members) {
        m.codegen_id = number;
        g.push_back(std::move(m));
      }
      g.push_back(SqlPlanNode{c.id, c.name, std::nullopt, std::move(c.metrics)});
      groups.push_back({c.id, std::move(g)});
    }
    std::stable_sort(groups.begin(), groups.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [id, g] : groups) {
      for (auto& n : g) graph_.nodes.push_back(std::move(n));
    }
  }

 private:
  struct Cluster {
    int64_t id;
    std::string name;
    std::vector<SqlPlanMetric> metrics;
    std::vector<SqlPlanNode> members;
  };
  // "WholeStageCodegen (3)" → 3 (SqlResource.getWholeStageCodegenId).
  static std::optional<int64_t> CodegenNumber(std::string_view name) {
    constexpr std::string_view kPrefix = "WholeStageCodegen (";
    std::string_view trimmed = name;
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    if (!trimmed.starts_with(kPrefix) || trimmed.size() <= kPrefix.size()) return std::nullopt;
    std::string_view digits = trimmed.substr(kPrefix.size(), trimmed.size() - kPrefix.size() - 1);
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
    return n;
  }

  SqlPlanGraph& graph_;
  int64_t next_id_ = 0;
  std::vector<Cluster> clusters_;
  std::unordered_map<std::string, int64_t> exchanges_;
};

// Java's "%.Nf" of a float widened to double: half-up rounding of the double's shortest
// decimal form.
std::string JavaFixed(double value, int decimals) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc()) return fmt::format("{:.{}f}", value, decimals);
  std::string digits(buf, end);
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  size_t dot = digits.find('.');
  if (dot == std::string::npos) {
    digits += '.';
    dot = digits.size() - 1;
  }
  digits.append(static_cast<size_t>(decimals) + 1, '0');
  size_t keep = dot + 1 + static_cast<size_t>(decimals);
  bool round_up = digits[keep] >= '5';
  digits.resize(keep);
  if (round_up) {
    int i = static_cast<int>(keep) - 1;
    for (; i >= 0; --i) {
      if (digits[static_cast<size_t>(i)] == '.') continue;
      if (digits[static_cast<size_t>(i)] == '9') {
        digits[static_cast<size_t>(i)] = '0';
      } else {
        ++digits[static_cast<size_t>(i)];
        break;
      }
    }
    if (i < 0) digits.insert(digits.begin(), '1');
  }
  if (decimals == 0 && !digits.empty() && digits.back() == '.') digits.pop_back();
  if (negative) digits.insert(digits.begin(), '-');
  return digits;
}

// NumberFormat.getIntegerInstance(Locale.US): digits grouped by commas.
std::string Grouped(int64_t v) {
  bool negative = v < 0;
  unsigned long long magnitude =
      negative ? static_cast<unsigned long long>(-(v + 1)) + 1 : static_cast<unsigned long long>(v);
  std::string plain = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && (plain.size() - i) % 3 == 0) out += ',';
    out += plain[i];
  }
  if (negative) out.insert(out.begin(), '-');
  return out;
}

// scala.collection.Hashing.improve.
uint32_t ImproveHash(int32_t key) {
  uint32_t h = static_cast<uint32_t>(key);
  h = h + ~(h << 9);
  h = h ^ (h >> 14);
  h = h + (h << 4);
  return h ^ (h >> 10);
}

// CHAMP node order at `shift`: keys alone in their 5-bit slot first (by slot), then the
// sub-tries of shared slots (by slot).
void ChampOrder(std::vector<int32_t>& keys, int shift) {
  if (keys.size() <= 1 || shift >= 32) return;
  auto slot = [shift](int32_t k) { return (ImproveHash(k) >> shift) & 31u; };
  std::array<int, 32> count{};
  for (int32_t k : keys) ++count[slot(k)];
  std::vector<int32_t> out;
  for (uint32_t s = 0; s < 32; ++s) {
    if (count[s] != 1) continue;
    for (int32_t k : keys) {
      if (slot(k) == s) out.push_back(k);
    }
  }
  for (uint32_t s = 0; s < 32; ++s) {
    if (count[s] < 2) continue;
    std::vector<int32_t> sub;
    for (int32_t k : keys) {
      if (slot(k) == s) sub.push_back(k);
    }
    ChampOrder(sub, shift + 5);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  keys = std::move(out);
}

// sorted[0], sorted[n / 2] and sorted[n - 1] of non-empty `values` (reordered), without a sort.
std::array<int64_t, 3> MinMedianMax(std::vector<int64_t>& values) {
  auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  int64_t lo = *std::min_element(values.begin(), mid + 1);
  int64_t hi = *std::max_element(mid, values.end());
  return {lo, *mid, hi};
}

}  // namespace

std::vector<int32_t> ScalaHashOrder(std::vector<int32_t> keys) {
  if (keys.size() > 4) ChampOrder(keys, 0);
  return keys;
}

SqlPlanGraph BuildPlanGraph(const PlanInfo& root) {
  SqlPlanGraph graph;
  GraphBuilder builder(graph);
  builder.Visit(root, -1, -1);
  builder.Finish();
  return graph;
}

std::shared_ptr<const SqlMetricTypes> PlanMetricTypes(const SqlPlanGraph& graph) {
  auto types = std::make_shared<SqlMetricTypes>();
  for (const auto& n : graph.nodes) {
    for (const auto& m : n.metrics) (*types)[m.accumulator_id] = m.type;
  }
  return types;
}

std::string SparkBytesString(int64_t bytes) {
  constexpr int64_t kKiB = 1LL << 10, kMiB = 1LL << 20, kGiB = 1LL << 30, kTiB = 1LL << 40,
                    kPiB = 1LL << 50, kEiB = 1LL << 60;
  struct Unit {
    int64_t size;
    const char* name;
  };
  for (Unit u : {Unit{kEiB, "EiB"}, Unit{kPiB, "PiB"}, Unit{kTiB, "TiB"}, Unit{kGiB, "GiB"},
                 Unit{kMiB, "MiB"}, Unit{kKiB, "KiB"}}) {
    if (u.size <= std::numeric_limits<int64_t>::max() / 2 && bytes >= 2 * u.size) {
      // BigDecimal division, then "%.1f" (HALF_UP) of the exact quotient.
      long double q = static_cast<long double>(bytes) / static_cast<long double>(u.size);
      int64_t tenths = static_cast<int64_t>(std::floor(q * 10 + 0.5L));
      return fmt::format("{}.{} {}", tenths / 10, tenths % 10, u.name);
    }
  }
  return fmt::format("{}.0 B", bytes);
}

std::string SparkDurationString(int64_t ms) {
  constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute;
  if (ms < kSecond) return fmt::format("{} ms", ms);
  if (ms < kMinute) return JavaFixed(static_cast<float>(ms) / kSecond, 1) + " s";
  if (ms < kHour) return JavaFixed(static_cast<float>(ms) / kMinute, 1) + " m";
  return JavaFixed(static_cast<float>(ms) / kHour, 2) + " h";
}

std::string SqlMetricString(std::string_view type, std::vector<int64_t> values,
                            const std::array<int64_t, 4>* max) {
  std::string task_info =
      max ? fmt::format("(stage {}.{}: task {})", (*max)[1], (*max)[2], (*max)[3])
          : std::string("(driver)");
  constexpr std::string_view kSuffix = "(min, med, max (stageId: taskId))";
  if (type == "sum") {
    return Grouped(std::accumulate(values.begin(), values.end(), int64_t{0}));
  }
  if (type == "average") {
    // Values are tenths, shown with at most one decimal.
    auto fmt_avg = [](int64_t v) {
      std::string whole = Grouped(v / 10);
      return v % 10 == 0 ? whole : fmt::format("{}.{}", whole, std::llabs(v % 10));
    };
    std::erase_if(values, [](int64_t v) { return v <= 0; });
    if (values.size() <= 1) return fmt_avg(values.empty() ? 0 : values[0]);
    auto [lo, med, hi] = MinMedianMax(values);
    return fmt::format("{}:\n({}, {}, {} {})", kSuffix, fmt_avg(lo), fmt_avg(med), fmt_avg(hi),
                       task_info);
  }
  std::string (*format)(int64_t) = nullptr;
  if (type == "size")
    format = &SparkBytesString;
  else if (type == "timing")
    format = &SparkDurationString;
  else if (type == "nsTiming")
    format = [](int64_t ns) { return SparkDurationString(ns / 1000000); };
  else
    return "";  // Spark fails on unknown types; show nothing
  std::erase_if(values, [](int64_t v) { return v < 0; });
  if (values.size() <= 1) return format(values.empty() ? 0 : values[0]);
  int64_t sum = std::accumulate(values.begin(), values.end(), int64_t{0});
  auto [lo, med, hi] = MinMedianMax(values);
  return fmt::format("total {}\n{} ({}, {}, {} {})", kSuffix, format(sum), format(lo), format(med),
                     format(hi), task_info);
}

std::map<int64_t, std::string> AggregateSqlMetrics(
    const SqlExecution& x, const std::unordered_map<int32_t, SqlStageMetrics>& stages) {
  std::map<int64_t, std::string> out;
  if (!x.metric_types) return out;
  const SqlMetricTypes& types = *x.metric_types;
  std::map<int64_t, std::vector<int64_t>> all;
  std::map<int64_t, std::array<int64_t, 4>> max;
  for (int32_t stage_id : ScalaHashOrder(x.stage_ids)) {
    auto it = stages.find(stage_id);
    if (it == stages.end()) continue;
    const SqlStageMetrics& s = it->second;
    for (const auto& [id, values] : s.values) {
      if (!types.count(id)) continue;
      auto& v = all[id];
      v.insert(v.end(), values.begin(), values.end());
    }
    for (const auto& [id, value_task] : s.max) {
      if (!types.count(id)) continue;
      auto [slot, fresh] = max.try_emplace(
          id,
          std::array<int64_t, 4>{value_task.first, s.stage_id, s.attempt_id, value_task.second});
      if (!fresh && value_task.first > slot->second[0]) {
        slot->second = {value_task.first, s.stage_id, s.attempt_id, value_task.second};
      }
    }
  }
  for (const auto& [id, value] : x.driver_accum_updates) {
    if (types.count(id)) all[id].push_back(value);
  }
  for (auto& [id, values] : all) {
    auto m = max.find(id);
    out[id] =
        SqlMetricString(types.at(id), std::move(values), m == max.end() ? nullptr : &m->second);
  }
  return out;
}

}  // namespace sparkplane::eventlog
