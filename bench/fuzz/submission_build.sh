#!/usr/bin/env bash
# Builds and runs the submission libFuzzer target (not part of CI): POST /cluster/{c}/app bodies
# through validation, config merge and spark-submit argv building, with invariants on the result.
# Needs clang with libFuzzer: apt-get install clang-14 libclang-rt-14-dev
# Usage: bench/fuzz/submission_build.sh [seconds=600] [extra libFuzzer flags...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${root}/build/fuzz-submission"
secs="${1:-600}"
shift || true
mkdir -p "${out}/corpus"
CXX="${CXX:-clang++-14}"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"${root}/src")
srcs=("${root}"/src/control/{app_spec,config_merge,secrets,submission}.cpp "${root}"/src/runtime/{properties_file,spark_submit}.cpp
      "${root}"/src/common/{result,util,spec_fields,redaction}.cpp)
libs=(-lboost_json -lfmt)
"${CXX}" "${flags[@]}" "${root}/bench/fuzz/submission_fuzz.cpp" "${srcs[@]}" "${libs[@]}" \
  -o "${out}/submission_fuzz"
# Seed corpus: the submission bodies of the API integration test and the example specs, one per
# file (lines of bench/fuzz/submission_seeds.jsonl).
n=0
while IFS= read -r line; do
  [[ -z "${line}" || "${line}" == \#* ]] && continue
  printf '%s' "${line}" > "${out}/corpus/seed-$((n++))"
done < "${root}/bench/fuzz/submission_seeds.jsonl"
"${out}/submission_fuzz" -max_total_time="${secs}" -rss_limit_mb=2048 -max_len=8192 \
  -dict="${root}/bench/fuzz/submission_fuzz.dict" -print_final_stats=1 -artifact_prefix="${out}/" "$@" "${out}/corpus" 2>&1 | tail -25
