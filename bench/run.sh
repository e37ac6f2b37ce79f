#!/usr/bin/env bash
# Benchmark of Pim's access-evaluation hot path, on PostgreSQL and on SQLite, against a bare Kestrel endpoint.
#
# The anchor: bench/bare, a bare Kestrel JSON endpoint in its own process (no auth, no store), built in Release and
# started once for the whole run. Every throughput ratio is against it, measured in the same run, right before Pim.
#
# For each store (BENCH_STORES) and size (role assignments in all, spread over BENCH_TENANTS tenants) it:
#   1. creates the store (a database in a throwaway PostgreSQL 15 cluster, or an SQLite file) and starts Pim on it
#      (migrations run at start-up),
#   2. loads the tenants t1..tT with SQL (bench/load.sql for PostgreSQL, bench/load-sqlite.sql with the sqlite3 CLI),
#      checks a few answers (allow/deny as loaded, in the first, a middle and the last tenant),
#   3. warms up, then measures with wrk (closed loop, N connections, --latency), each run after the other:
#        anchor    POST /bare on bench/bare                           (Kestrel + JSON in/out, nothing else)
#        pim-bare  POST /bench/bare on Pim                             (+ auth and Pim's pipeline, no store access)
#        eval      POST /v1/tenants/{tenantId}/access/evaluation       (the hot path; random tenant per request)
#        batch     POST /v1/tenants/{tenantId}/access/evaluations      (100 decisions per call; skipped, with a log
#                                                                       line, while the endpoint answers 404/405)
#      sampling CPU time of the anchor, Pim, PostgreSQL, wrk and the whole machine during each run, and Pim's resident
#      memory (VmRSS/VmHWM) after load + warm-up and after the eval run,
#   4. optionally (BENCH_PROFILE) a separate, extra eval run under dotnet-counters and dotnet-trace (pinned local tools,
#      .config/dotnet-tools.json): its numbers are NOT those of the main table, the profile does not skew them,
#   5. PostgreSQL only: EXPLAIN (ANALYZE, BUFFERS) of the evaluation query (read from the running Pim), the
#      pg_stat_statements figures for it during the eval run, and a SQL-only pgbench run of the same query (Pim idle),
#   6. stops Pim.
# Then prints a summary (bench/report, typed code, from the results the run recorded in results.tsv).
#
# Where things are: this file holds the knobs, the order of the run and its inline steps (preflight, build, the anchor,
# the cluster); bench/lib/*.sh hold the functions by concern (common, proc, wrk, grants, pim, profile, case);
# bench/report (C#) reads wrk's output and prints the summary; bench/host is Pim with the /bench/ endpoints. Raw outputs go to bench/results/<UTC timestamp>/ (or $BENCH_RESULTS_DIR). Everything it
# starts (Pim, the anchor, the cluster, the profilers) and its temp dirs are removed on exit. Only 127.0.0.1 is targeted.
#
# Knobs (environment):
#   BENCH_STORES="postgres sqlite"  which stores to measure, in this order
#   BENCH_SIZES="10000 1000000"     PostgreSQL sizes (role assignments in all)
#   BENCH_SQLITE_SIZES="10000"      SQLite sizes
#   BENCH_TENANTS=...               tenants the assignments are spread over (default per size: max(1, size / 1000),
#                                   so 10k -> 10 tenants and 1M -> 1,000 tenants, 1,000 assignments each)
#   BENCH_DURATION=15 (s)  BENCH_WARMUP=5 (s)  BENCH_CONNECTIONS=32  BENCH_THREADS=2
#   BENCH_BATCH_SIZE=100            decisions per batch call (1..200)
#   BENCH_BUILD=1                   build Pim.Api and bench/bare in Release (0: reuse the existing builds)
#   BENCH_UNLOADED=1                also measure anchor, pim-bare and eval with 1 connection (0: skip)
#   BENCH_PROFILE=1                 profile the first store/size in an extra eval run (all: every one; 0: none)
#   BENCH_TRACE_SECONDS=5           length of the dotnet-trace sample inside that run
#   BENCH_TRACE_PROFILE=...         that sample's dotnet-trace profile: the CPU sampler by default; gc-verbose traces
#                                   allocations instead, and the profile then says where they were made, by type and stack
#   BENCH_WARM_MAX=600 (s)          the longest wait, after a load, for Pim's grant index to hold every tenant
#   BENCH_IMAGE_ENV=1               run Pim with the runtime settings of its container image (the Dockerfile's DOTNET_*
#                                   ENV); 0: without them (an older build measured as "before")
#   BENCH_API_DLL=...               run another build of the benchmark host (bench/host: Pim with the /bench/ endpoints),
#                                   e.g. an experimental copy (with BENCH_BUILD=0)
#   BENCH_PIM_ENV="K=V K=V"         extra environment for Pim (e.g. "Pim__RateLimits__Enabled=false"; no spaces in values)
#   BENCH_PGBENCH=1 (0: skip the SQL-only runs)  BENCH_RESULTS_DIR=...  PIM_PG_BIN=/usr/lib/postgresql/15/bin
#   BENCH_PG_OPTIONS="" (appended to Pim's connection string, e.g. "Max Auto Prepare=20;Auto Prepare Min Usages=2")
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"

