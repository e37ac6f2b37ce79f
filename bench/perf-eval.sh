#!/usr/bin/env bash
# Samples Pim with Linux perf during one case's measured eval run of bench/run.sh: where its CPU goes, kernel, runtime
# and JIT-compiled frames alike (the dotnet-trace sampler of the profile run sees managed frames only, and counts a
# parked thread as running). Run it beside the bench, which must start Pim with the JIT's perf map and without W^X:
#
#   BENCH_PIM_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0" BENCH_RESULTS_DIR=/tmp/run bench/run.sh &
#   bench/perf-eval.sh /tmp/run pg-1M       # waits for that case's eval run, samples Pim for 7 s of it
#   perf report -i /tmp/run/perf-eval-pg-1M.data --no-children --sort symbol --stdio -g none | head -60
#
# The map (/tmp/perf-<pid>.map, kept beside the data) names JIT-compiled methods; with W^X, JIT code runs from a
# memfd mapping that perf cannot match to it. The sampling costs the measured run a few per cent: compare runs that
# were all sampled. Needs perf (Debian: linux-perf) and root; the machine's VM offers the cpu-clock event only.
set -euo pipefail
results="${1:?the BENCH_RESULTS_DIR of the bench run}"; case="${2:?a case as the bench names it, e.g. pg-1M}"
seconds="${PERF_SECONDS:-7}"
out="$results/perf-eval-$case.data"
for _ in $(seq 1 7200); do [[ -e "$results/eval-$case.txt" ]] && break; sleep 0.5; done   # at most an hour
[[ -e "$results/eval-$case.txt" ]] || { echo "no eval run of $case began in $results" >&2; exit 1; }
sleep 1
pid="$(pgrep -f 'Pim.Bench.Host.dll' | head -n 1)" || { echo "Pim is not running" >&2; exit 1; }
perf record -e cpu-clock -F 1999 -g -p "$pid" -o "$out" -- sleep "$seconds" >"$out.log" 2>&1
cp "/tmp/perf-$pid.map" "$out.map" 2>/dev/null || echo "no perf map for $pid: was Pim started with DOTNET_PerfMapEnabled=1?" >&2
echo "$out (perf report -i $out ...; to read it after Pim exited: cp $out.map /tmp/perf-$pid.map)"
