#!/usr/bin/env bash
# Runs the quick benchmark suite, writes JMH JSON to benchmarks/results/ and prints each benchmark's ratio to its
# baseline from the same run.
#
#   scripts/bench.sh                 # quick suite: -f 1 -wi 2 -i 3 -w 1s -r 1s with -prof gc; fleet scale single-shot
#   scripts/bench.sh Selection       # only benchmarks matching a JMH regexp (passed to both runs)
#   JMH_OPTS="-f 3 -wi 5 -i 10" scripts/bench.sh   # override the quick options (the full mode: see README)
#   FLEET_DAYS=30 scripts/bench.sh   # the fleet-scale month at its full length (quick default: 3 simulated days)
#   SIM_OPTS="-f 1 -wi 5 -i 10 -w 5s -r 5s" scripts/bench.sh Simulator   # longer settings for the simulator row
#
# Issue 21's simulator rows run apart, with the issue's settings: SimulatorThroughputBenchmark (1,000, 100,000 and
# 1,000,000 groups, -f 1 -wi 3 -i 5 -w 2s -r 2s) and SimulateMonth, a timed run of what `macaque simulate` does for
# 10,000 groups x 10 instances x 30 days with a daily schedule on every group, in -Xmx1g; both print their targets.
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
# Everything but fleet scale and the simulator (both run apart below), with the quick options and -prof gc.
main_json="$results/quick-$stamp.json"
apart='FleetScaleBenchmark|SimulatorThroughputBenchmark'
if java -jar "$jar" -l "${include[@]}" -e "$apart" | grep -q 'dev\.macaque'; then
  # shellcheck disable=SC2086
  java -jar "$jar" "${include[@]}" -e "$apart" $quick_opts -prof gc -rf json -rff "$main_json"
  [[ -s "$main_json" ]] && files+=("$main_json")
fi

# Fleet scale is one simulated month per measurement: single shot, no warm-up, its own 1 GiB fork.
fleet_json="$results/fleet-$stamp.json"
others='TargetSelectionBenchmark|SimulatorThroughputBenchmark|RecoveryVerificationBenchmark'
if java -jar "$jar" -l "${include[@]}" -e "$others" | grep -q 'FleetScaleBenchmark'; then
  java -jar "$jar" "${include[@]}" -e "$others" -f 1 -wi 0 -i 1 -p days="$fleet_days" -rf json -rff "$fleet_json"
  [[ -s "$fleet_json" ]] && files+=("$fleet_json")
fi

# Simulator events/s vs the bare PriorityQueue floor, with the issue's settings and the allocation profiler.
sim_opts=${SIM_OPTS:-"-f 1 -wi 3 -i 5 -w 2s -r 2s"}
sim_json="$results/simulator-$stamp.json"
if java -jar "$jar" -l "${include[@]}" | grep -q 'SimulatorThroughputBenchmark'; then
  # shellcheck disable=SC2086
  java -jar "$jar" 'SimulatorThroughputBenchmark' $sim_opts -prof gc -rf json -rff "$sim_json"
  [[ -s "$sim_json" ]] && files+=("$sim_json")
fi

# `macaque simulate` of the 10,000-group month, timed, in a 1 GiB heap (the figure, never a test's assertion).
simulate_out=""
if [[ $# -eq 0 ]] || printf '%s\n' "$@" | grep -Eq 'Simulate|Fleet'; then
  simulate_out="$results/simulate-$stamp"
  java -Xmx1g -cp "$jar" dev.macaque.benchmarks.fleet.SimulateMonth --groups 10000 --days 30 --out "$simulate_out" \
    | tee "$simulate_out.txt"
  rm -f "$simulate_out/events.jsonl" # about 1 GB; the timing included writing it
fi

echo
if [[ ${#files[@]} -gt 0 ]]; then
  java -cp "$jar" dev.macaque.benchmarks.report.BaselineRatios "${files[@]}"
fi
if [[ -s "$sim_json" ]]; then
  echo
  java -cp "$jar" dev.macaque.benchmarks.simulator.SimulatorTargets "$sim_json"
fi
if [[ -n "$simulate_out" ]]; then
  echo
  grep '^simulate' "$simulate_out.txt"
fi