STORES="${BENCH_STORES:-postgres sqlite}"
SIZES="${BENCH_SIZES:-10000 1000000}"
SQLITE_SIZES="${BENCH_SQLITE_SIZES:-10000}"
TENANTS_KNOB="${BENCH_TENANTS:-}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-5}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
BATCH_SIZE="${BENCH_BATCH_SIZE:-100}"
BUILD="${BENCH_BUILD:-1}"
PGBENCH="${BENCH_PGBENCH:-1}"
PG_OPTIONS="${BENCH_PG_OPTIONS:-}"
UNLOADED="${BENCH_UNLOADED:-1}"
PROFILE="${BENCH_PROFILE:-1}"
TRACE_SECONDS="${BENCH_TRACE_SECONDS:-5}"
WARM_MAX="${BENCH_WARM_MAX:-600}"
IMAGE_ENV="${BENCH_IMAGE_ENV:-1}"
PIM_ENV="${BENCH_PIM_ENV:-}"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)}"

API_DLL="${BENCH_API_DLL:-$ROOT/bench/host/bin/Release/net10.0/Pim.Bench.Host.dll}"
ANCHOR_DLL="$BENCH_DIR/bare/bin/Release/net10.0/Pim.Bench.Bare.dll"
REPORT_DLL="$BENCH_DIR/report/bin/Release/net10.0/Pim.Bench.Report.dll"
# Same order as bench/load.sql, bench/load-sqlite.sql and bench/access.lua: the role of principal u<i> is ROLES[i % 13].
ROLES=(global-administrator privileged-role-administrator security-administrator security-reader global-reader
  exchange-administrator sharepoint-administrator teams-administrator intune-administrator user-administrator
  helpdesk-administrator billing-administrator compliance-administrator)

APP_TMP=""
API_PID=""
API_PORT=""
ANCHOR_PID=""
ANCHOR_PORT=""
ISSUER_PID=""
LOADAVG_PID=""
ISSUER_URL=""
ISSUER_TOKEN=""
PROFILER_PIDS=()   # dotnet-counters / dotnet-trace running in the background during a profiled run

# The pieces: each file under bench/lib/ holds one concern's functions; this file holds the knobs, the order of the
# run, and the inline steps (preflight, build, anchor, cluster). Parsing wrk's output and the summary are typed code
# (bench/report, built below).
for piece in common proc wrk grants pim profile case; do
  # shellcheck source=/dev/null
  source "$BENCH_DIR/lib/$piece.sh"
done

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${PROFILER_PIDS[@]}"; do stop_pid "$p"; done
  stop_api
  stop_anchor
  stop_pid "$ISSUER_PID"
  stop_pid "$LOADAVG_PID"
  pg_stop
  [[ -n "$APP_TMP" && -d "$APP_TMP" ]] && rm -rf -- "$APP_TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=../scripts/lib/throwaway-postgres.sh
source "$ROOT/scripts/lib/throwaway-postgres.sh"

# ---------------------------------------------------------------- preflight
for k in DURATION WARMUP CONNECTIONS THREADS BATCH_SIZE TRACE_SECONDS WARM_MAX; do
  [[ "${!k}" =~ ^[0-9]+$ ]] || die "BENCH_$k must be a whole number (got '${!k}')."
done
(( BATCH_SIZE >= 1 && BATCH_SIZE <= 200 )) || die "BENCH_BATCH_SIZE must be in 1..200 (got $BATCH_SIZE)."
[[ -z "$TENANTS_KNOB" || "$TENANTS_KNOB" =~ ^[1-9][0-9]*$ ]] || die "BENCH_TENANTS must be a whole number >= 1 (got '$TENANTS_KNOB')."
[[ "$PROFILE" == 0 || "$PROFILE" == 1 || "$PROFILE" == all ]] || die "BENCH_PROFILE must be 0, 1 or all (got '$PROFILE')."
for s in $STORES; do
  [[ "$s" == postgres || "$s" == sqlite ]] || die "BENCH_STORES may name postgres and sqlite only (got '$s')."
done
for n in $SIZES $SQLITE_SIZES; do
  [[ "$n" =~ ^[0-9]+$ ]] && (( n >= 1000 )) || die "BENCH_SIZES and BENCH_SQLITE_SIZES must be whole numbers >= 1000 (got '$n')."
