# bench/lib/wrk.sh: one measured wrk run, and reading its output — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

# ---------------------------------------------------------------- wrk
# run_wrk NAME MODE URL SECONDS [CONNECTIONS THREADS]: MODE is access.lua's (anchor and pim-bare: bare; eval; batch).
# Writes $RESULTS/NAME.txt and $RESULTS/NAME.cpu (CPU ticks of Pim, PostgreSQL, wrk, busy and total of the machine,
# the lines Pim logged during the run, and the anchor's ticks).
run_wrk() {
  local name=$1 mode=$2 url=$3 secs=$4 conns=${5:-$CONNECTIONS} threads=${6:-$THREADS}
  local a0 p0 m0 w0 n0 a1 p1 m1 w1 n1 l0 l1 mb0 mt0 mb1 mt1
  l0=$(wc -l <"$RESULTS/api-$LABEL.log")
  children_ticks; w0=$CHILD_TICKS; a0=$(proc_ticks "$API_PID"); n0=$(proc_ticks "$ANCHOR_PID"); p0=$(pg_ticks); m0=$(machine_ticks)
  timeout --kill-after=10 $(( secs + 60 )) \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
      -s "$BENCH_DIR/access.lua" "$url" -- "$mode" "$TOKEN" "$TENANTS" "$BLOCKS" "$BATCH_SIZE" >"$RESULTS/$name.txt" 2>&1 \
    || die "wrk failed for $name: $(tail -n 5 "$RESULTS/$name.txt")"
  a1=$(proc_ticks "$API_PID"); n1=$(proc_ticks "$ANCHOR_PID"); p1=$(pg_ticks); m1=$(machine_ticks); children_ticks; w1=$CHILD_TICKS
  read -r mb0 mt0 <<<"$m0"; read -r mb1 mt1 <<<"$m1"
  l1=$(wc -l <"$RESULTS/api-$LABEL.log")
  echo "$(( a1 - a0 )) $(( p1 - p0 )) $(( w1 - w0 )) $(( mb1 - mb0 )) $(( mt1 - mt0 )) $(( l1 - l0 )) $(( n1 - n0 ))" >"$RESULTS/$name.cpu"
  kill -0 "$API_PID" 2>/dev/null || die "Pim died during $name (log: $RESULTS/api-$LABEL.log)."
  kill -0 "$ANCHOR_PID" 2>/dev/null || die "the anchor (bench/bare) died during $name (log: $RESULTS/anchor.log)."
}

# parse_wrk FILE -> "rps requests p50_ms p75_ms p90_ms p99_ms non2xx socket_errors" (bench/report reads wrk's output)
parse_wrk() { dotnet "$REPORT_DLL" wrk "$1"; }
