#!/usr/bin/env bash
# Fleet benchmarks: cost comparison on every reference trace and the scheduling-pass timing.
# Usage: bench/fleet/run.sh [BUILD_DIR] [OUT_DIR]
#   BUILD_DIR defaults to build/fleet (needs targets sparkplane and fleet_bench).
# Prints, per trace: the fractional and whole-node lower bounds, the repack estimate, each
# policy's cost, sparkplane's ratios against the bounds and the baselines, and p99 pending; then the Google Benchmark
# scheduling-pass times (one core).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/fleet}"
out="${2:-$(mktemp -d)}"
cli="$build/sparkplane"
bench="$build/src/fleet/fleet_bench"
data="${SPARKPLANE_SHARED_DATA:-$root/../shared/data}/fleet"
seeds="${SEEDS:-1 2 3}"
mkdir -p "$out"

for mix in steady bursty mixed; do
  "$cli" fleet gen-trace --mix "$mix" --apps 200 --hours 6 --seed 1 --out "$out/synth-$mix.csv"
done
for variant in default cpu300; do
  "$cli" fleet convert-openb --input "$data/alibaba-openb/openb_pod_list_$variant.csv" \
    --out "$out/openb-$variant.csv"
done

printf '%-16s %4s %9s %9s %9s %9s %9s %9s %7s %7s %7s %7s %8s %8s %6s %6s\n' trace seed "LB \$" \
  "whole \$" "repack \$" "sp \$" "karp \$" "k8s \$" sp/LB sp/whole sp/karp sp/k8s "p99 sp" "p99 karp" \
  "ev sp" "ev kp"
for trace in synth-steady synth-bursty synth-mixed openb-default openb-cpu300; do
 for seed in $seeds; do
  "$cli" fleet simulate --trace "$out/$trace.csv" --policy all --seed "$seed" --json \
    --repack-estimate --out "$out/$trace-seed$seed" > "$out/$trace-seed$seed.json"
  python3 - "$trace" "$seed" "$out/$trace-seed$seed.json" <<'PY'
import json, sys
name, seed, path = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(path))
p = d["policies"]; lb = d["lower_bound_usd"]
sp, kp, k8 = p["sparkplane"], p["karpenter-like"], p["k8s-default"]
wb = d["integral_bound_usd"]
print(f'{name:<16} {seed:>4} {lb:9.2f} {wb:9.2f} {d["repack_estimate_usd"]:9.2f} {sp["cost_usd"]:9.2f} '
      f'{kp["cost_usd"]:9.2f} {k8["cost_usd"]:9.2f} {sp["cost_usd"]/lb:7.3f} {sp["cost_usd"]/wb:7.3f} '
      f'{sp["cost_usd"]/kp["cost_usd"]:7.3f} {sp["cost_usd"]/k8["cost_usd"]:7.3f} '
      f'{sp["pending_p99_s"]:8.1f} {kp["pending_p99_s"]:8.1f} {sp["evictions"]:6d} {kp["evictions"]:6d}')
PY
 done
done
echo "targets: sp/LB <= 1.10, sp/karp <= 0.92, sp/k8s <= 0.75, p99 sp <= p99 karp"
echo "whole = whole-node bound (exact when <= 14 pods run, else the LP); repack = the running pods"
echo "packed from scratch at every event (free moves, instant boot): an estimate, not a bound"

echo "spot stress: synth-mixed, seed 1, interruption rates x1000"
"$cli" fleet simulate --trace "$out/synth-mixed.csv" --policy all --seed 1 --json \
  --interruption-scale 1000 > "$out/stress.json"
python3 - "$out/stress.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f'{"policy":<16} {"cost $":>9} {"interrupts":>10} {"evicted":>8} {"lost core-h":>11} {"p99 s":>7}')
for name, p in d["policies"].items():
    print(f'{name:<16} {p["cost_usd"]:9.2f} {p["interruptions"]:10d} {p["interruption_evictions"]:8d} '
          f'{p["lost_executor_core_hours"]:11.2f} {p["pending_p99_s"]:7.1f}')
PY
echo "outputs (JSON, timeseries.csv, cost.png per trace): $out"

if [[ -x "$bench" ]]; then
  taskset -c 0 "$bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
fi
