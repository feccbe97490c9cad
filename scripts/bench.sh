#!/usr/bin/env bash
# Runs the quick benchmark suite, writes JMH JSON to benchmarks/results/ and prints each benchmark's ratio to its
# baseline from the same run.
#
#   scripts/bench.sh                 # quick suite: -f 1 -wi 2 -i 3 -w 1s -r 1s with -prof gc; fleet scale single-shot
#   scripts/bench.sh Selection       # only benchmarks matching a JMH regexp (passed to both runs)
#   JMH_OPTS="-f 3 -wi 5 -i 10" scripts/bench.sh   # override the quick options (the full mode: see README)
#   FLEET_DAYS=30 scripts/bench.sh   # the fleet-scale month at its full length (quick default: 3 simulated days)
set -euo pipefail
cd "$(dirname "$0")/.."

jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=benchmarks/results
mkdir -p "$results"
quick_opts=${JMH_OPTS:-"-f 1 -wi 2 -i 3 -w 1s -r 1s"}
fleet_days=${FLEET_DAYS:-3}
include=("$@")
if [[ ${#include[@]} -eq 0 ]]; then
  include=(".*")
fi

files=()
# Everything but fleet scale, with the quick options and the allocation profiler.
main_json="$results/quick-$stamp.json"
# shellcheck disable=SC2086
java -jar "$jar" "${include[@]}" -e 'FleetScaleBenchmark' $quick_opts -prof gc -rf json -rff "$main_json"
[[ -s "$main_json" ]] && files+=("$main_json")

# Fleet scale is one simulated month per measurement: single shot, no warm-up, its own 1 GiB fork.
fleet_json="$results/fleet-$stamp.json"
others='TargetSelectionBenchmark|SimulatorThroughputBenchmark|RecoveryVerificationBenchmark'
if java -jar "$jar" -l "${include[@]}" -e "$others" | grep -q 'FleetScaleBenchmark'; then
  java -jar "$jar" "${include[@]}" -e "$others" -f 1 -wi 0 -i 1 -p days="$fleet_days" -rf json -rff "$fleet_json"
  [[ -s "$fleet_json" ]] && files+=("$fleet_json")
fi

echo
java -cp "$jar" dev.macaque.benchmarks.report.BaselineRatios "${files[@]}"
