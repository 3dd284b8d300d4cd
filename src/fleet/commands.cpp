#include "fleet/commands.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "common/util.hpp"
#include "fleet/policies.hpp"
#include "fleet/report.hpp"
#include "fleet/trace.hpp"

#ifndef SPARKPLANE_DEFAULT_CATALOG
#define SPARKPLANE_DEFAULT_CATALOG "../shared/data/fleet/aws-us-east-1.csv"
#endif

namespace sparkplane::fleet {
namespace {

[[noreturn]] void Die(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  throw CLI::RuntimeError(1);
}

struct SimulateArgs {
  std::string trace;
  std::string catalog = SPARKPLANE_DEFAULT_CATALOG;
  std::string policy = "all";
  uint64_t seed = 1;
  bool json = false;
  std::string out;
  double headroom_percent = 5;
  double interruption_scale = 1;
  double boot_min_s = 60;
  double boot_max_s = 120;
  bool repack_estimate = false;
};

void RunSimulate(const SimulateArgs& a) {
  CatalogOptions copt;
  copt.seed = a.seed;
  auto catalog = LoadCatalog(a.catalog, copt);
  if (!catalog) Die(catalog.error());
  auto trace = LoadTrace(a.trace);
  if (!trace) Die(trace.error());
  std::vector<std::string> policies;
  if (a.policy == "all") {
    policies = PolicyNames();
  } else {
    policies = {a.policy};
  }
  SimOptions sopt;
  sopt.seed = a.seed;
  sopt.interruption_rate_scale = a.interruption_scale;
  sopt.boot_min_s = a.boot_min_s;
  sopt.boot_max_s = std::max(a.boot_min_s, a.boot_max_s);
  SparkplanePolicyOptions popt;
  popt.headroom_fraction = a.headroom_percent / 100.0;
  auto groups = DefaultNodeGroups(*catalog);
  if (!groups) Die(groups.error());
  auto cmp = RunComparison(*catalog, *groups, *trace, policies, sopt, popt, a.repack_estimate);
  if (!cmp) Die(cmp.error());
  if (a.json) {
    std::fputs((ComparisonJson(*cmp) + "\n").c_str(), stdout);
  } else {
    std::fputs(ComparisonText(*cmp).c_str(), stdout);
  }
  if (!a.out.empty()) {
    if (auto st = WriteComparisonOutputs(*cmp, a.out); !st) Die(st.error());
  }
}

void WriteOrPrint(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::fputs(text.c_str(), stdout);
    return;
  }
  if (auto st = WriteFileAtomic(out, text); !st) Die(st.error());
}

}  // namespace

void AddFleetCommands(CLI::App& root) {
  auto* fleet = root.add_subcommand("fleet", "Autoscaler simulator, traces and instance catalog");
  fleet->require_subcommand(1);

  auto sim = std::make_shared<SimulateArgs>();
  auto* simulate = fleet->add_subcommand("simulate", "Replay a trace against scaling policies");
  simulate->add_option("--trace", sim->trace, "Trace CSV (app_id,role,cores,memory_mib,request_s,duration_s)")
      ->required();
  simulate->add_option("--catalog", sim->catalog, "Instance catalog CSV")->capture_default_str();
  simulate->add_option("--policy", sim->policy, "sparkplane|k8s-default|karpenter-like|all")
      ->check(CLI::IsMember({"sparkplane", "k8s-default", "karpenter-like", "all"}))
      ->capture_default_str();
  simulate->add_option("--seed", sim->seed, "Seed for spot prices, interruptions, boot delays")
      ->capture_default_str();
  simulate->add_flag("--json", sim->json, "Print one JSON object");
  simulate->add_flag("--repack-estimate", sim->repack_estimate,
                     "Also report the cost of repacking the running pods at every event");
  simulate->add_option("--headroom-percent", sim->headroom_percent,
                       "sparkplane's automatic headroom, % of requested resources")
      ->check(CLI::Range(0.0, 200.0))
      ->capture_default_str();
  simulate->add_option("--interruption-scale", sim->interruption_scale,
                       "Multiply every spot interruption rate (stress test)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  simulate->add_option("--boot-min", sim->boot_min_s, "Node start-up delay, lower end (s)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  simulate->add_option("--boot-max", sim->boot_max_s, "Node start-up delay, upper end (s)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  simulate->add_option("--out", sim->out, "Write timeseries.csv and cost.png into this folder");
  simulate->callback([sim] { RunSimulate(*sim); });

  auto gen = std::make_shared<GenTraceOptions>();
  auto gen_out = std::make_shared<std::string>();
  auto hours = std::make_shared<double>(6);
  auto* gen_trace = fleet->add_subcommand("gen-trace", "Generate a synthetic Spark workload trace");
  gen_trace->add_option("--mix", gen->mix, "steady|bursty|mixed")
      ->check(CLI::IsMember({"steady", "bursty", "mixed"}))
      ->capture_default_str();
  gen_trace->add_option("--apps", gen->apps, "Number of applications")->capture_default_str();
  gen_trace->add_option("--hours", *hours, "Submission horizon in hours")->capture_default_str();
  gen_trace->add_option("--seed", gen->seed, "Seed")->capture_default_str();
  gen_trace->add_option("--out", *gen_out, "Output CSV (default stdout)");
  gen_trace->callback([gen, gen_out, hours] {
    GenTraceOptions o = *gen;
    o.horizon_s = *hours * 3600;
    auto trace = GenerateTrace(o);
    if (!trace) Die(trace.error());
    WriteOrPrint(*gen_out, FormatTrace(*trace));
  });

  auto conv = std::make_shared<OpenbOptions>();
  auto conv_in = std::make_shared<std::string>();
  auto conv_out = std::make_shared<std::string>();
  auto* convert = fleet->add_subcommand("convert-openb", "Convert an Alibaba openb pod list to a trace");
  convert->add_option("--input", *conv_in, "openb_pod_list_*.csv")->required();
  convert->add_option("--out", *conv_out, "Output CSV (default stdout)");
  convert->add_flag("--include-gpu", conv->include_gpu, "Keep GPU pods (GPU requests are dropped)");
  convert->add_option("--window-start", conv->window_start_s, "Skip pods created before (s)");
  convert->add_option("--window-end", conv->window_end_s, "Skip pods created at or after (s)");
  convert->add_option("--time-scale", conv->time_scale, "Multiply times by this factor");
  convert->add_option("--max-pods", conv->max_pods, "Keep at most this many pods");
  convert->callback([conv, conv_in, conv_out] {
    auto text = ReadFile(*conv_in);
    if (!text) Die(text.error());
    auto trace = ConvertOpenb(*text, *conv_in, *conv);
    if (!trace) Die(trace.error());
    WriteOrPrint(*conv_out, FormatTrace(*trace));
  });
}

}  // namespace sparkplane::fleet
