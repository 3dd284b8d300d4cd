#!/usr/bin/env bash
# Builds and runs the eventlog libFuzzer targets (not part of CI).
# Needs clang with libFuzzer: apt-get install clang-14 libclang-rt-14-dev
# Usage: bench/fuzz/eventlog_build.sh [seconds_per_target=600]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${root}/build/fuzz-eventlog"
secs="${1:-600}"
mkdir -p "${out}"
CXX="${CXX:-clang++-14}"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -march=x86-64-v2 -mpclmul
       -I"${root}/src" -I/usr/include/liblzf)
srcs=("${root}"/src/eventlog/{codec,zstd_direct,log_files,model,line_template,app_builder,sql_plan,storage}.cpp
      "${root}/src/common/result.cpp"
      "${root}/src/common/util.cpp")
libs=(-lsimdjson -lzstd -llz4 -lsnappy -llzf -lxxhash -lfmt)
for target in line codec; do
  "${CXX}" "${flags[@]}" "${root}/bench/fuzz/eventlog_${target}_fuzz.cpp" "${srcs[@]}" "${libs[@]}" \
    -o "${out}/eventlog_${target}_fuzz"
done
# Seed corpora: real log lines and encoded fixtures.
mkdir -p "${out}/corpus-line" "${out}/corpus-codec"
split -l 1 -a 4 "${root}/../shared/data/spark-history/spark-events/local-1430917381534" "${out}/corpus-line/l" || true
# Spark 4 lines (fixed-layout task lines, SQL plans, block updates).
zstd -dc "${root}"/src/eventlog/testdata/spark4_sql/logs/*/events_1_*.zstd |
  split -l 1 -a 4 - "${out}/corpus-line/s" || true
for target in line codec; do
  "${out}/eventlog_${target}_fuzz" -max_total_time="${secs}" -rss_limit_mb=2048 \
    -max_len=65536 "${out}/corpus-${target}" 2>&1 | tail -5
done