done
command -v dotnet >/dev/null 2>&1 || die "dotnet not found."
command -v curl >/dev/null 2>&1 || die "curl not found."
ensure_tool wrk wrk
has_store sqlite && ensure_tool sqlite3 sqlite3
if has_store postgres; then
  pg_check_binaries initdb pg_ctl pg_isready psql
  if [[ "$PGBENCH" == 1 && ! -x "$PG_BIN/pgbench" ]]; then
    log "pgbench not found in $PG_BIN: skipping the SQL-only run"; PGBENCH=0
  fi
fi

read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  log "WARNING: load average is $load1 on $(nproc) cores: something else is running, the numbers will be noisy."
fi

mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"
log "results: $RESULTS"
APP_TMP="$(mktemp -d -t pim-bench-app.XXXXXXXX)"

# ---------------------------------------------------------------- build
if [[ "$BUILD" == 1 ]]; then
  log "building the benchmark host (Pim with the /bench/ endpoints) and bench/bare (Release)"
  (cd "$ROOT" && timeout --kill-after=10 900 dotnet build -c Release bench/host -nologo -v quiet) >"$RESULTS/build.log" 2>&1 \
    || { tail -n 30 "$RESULTS/build.log" >&2; die "dotnet build of bench/host failed (log: $RESULTS/build.log)."; }
fi
if [[ "$BUILD" == 1 || ! -f "$REPORT_DLL" ]]; then
  (cd "$ROOT" && timeout --kill-after=10 600 dotnet build -c Release bench/report -nologo -v quiet) >"$RESULTS/build-report.log" 2>&1 \
    || { tail -n 30 "$RESULTS/build-report.log" >&2; die "dotnet build of bench/report failed (log: $RESULTS/build-report.log)."; }
fi
if [[ "$BUILD" == 1 || ! -f "$ANCHOR_DLL" ]]; then
  (cd "$ROOT" && timeout --kill-after=10 600 dotnet build -c Release bench/bare -nologo -v quiet) >"$RESULTS/build-bare.log" 2>&1 \
    || { tail -n 30 "$RESULTS/build-bare.log" >&2; die "dotnet build of bench/bare failed (log: $RESULTS/build-bare.log)."; }
fi
[[ -f "$API_DLL" ]] || die "$API_DLL not found (build with BENCH_BUILD=1)."
[[ -f "$ANCHOR_DLL" ]] || die "$ANCHOR_DLL not found."

# dotnet-counters and dotnet-trace, at the versions pinned in .config/dotnet-tools.json (run from $ROOT, where the
# manifest is found). No profile rather than no benchmark if they cannot be restored.
TRACE_PROFILE=""
if [[ "$PROFILE" != 0 ]]; then
  if (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool restore) >"$RESULTS/tool-restore.log" 2>&1; then
    # dotnet-trace 10 calls the EventPipe sample profiler 'dotnet-sampled-thread-time' ('cpu-sampling' is collect-linux's,
    # with kernel events); older versions call it 'cpu-sampling'.
    if (cd "$ROOT" && timeout 60 dotnet tool run dotnet-trace -- list-profiles 2>/dev/null) | grep -q 'dotnet-sampled-thread-time'; then
      TRACE_PROFILE=dotnet-sampled-thread-time
    else
      TRACE_PROFILE=cpu-sampling
    fi
    TRACE_PROFILE="${BENCH_TRACE_PROFILE:-$TRACE_PROFILE}"
  else
    log "WARNING: dotnet tool restore failed (see $RESULTS/tool-restore.log): no profile"; PROFILE=0
  fi
fi

# The machine's load average every 10 s for the whole run (loadavg.txt), so that a noisy run shows as one.
(while sleep 10; do printf '%(%H:%M:%S)T %s\n' -1 "$(cut -d' ' -f1-3 /proc/loadavg)"; done) >"$RESULTS/loadavg.txt" 2>/dev/null &
LOADAVG_PID=$!

# ---------------------------------------------------------------- the benchmark's identity provider (Pim runs in Production)
start_issuer

