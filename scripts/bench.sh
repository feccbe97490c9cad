#!/usr/bin/env bash
# Runs every row of issue 21's table in one go, each against its baseline in the same JMH run (or, for cloud calls,
# in the same counted test), writes the JMH JSON to benchmarks/results/ and prints every figure beside its target
# with met / not met (dev.macaque.benchmarks.report.BaselineRatios), then the cloud-call counts against their bound.
#
#   scripts/bench.sh                      # every row, at the issue's settings: -f 1 -wi 3 -i 5 -w 2s -r 2s, -prof gc
#   scripts/bench.sh selection naive      # only some rows: selection | naive | simulator | simulate | cloud | extra
#   JMH_OPTS="-f 3 -wi 5 -i 10 -w 10s -r 10s" scripts/bench.sh   # longer settings (never shorter than the default)
#   BENCH_EXTRA=1 scripts/bench.sh        # also the benchmarks outside the table (recovery, fleet scale)
#
# Run it on an idle machine: it prints the load average before and after, and RESULTS.md quotes both.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=benchmarks/results
mkdir -p "$results"
jmh_opts=${JMH_OPTS:-"-f 1 -wi 3 -i 5 -w 2s -r 2s"}
rows=("$@")
if [[ ${#rows[@]} -eq 0 ]]; then
  rows=(selection naive simulator simulate cloud)
  [[ -n "${BENCH_EXTRA:-}" ]] && rows+=(extra)
fi
wants() {
  local row
  for row in "${rows[@]}"; do [[ "$row" == "$1" ]] && return 0; done
  return 1
}

files=()
# One JMH run per row: every ratio is computed within one run's JSON file.
run_jmh() {
  local name=$1
  shift
  local json="$results/$name-$stamp.json"
  # shellcheck disable=SC2086
  java -jar "$jar" "$@" $jmh_opts -prof gc -rf json -rff "$json"
  [[ -s "$json" ]] && files+=("$json")
}

echo "bench.sh $stamp: $(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg); JMH options: $jmh_opts"

# ---- Row 2: target selection vs the one-pass floor, k = 100, regionAndTag, at 1,000 / 100,000 / 1,000,000 groups.
# select (over the snapshot's IndexedFleet), selectList (over the plain list) and indexBuild (the index's one-off
# cost per snapshot) beside the floor of the same fleet size.
if wants selection; then
  run_jmh selection 'TargetSelectionBenchmark\.(floor|select|selectList|indexBuild)$' \
    -p groups=1000,100000,1000000 -p k=100 -p targets=regionAndTag
fi

# ---- Row 3: selection vs naive, 1,000,000 groups, k = 10,000 (the same filter on both sides).
if wants naive; then
  run_jmh naive 'TargetSelectionBenchmark\.(select|naive)$' -p groups=1000000 -p k=10000 -p targets=regionAndTag
fi

# ---- Row 1: simulator events/s vs the bare PriorityQueue loop.
# 1,000, 100,000 and 1,000,000 groups; SimulatorTargets prints each ratio beside its target and the flatness check.
sim_json=""
if wants simulator; then
  run_jmh simulator 'SimulatorThroughputBenchmark'
  sim_json="$results/simulator-$stamp.json"
fi

# ---- Row 4: `macaque simulate`, 10,000 groups x 10 instances x 30 days, daily schedule on every group, in -Xmx1g.
# SimulateMonth is a timed run of exactly what `macaque simulate` does for that scenario (the figure, never a test's
# assertion); it prints "simulate wall N s, target <= 60 s ...: met|not met".
simulate_line="| macaque simulate, 10,000 x 10 x 30 days, -Xmx1g | not run | ≤ 60 s wall | — |"
simulate_out=""
if wants simulate; then
  simulate_out="$results/simulate-$stamp"
  java -Xmx1g -cp "$jar" dev.macaque.benchmarks.fleet.SimulateMonth --groups 10000 --days 30 --out "$simulate_out" \
    | tee "$simulate_out.txt"
  rm -f "$simulate_out/events.jsonl" # about 1 GB; the timing included writing it
  wall=$(sed -nE 's/^simulate wall ([0-9.]+) s.*/\1/p' "$simulate_out.txt")
  verdict=$(sed -nE 's/^simulate wall .*: (.*)$/\1/p' "$simulate_out.txt")
  [[ -n "$wall" ]] && simulate_line="| macaque simulate, 10,000 x 10 x 30 days, -Xmx1g | $wall s wall | ≤ 60 s wall | $verdict |"
fi

# ---- Row 5: cloud API calls for one whole-fleet run over 1,000 groups, counted on the wire (AWS through a recording
# proxy in front of moto_server, Azure and GCP on their loopback stubs). Counting is behaviour, so these are tests; the
# figures are their CLOUD-CALLS lines.
cloud_lines=()
if wants cloud; then
  ./mvnw -B -o -q -pl provider-aws,provider-azure,provider-gcp -am -Dtest='*FleetCallCountTest' \
    -Dsurefire.failIfNoSpecifiedTests=false verify
  mapfile -t cloud_lines < <(grep -h '^CLOUD-CALLS' provider-*/target/surefire-reports/*FleetCallCountTest-output.txt)
fi

# ---- Outside the table: recovery verification and fleet scale (a simulated month, single shot, own 1 GiB fork).
if wants extra; then
  run_jmh extra 'RecoveryVerificationBenchmark'
  fleet_json="$results/fleet-$stamp.json"
  java -jar "$jar" 'FleetScaleBenchmark' -f 1 -wi 0 -i 1 -p days="${FLEET_DAYS:-30}" -rf json -rff "$fleet_json"
  [[ -s "$fleet_json" ]] && files+=("$fleet_json")
fi

echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [[ ${#files[@]} -gt 0 ]]; then
  java -cp "$jar" dev.macaque.benchmarks.report.BaselineRatios "${files[@]}"
fi
if [[ -n "$sim_json" && -s "$sim_json" ]]; then
  echo
  java -cp "$jar" dev.macaque.benchmarks.simulator.SimulatorTargets "$sim_json"
  echo
fi
if [[ -n "$simulate_out" ]]; then
  grep '^simulate' "$simulate_out.txt"
  echo
fi
echo "### Rows outside JMH"
echo
echo "| Row | Figure | Target | Met? |"
echo "|---|---|---|---|"
echo "$simulate_line"
if [[ ${#cloud_lines[@]} -eq 0 ]]; then
  echo "| cloud API calls, whole-fleet run, 1,000 groups | not run | ≤ listing pages + victims' calls and polls | — |"
fi
for line in "${cloud_lines[@]}"; do
  provider=$(sed -E 's/.* (aws|azure|gcp) .*/\1/' <<<"$line")
  discovery=$(sed -E 's/.* discovery=([0-9]+).*/\1/' <<<"$line")
  pages=$(sed -E 's/.* listingPages=([0-9]+).*/\1/' <<<"$line")
  met=$(sed -E 's/.* met=(true|false).*/\1/' <<<"$line")
  echo "| cloud API calls, whole-fleet run, 1,000 groups, $provider | discovery $discovery calls (${line#CLOUD-CALLS }) | discovery ≤ $pages listing page(s), the rest per victim | $([[ $met == true ]] && echo '**met**' || echo 'not met') |"
done
