// One scheduling pass at scale: N pending pods from ~20 shapes onto M partly used nodes.
// Targets (issue 5): 10k pods / 2k nodes < 50 ms; 100k / 20k < 1 s, one core.
#include <benchmark/benchmark.h>

#include "fleet/catalog.hpp"
#include "fleet/node_group.hpp"
#include "fleet/scheduler.hpp"

#ifndef SPARKPLANE_SHARED_DATA
#define SPARKPLANE_SHARED_DATA "../shared/data"
#endif

namespace sparkplane::fleet {
namespace {

const Catalog& BenchCatalog() {
  static const Catalog* c = [] {
    auto r = LoadCatalog(std::string(SPARKPLANE_SHARED_DATA) + "/fleet/aws-us-east-1.csv", {});
    SPARKPLANE_CHECK(r.has_value());
    return new Catalog(std::move(*r));
  }();
  return *c;
}

void BM_SchedulingPass(benchmark::State& state) {
  const int pods_n = static_cast<int>(state.range(0));
  const int nodes_n = static_cast<int>(state.range(1));
  auto& c = BenchCatalog();
  auto groups = DefaultNodeGroups(c).value();
  Rng rng(42);
  // Nodes: m5/r5/c5 2xlarge–8xlarge allocatable shapes, 0–70% used.
  std::vector<int> shapes_of_nodes = {c.Find("m5.2xlarge"), c.Find("m5.4xlarge"),
                                      c.Find("r5.4xlarge"), c.Find("c5.9xlarge"),
                                      c.Find("m5.8xlarge")};
  std::vector<NodeView> nodes;
  for (int i = 0; i < nodes_n; ++i) {
    auto alloc = c.Type(shapes_of_nodes[i % shapes_of_nodes.size()]).allocatable;
    double used = rng.Uniform(0, 0.7);
    Resources free{static_cast<int64_t>(alloc.cpu_milli * (1 - used)),
                   static_cast<int64_t>(alloc.memory_mib * (1 - used))};
    nodes.push_back({i % 4 == 0 ? 0 : 1, free, i % 10 != 0, true});
  }
  // Pods: 20 shapes like Karpenter's diverse pods (drivers 5%).
  std::vector<PodView> pods;
  for (int i = 0; i < pods_n; ++i) {
    int s = rng.UniformInt(0, 19);
    Resources r{250 + 250 * (s % 8), 512 + 1024 * (s % 10)};
    pods.push_back({r, i % 20 == 0 ? Role::kDriver : Role::kExecutor});
  }
  Scheduler scheduler(c, groups);
  size_t placed = 0, launched = 0;
  for (auto _ : state) {
    auto r = scheduler.Pass(nodes, pods);
    placed = r.placements.size();
    launched = r.launches.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["placed"] = static_cast<double>(placed);
  state.counters["launched"] = static_cast<double>(launched);
}
BENCHMARK(BM_SchedulingPass)
    ->Args({10000, 2000})
    ->Args({100000, 20000})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sparkplane::fleet

BENCHMARK_MAIN();