# ---------------------------------------------------------------- the anchor: bench/bare in its own process
ANCHOR_URL=""
for attempt in 1 2 3; do   # a port taken between pick_port and Kestrel's bind is retried on another one
  ANCHOR_PORT="$(pick_port)" || die "could not find a free TCP port for the anchor."
  log "starting the anchor (bench/bare) on 127.0.0.1:$ANCHOR_PORT$( (( attempt == 1 )) || echo " (attempt $attempt)")"
  ASPNETCORE_URLS="http://127.0.0.1:$ANCHOR_PORT" DOTNET_NOLOGO=1 \
    dotnet "$ANCHOR_DLL" >"$RESULTS/anchor.log" 2>&1 </dev/null &
  ANCHOR_PID=$!
  ok=0
  for _ in $(seq 1 60); do
    kill -0 "$ANCHOR_PID" 2>/dev/null || break
    answer="$(curl -sS --max-time 2 -H 'Content-Type: application/json' \
      -d '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "http://127.0.0.1:$ANCHOR_PORT/bare" 2>/dev/null || true)"
    if [[ "$answer" == *'"decision":"allow"'* ]]; then ok=1; break; fi
    sleep 0.5
  done
  if [[ "$ok" -eq 1 ]]; then ANCHOR_URL="http://127.0.0.1:$ANCHOR_PORT/bare"; break; fi
  if ! kill -0 "$ANCHOR_PID" 2>/dev/null && grep -qi 'address already in use' "$RESULTS/anchor.log"; then
    wait "$ANCHOR_PID" 2>/dev/null || true; ANCHOR_PID=""
    log "port $ANCHOR_PORT was taken meanwhile: retrying on another one"; continue
  fi
  tail -n 30 "$RESULTS/anchor.log" >&2; die "the anchor did not answer POST /bare within 30 s (or exited)."
done
[[ -n "$ANCHOR_URL" ]] || die "the anchor could not bind a port (taken each time, 3 attempts)."

# ---------------------------------------------------------------- PostgreSQL cluster
if has_store postgres; then
  log "starting a throwaway PostgreSQL cluster"
  pg_start pim-bench-pg "shared_buffers = 1GB
effective_cache_size = 8GB
maintenance_work_mem = 256MB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
pg_stat_statements.track_planning = on"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
fi

# ---------------------------------------------------------------- environment record
{
  echo "date (UTC):   $(date -u +%FT%TZ)"
  echo "git:          $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [[ -n "$(git status --porcelain -- . ':!bench' 2>/dev/null)" ]] && echo ' (+ uncommitted changes)' || true)"
  echo "cpu:          $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory:       $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "dotnet:       $(dotnet --version)"
  has_store postgres && echo "postgres:     $("$PG_BIN/postgres" --version)"
  has_store sqlite && echo "sqlite3:      $(sqlite3 --version | awk '{print $1}') (CLI, for the load)"
  echo "wrk:          $(wrk --version 2>&1 | head -n 1 | awk '{print $2}')"
  echo "load:         $CONNECTIONS connections, $THREADS wrk threads, ${WARMUP}s warm-up + ${DURATION}s per measurement"
  echo "stores:       $STORES (postgres sizes: $SIZES; sqlite sizes: $SQLITE_SIZES)"
  echo "tenants:      ${TENANTS_KNOB:-max(1, size / 1000)}; batch size $BATCH_SIZE"
  echo "anchor:       bench/bare ($ANCHOR_DLL) on 127.0.0.1:$ANCHOR_PORT"
  echo "pim:          $API_DLL (Production; tokens from the benchmark's issuer at $ISSUER_URL)"
  echo "pim options:  Maximum Pool Size=64${PG_OPTIONS:+;$PG_OPTIONS}${PIM_ENV:+; env: $PIM_ENV}; image env: $(image_env | tr '\n' ' ')"
  echo "profile:      ${PROFILE} (dotnet-trace profile: ${TRACE_PROFILE:-none})"
} | tee "$RESULTS/environment.txt"

# ---------------------------------------------------------------- one store and size
declare -A R   # R[label.key] = value, for the summary
LABELS=()
PROFILED=()

for store in $STORES; do
  if [[ "$store" == postgres ]]; then sizes=$SIZES; else sizes=$SQLITE_SIZES; fi
  for n in $sizes; do
    bench_case "$store" "$n"
  done
done
stop_anchor

# ---------------------------------------------------------------- summary (typed: bench/report)
# Everything recorded (R) and the knobs the report prints, one "key<TAB>value" per line, then the report reads it.
{
  for k in "${!R[@]}"; do printf '%s\t%s\n' "$k" "${R[$k]}"; done
  printf 'labels\t%s\n' "${LABELS[*]}"
  printf 'profiled\t%s\n' "${PROFILED[*]}"
  for k in CONNECTIONS THREADS WARMUP DURATION BATCH_SIZE UNLOADED PGBENCH RESULTS TRACE_PROFILE; do printf 'knob.%s\t%s\n' "$k" "${!k}"; done
  printf 'knob.CORES\t%s\n' "$(nproc)"
} >"$RESULTS/results.tsv"
dotnet "$REPORT_DLL" summary "$RESULTS/results.tsv" | tee "$RESULTS/summary.txt"
