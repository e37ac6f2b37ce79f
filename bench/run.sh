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
# Then prints a summary. Raw outputs go to bench/results/<UTC timestamp>/ (or $BENCH_RESULTS_DIR). Everything it
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
PIM_ENV="${BENCH_PIM_ENV:-}"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)}"

API_DLL="${BENCH_API_DLL:-$ROOT/bench/host/bin/Release/net10.0/Pim.Bench.Host.dll}"
ANCHOR_DLL="$BENCH_DIR/bare/bin/Release/net10.0/Pim.Bench.Bare.dll"
# Same order as bench/load.sql, bench/load-sqlite.sql and bench/access.lua: the role of principal u<i> is ROLES[i % 13].
ROLES=(global-administrator privileged-role-administrator security-administrator security-reader global-reader
  exchange-administrator sharepoint-administrator teams-administrator intune-administrator user-administrator
  helpdesk-administrator billing-administrator compliance-administrator)

APP_TMP=""
API_PID=""
API_PORT=""
ANCHOR_PID=""
ANCHOR_PORT=""
PROFILER_PIDS=()   # dotnet-counters / dotnet-trace running in the background during a profiled run

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*"; }

die() {
  {
    echo
    echo "=================================================================="
    echo "ERROR: bench/run.sh: $*"
    echo "=================================================================="
    if [[ -n "$PG_TMP" && -f "$PG_TMP/postgres.log" ]]; then
      echo "---- last lines of the PostgreSQL log ----"
      tail -n 30 "$PG_TMP/postgres.log" || true
    fi
  } >&2
  exit 1
}

stop_pid() { # stop_pid PID: TERM, up to 20 s to exit, then KILL; reaps it. Only processes this script started.
  local pid=$1
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_api() { stop_pid "$API_PID"; API_PID=""; }
stop_anchor() { stop_pid "$ANCHOR_PID"; ANCHOR_PID=""; }

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${PROFILER_PIDS[@]}"; do stop_pid "$p"; done
  stop_api
  stop_anchor
  pg_stop
  [[ -n "$APP_TMP" && -d "$APP_TMP" ]] && rm -rf -- "$APP_TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=../scripts/lib/throwaway-postgres.sh
source "$ROOT/scripts/lib/throwaway-postgres.sh"

fmt() { awk -v x="$1" -v d="${2:-2}" 'BEGIN { printf "%.*f", d, x }'; }
# val KEY [DIGITS]: R[KEY] formatted, or "-" when that measurement did not happen (a store without it, a skipped batch).
val() { if [[ -n "${R[$1]:-}" ]]; then fmt "${R[$1]}" "${2:-2}"; else echo "-"; fi; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print ""; else print a / b }'; }

label_of() {
  local n=$1
  if (( n >= 1000000 && n % 1000000 == 0 )); then echo "$(( n / 1000000 ))M"
  elif (( n >= 1000 && n % 1000 == 0 )); then echo "$(( n / 1000 ))k"
  else echo "$n"; fi
}

psql_db() { # psql_db DB [psql args...]; bounded in time like everything else here (the 1M load takes about a minute)
  local db=$1; shift
  timeout --kill-after=10 1800 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "$@"
}

has_store() { [[ " $STORES " == *" $1 "* ]]; }

# ensure_tool COMMAND PACKAGE: install a missing command from Debian's packages (wrk, sqlite3), bounded in time.
ensure_tool() {
  local cmd=$1 pkg=$2 sudo=""
  command -v "$cmd" >/dev/null 2>&1 && return 0
  log "$cmd not found: installing it (apt-get install $pkg)"
  command -v apt-get >/dev/null 2>&1 || die "$cmd is missing and apt-get is not available: install $pkg."
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  if ! timeout 300 $sudo apt-get install -y -qq "$pkg" >/dev/null 2>&1; then
    timeout 300 $sudo apt-get update -qq >/dev/null 2>&1 || true
    timeout 300 $sudo apt-get install -y -qq "$pkg" >/dev/null 2>&1 || die "could not install $pkg."
  fi
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd still not found after installing $pkg."
}

# ---------------------------------------------------------------- CPU and memory accounting (/proc)
CLK_TCK="$(getconf CLK_TCK)"
proc_ticks() { # utime+stime of one process, 0 if gone or not given
  [[ -n "${1:-}" ]] || { echo 0; return; }
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_ticks() { # the postmaster and all its children (backends, walwriter, ...); 0 without a cluster
  local pm total=0 p
  [[ -n "$PG_DATA" ]] || { echo 0; return; }
  pm="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
  [[ -n "$pm" ]] || { echo 0; return; }
  # the postmaster's own time plus that of its children already reaped (fields cutime, cstime), then the live ones
  total=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pm/stat" 2>/dev/null || echo 0)
  for p in $(ps -o pid= --ppid "$pm" 2>/dev/null); do
    total=$(( total + $(proc_ticks "$p") ))
  done
  echo "$total"
}
children_ticks() { # sets CHILD_TICKS: CPU of this shell's finished children (so wrk, once it has exited), in ticks
  # `times` must run in this shell, not in a $(...) subshell, which has no children of its own.
  local _ user sys
  times >"$APP_TMP/times.txt"
  { read -r _ _; read -r user sys; } <"$APP_TMP/times.txt"
  CHILD_TICKS="$(awk -v u="$user" -v s="$sys" -v hz="$CLK_TCK" 'function sec(t, m) { split(t, m, "m"); return m[1] * 60 + m[2] }
    BEGIN { printf "%.0f\n", (sec(u) + sec(s)) * hz }')"
}
machine_ticks() { # "busy total" from /proc/stat
  awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit }' /proc/stat
}
mem_of() { # mem_of PID -> "VmRSS VmHWM" in KiB ("0 0" if gone): resident now, and its peak since the process started
  awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r + 0, h + 0 }' "/proc/$1/status" 2>/dev/null || echo "0 0"
}

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

# parse_wrk FILE -> "rps requests p50_ms p75_ms p90_ms p99_ms non2xx socket_errors"
parse_wrk() {
  awk '
    function ms(v,   x) { x = v + 0; if (v ~ /us$/) return x / 1000; if (v ~ /ms$/) return x; if (v ~ /s$/) return x * 1000; return x }
    /^ +50% / { p50 = ms($2) } /^ +75% / { p75 = ms($2) } /^ +90% / { p90 = ms($2) } /^ +99% / { p99 = ms($2) }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { reqs = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { printf "%s %s %.3f %.3f %.3f %.3f %d %d\n", rps, reqs, p50, p75, p90, p99, non2xx, errs }
  ' "$1"
}

# ---------------------------------------------------------------- the evaluation query, from the running Pim
# GET /bench/grants-sql (benchmark mode only) answers AccessReader.Grants as the code composes it; fetched per run into GRANTS_SRC.
GRANTS_SRC=""
grants_sql() { # grants_sql TENANT_EXPR PRINCIPAL_EXPR ROLES_ARRAY_EXPR SCOPE_EXPR NOW_EXPR
  local sql
  [[ -n "$GRANTS_SRC" && -s "$GRANTS_SRC" ]] || return 1
  sql="$(cat "$GRANTS_SRC")"
  [[ -n "$sql" && "$sql" == *"/*roles:a*/"* && "$sql" == *"/*roles:r*/"* ]] || return 1
  sql="${sql//\/\*roles:a\*\// AND a.role_id = ANY($3) AND a.scope = $4}"
  sql="${sql//\/\*roles:r\*\// AND r.role_id = ANY($3) AND r.scope = $4}"
  sql="${sql//@tenantId/$1}"
  sql="${sql//@principalId/$2}"
  sql="${sql//@now/$5}"
  [[ "$sql" != *@* ]] || return 1
  printf '%s\n' "$sql"
}

# ---------------------------------------------------------------- preflight
for k in DURATION WARMUP CONNECTIONS THREADS BATCH_SIZE TRACE_SECONDS; do
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
  else
    log "WARNING: dotnet tool restore failed (see $RESULTS/tool-restore.log): no profile"; PROFILE=0
  fi
fi

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
  echo "pim:          $API_DLL"
  echo "pim options:  Maximum Pool Size=64${PG_OPTIONS:+;$PG_OPTIONS}${PIM_ENV:+; env: $PIM_ENV}"
  echo "profile:      ${PROFILE} (dotnet-trace profile: ${TRACE_PROFILE:-none})"
} | tee "$RESULTS/environment.txt"

# ---------------------------------------------------------------- Pim
# start_pim STORE CONNECTION_STRING: starts Pim for $LABEL on a free port, waits for /health/ready (bounded). A port
# taken between pick_port and Kestrel's bind (the machine is shared) is retried on another port, up to 3 times.
start_pim() {
  local store=$1 conn=$2 ok=0 attempt lines
  mkdir -p "$APP_TMP/data-$LABEL"
  for attempt in 1 2 3; do
    API_PORT="$(pick_port)" || die "could not find a free TCP port for Pim."
    log "starting Pim ($store) on 127.0.0.1:$API_PORT$( (( attempt == 1 )) || echo " (attempt $attempt)")"
    lines=$(wc -l <"$RESULTS/api-$LABEL.log")
    # shellcheck disable=SC2086 # BENCH_PIM_ENV is a list of K=V words on purpose
    env ASPNETCORE_ENVIRONMENT=Development \
      ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
      Pim__Store__Provider="$store" \
      ConnectionStrings__Pim="$conn" \
      Pim__Auth__PlatformIdentities__0=bench-gateway \
      Pim__RateLimits__Evaluation__PerCaller=1000000000 Pim__RateLimits__Evaluation__PerTenant=1000000000 \
      Serilog__MinimumLevel__Default=Warning \
      Pim__DataDirectory="$APP_TMP/data-$LABEL" \
      $PIM_ENV \
      dotnet "$API_DLL" >>"$RESULTS/api-$LABEL.log" 2>&1 </dev/null &
    API_PID=$!
    for _ in $(seq 1 120); do
      kill -0 "$API_PID" 2>/dev/null || break
      if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$API_PORT/health/ready" || true)" == 200 ]]; then
        ok=1; break
      fi
      sleep 1
    done
    [[ "$ok" -eq 1 ]] && return 0
    if ! kill -0 "$API_PID" 2>/dev/null; then
      wait "$API_PID" 2>/dev/null || true; API_PID=""
      if tail -n +"$(( lines + 1 ))" "$RESULTS/api-$LABEL.log" | grep -qi 'address already in use'; then
        log "port $API_PORT was taken meanwhile: retrying on another one"; continue
      fi
      tail -n 30 "$RESULTS/api-$LABEL.log" >&2; die "Pim exited at start-up."
    fi
    tail -n 30 "$RESULTS/api-$LABEL.log" >&2; die "Pim was not ready within 120 s."
  done
  die "Pim could not bind a port (taken each time, 3 attempts)."
}

# post_json URL BODY [AUTH]: prints "<http status> <body>" (status 000 when the request failed)
post_json() {
  local out code
  out="$(curl -sS --max-time 10 -w '\n%{http_code}' -H 'Content-Type: application/json' \
    ${3:+-H "Authorization: Bearer $3"} -d "$2" "$1" 2>&1)" || true
  code="${out##*$'\n'}"; [[ "$code" =~ ^[0-9]{3}$ ]] || code=000
  printf '%s %s\n' "$code" "${out%$'\n'*}"
}

# sqlite_ts_check DB: the loaded timestamps must be spelled as Pim spells its own (read bench/load-sqlite.sql). Pim
# writes assignment_usage after an allow (flushed every 10 s and at shutdown); compare the shapes, digits aside.
# Prints nothing when they match, else a description of both.
sqlite_ts_check() {
  local db=$1 pim loaded shape='s/[0-9]/9/g; s/\.9+//'
  pim="$(sqlite3 "$db" "SELECT first_used_at FROM assignment_usage LIMIT 1" 2>/dev/null || true)"
  loaded="$(sqlite3 "$db" "SELECT starts_at FROM role_assignments WHERE tenant_id = 't1' LIMIT 1" 2>/dev/null || true)"
  [[ -n "$pim" ]] || { echo "Pim wrote no timestamp to compare with yet (assignment_usage is empty); loaded: '$loaded'"; return; }
  [[ "$(sed -E "$shape" <<<"$pim")" == "$(sed -E "$shape" <<<"$loaded")" ]] \
    || echo "Pim writes timestamps like '$pim' but bench/load-sqlite.sql loaded '$loaded'"
}

# ---------------------------------------------------------------- profile (a separate, extra eval run)
# top_busy exclusive|inclusive < dotnet-trace topN report: the lines of busy code only, at most 15. The sampler
# (EventPipe's, ~100 Hz) takes every managed thread whether it runs or waits, so a plain top list is led by idle
# threads' wait frames; these are taken out, and so, in the inclusive list, are the roots every thread goes through and
# the long-lived idle threads (Main, the socket engine, the file watcher, the metrics pollers).
# 'busy%' is the share of the samples that are not idle waits (exclusive list: 100 % less the idle frames' share).
# Native code without symbols (SQLite's engine, OpenSSL, the kernel) shows as 'Missing Symbol' or in its managed caller.
IDLE_FRAMES='WaitHandle\.Wait|LowLevelLifoSemaphore\.Wait|ManualResetEventSlim\.Wait|Monitor\.Wait\(|SemaphoreSlim\.Wait|Thread\.Sleep|Interop\+Sys\.Read\(|Interop\+Sys\.WaitForSocketEvents|Interop\+Sys\.Poll|Thread\.Join|Task\.Wait|Task\.InternalWait|Thread\.<PollGC>|Thread\.PollGC'
ROOT_FRAMES='Program\.<Main>|Program\+<<Main>|SpinThenBlockingWait|HostingAbstractionsHostExtensions\.Run|TaskAwaiter\.HandleNonSuccess|FileSystemWatcher|SocketAsyncEngine\.EventLoop|Heartbeat\.TimerLoop|CounterGroup\.PollForValues|AggregationManager\.CollectWorker|Int32\]\.Start\(|^\(Non-Activities\)|^Threads$|^Thread\.StartCallback|^Thread\.StartCore|WorkerThread\.WorkerThreadStart|ThreadPoolWorkQueue\.Dispatch|ExecutionContext\.Run|AsyncMethodBuilderCore\.Start|PortableThreadPool|ThreadPoolTypedWorkItemQueue|TimerQueue|Thread\.ThreadMain|Thread\.StartHelper'
top_busy() {
  awk -v kind="$1" -v idle="$IDLE_FRAMES" -v roots="$ROOT_FRAMES" '
    /^ *[0-9]+\. / {
      line = $0; sub(/^ *[0-9]+\. +/, "", line)
      excl = $NF; incl = $(NF - 1); sub(/%$/, "", excl); sub(/%$/, "", incl)
      name = line; sub(/ +[0-9.]+% +[0-9.]+% *$/, "", name)
      n++; nm[n] = name; ex[n] = excl + 0; in_[n] = incl + 0
      if (name ~ idle) idle_share += excl
    }
    END {
      busy = 100 - idle_share; if (busy <= 0) busy = 100
      printf "%-4s %-80s %8s %8s %8s\n", "", "function (idle waits" (kind == "inclusive" ? " and thread roots" : "") " left out)", "incl%", "excl%", (kind == "exclusive" ? "busy%" : "")
      for (i = 1; i <= n && shown < 15; i++) {
        if (nm[i] ~ idle || (kind == "inclusive" && nm[i] ~ roots)) continue
        shown++
        if (kind == "exclusive") printf "%-4s %-80s %8.2f %8.2f %8.1f\n", shown ".", substr(nm[i], 1, 80), in_[i], ex[i], 100 * ex[i] / busy
        else printf "%-4s %-80s %8.2f %8.2f\n", shown ".", substr(nm[i], 1, 80), in_[i], ex[i]
      }
      if (kind == "exclusive") printf "     idle waits among the top %d: %.1f%% of all samples\n", n, idle_share
    }'
}

# dotnet-counters for the whole run and a dotnet-trace sample of a few seconds inside it. Not the measured run: the
# main table never includes a profiled window. Summaries: profile-counters-$LABEL.txt, profile-top-*-$LABEL.txt.
profile_case() {
  local url=$1 ctr="$RESULTS/profile-counters-$LABEL.csv" trace="$RESULTS/profile-$LABEL.nettrace" secs=$DURATION
  local tsecs=$TRACE_SECONDS cpid tpid t0 t1 rps ok=0
  (( tsecs <= secs - 2 )) || tsecs=$(( secs > 3 ? secs - 2 : 1 ))
  R[$LABEL.trace_s]=$tsecs
  log "profile: an extra eval run of ${secs}s under dotnet-counters, with a ${tsecs}s dotnet-trace sample ($TRACE_PROFILE)"
  (cd "$ROOT" && exec timeout --kill-after=10 $(( secs + 60 )) dotnet tool run dotnet-counters -- collect -p "$API_PID" \
      --counters System.Runtime,Microsoft.AspNetCore.Hosting --refresh-interval 1 --format csv -o "$ctr" \
      --duration "00:00:00:$(( secs + 3 ))") >"$RESULTS/profile-counters-$LABEL.log" 2>&1 </dev/null &
  cpid=$!; PROFILER_PIDS+=("$cpid")
  for _ in $(seq 1 40); do   # attached once it says so (the tool's own start-up takes a second or two)
    grep -q 'Starting a counter session' "$RESULTS/profile-counters-$LABEL.log" 2>/dev/null && { ok=1; break; }
    kill -0 "$cpid" 2>/dev/null || break
    sleep 0.5
  done
  [[ "$ok" -eq 1 ]] || log "WARNING: dotnet-counters did not start (see profile-counters-$LABEL.log)"
  # The trace starts 2 s into the run (past the ramp) and stops by itself.
  (sleep 2; cd "$ROOT" && exec timeout --kill-after=10 $(( tsecs + 120 )) dotnet tool run dotnet-trace -- collect -p "$API_PID" \
      --profile "$TRACE_PROFILE" --duration "00:00:00:$tsecs" -o "$trace") >"$RESULTS/profile-trace-$LABEL.log" 2>&1 </dev/null &
  tpid=$!; PROFILER_PIDS+=("$tpid")
  t0=$(date +%Y%m%d%H%M%S)
  run_wrk "profile-eval-$LABEL" eval "$url" "$secs"
  t1=$(date +%Y%m%d%H%M%S)
  wait "$tpid" 2>/dev/null || log "WARNING: dotnet-trace failed (see profile-trace-$LABEL.log)"
  wait "$cpid" 2>/dev/null || log "WARNING: dotnet-counters failed (see profile-counters-$LABEL.log)"
  PROFILER_PIDS=()
  read -r rps _ < <(parse_wrk "$RESULTS/profile-eval-$LABEL.txt")
  R[$LABEL.profile.rps]=$rps

  # Counters, over the samples taken while wrk ran (ramp seconds at both ends left out). dotnet-counters writes
  # "Timestamp,Provider,Counter Name,Counter Type,Mean/Increment", timestamps as MM/dd/yyyy HH:mm:ss (local time);
  # '/ 1 sec' counters are rates. If no sample falls in the window (another timestamp format), all samples are used.
  if [[ -s "$ctr" ]]; then
    awk -F, -v from="$t0" -v to="$t1" -v rps="$rps" -v label="$LABEL" '
      function stamp(ts,   d, t) { split(ts, d, /[\/ :]/); return sprintf("%04d%02d%02d%02d%02d%02d", d[3], d[1], d[2], d[4], d[5], d[6]) }
      NR == 1 { next }
      { n++; ts[n] = $1; name[n] = $3; v[n] = $NF + 0 }
      END {
        for (i = 1; i <= n; i++) { s = stamp(ts[i]); if (s > from && s < to) inwin++ }
        for (i = 1; i <= n; i++) {
          s = stamp(ts[i]); if (inwin > 0 && !(s > from && s < to)) continue
          seen[ts[i]] = 1
          if (name[i] ~ /^dotnet.process.cpu.time/) cpu += v[i]
          else if (name[i] ~ /^dotnet.process.cpu.count/) cores = v[i]
          else if (name[i] ~ /^dotnet.gc.heap.total_allocated/) alloc += v[i]
          else if (name[i] ~ /^dotnet.gc.collections.*gen0/) g0 += v[i]
          else if (name[i] ~ /^dotnet.gc.collections.*gen1/) g1 += v[i]
          else if (name[i] ~ /^dotnet.gc.collections.*gen2/) g2 += v[i]
          else if (name[i] ~ /^dotnet.gc.last_collection.heap.size/) heap[ts[i]] += v[i]
          else if (name[i] ~ /^dotnet.gc.last_collection.memory.committed_size/) { committed += v[i]; nc++ }
          else if (name[i] ~ /^dotnet.process.memory.working_set/) { ws += v[i]; nw++ }
          else if (name[i] ~ /^dotnet.gc.pause.time/) pause += v[i]
          else if (name[i] ~ /^dotnet.monitor.lock_contentions/) locks += v[i]
          else if (name[i] ~ /^dotnet.exceptions/) exc += v[i]
          else if (name[i] ~ /^dotnet.thread_pool.work_item.count/) items += v[i]
          else if (name[i] ~ /^http.server.request.duration.*access\/evaluation.*Percentile=50/) p50 = v[i]
          else if (name[i] ~ /^http.server.request.duration.*access\/evaluation.*Percentile=99/) p99 = v[i]
        }
        for (t in seen) secs++
        for (t in heap) { hsum += heap[t]; hn++; if (heap[t] > hmax) hmax = heap[t] }
        if (secs < 1) secs = 1; if (cores < 1) cores = 1; if (rps <= 0) rps = 1
        printf "counters over %d one-second samples of the profiled run (%s req/s):\n", secs, rps
        printf "  CPU (Pim process)     %.2f cores = %.0f%% of %d (%.0f us per request)\n", cpu / secs, 100 * cpu / secs / cores, cores, 1e6 * cpu / secs / rps
        printf "  allocation rate       %.1f MB/s = %.1f KB per request\n", alloc / secs / 1e6, alloc / secs / rps / 1e3
        printf "  GC collections        gen0 %d, gen1 %d, gen2 %d (%.1f / %.1f / %.2f per s); paused %.1f%% of the time\n", g0, g1, g2, g0 / secs, g1 / secs, g2 / secs, 100 * pause / secs
        printf "  GC heap after last GC %.1f MB mean, %.1f MB max; GC committed %.1f MB; working set %.1f MB\n", (hn ? hsum / hn : 0) / 1048576, hmax / 1048576, (nc ? committed / nc : 0) / 1048576, (nw ? ws / nw : 0) / 1048576
        printf "  lock contentions      %.1f per s; thread-pool work items %.0f per s (%.1f per request); exceptions %.1f per s\n", locks / secs, items / secs, items / secs / rps, exc / secs
        if (p50 != "") printf "  server-side duration  p50 %.2f ms, p99 %.2f ms (ASP.NET Core histogram, the eval route)\n", p50 * 1000, p99 * 1000
      }' "$ctr" >"$RESULTS/profile-counters-$LABEL.txt"
  else
    echo "no dotnet-counters output (see profile-counters-$LABEL.log)" >"$RESULTS/profile-counters-$LABEL.txt"
  fi

  # Top 60 functions of the trace by exclusive and by inclusive time (dotnet-trace report), then the same lists with the
  # frames of idle threads taken out (top_busy), which are what the summary shows.
  if [[ -s "$trace" ]]; then
    (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool run dotnet-trace -- report "$trace" topN -n 60) \
      >"$RESULTS/profile-top-exclusive-$LABEL.txt" 2>&1 || log "WARNING: dotnet-trace report failed"
    (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool run dotnet-trace -- report "$trace" topN -n 60 --inclusive) \
      >"$RESULTS/profile-top-inclusive-$LABEL.txt" 2>&1 || log "WARNING: dotnet-trace report --inclusive failed"
    rm -f -- "$trace.etlx"   # the report's conversion cache, as large as the trace
    top_busy exclusive <"$RESULTS/profile-top-exclusive-$LABEL.txt" >"$RESULTS/profile-busy-exclusive-$LABEL.txt"
    top_busy inclusive <"$RESULTS/profile-top-inclusive-$LABEL.txt" >"$RESULTS/profile-busy-inclusive-$LABEL.txt"
    # The CPU samples alone (bench/trace-cpu.py, from the speedscope conversion of the same trace), when python3 is here.
    if command -v python3 >/dev/null 2>&1; then
      local ss
      (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool run dotnet-trace -- convert "$trace" --format speedscope \
          -o "$RESULTS/profile-$LABEL.json") >"$RESULTS/profile-convert-$LABEL.log" 2>&1 || true
      rm -f -- "$trace.etlx"
      ss="$(find "$RESULTS" -maxdepth 1 -name "profile-$LABEL*.speedscope.json" | head -n 1)"
      if [[ -n "$ss" ]] && timeout --kill-after=10 300 python3 "$BENCH_DIR/trace-cpu.py" "$ss" 15 >"$RESULTS/profile-cpu-$LABEL.txt" 2>&1; then
        gzip -f "$ss"
      else
        log "WARNING: no CPU view of the trace (see profile-convert-$LABEL.log, profile-cpu-$LABEL.txt)"
        rm -f -- "$RESULTS/profile-cpu-$LABEL.txt"
      fi
    fi
  else
    log "WARNING: no trace file (see profile-trace-$LABEL.log)"
  fi
  PROFILED+=("$LABEL")
}

# ---------------------------------------------------------------- one store and size
declare -A R   # R[label.key] = value, for the summary
LABELS=()
PROFILED=()

bench_case() {
  local store=$1 n=$2 short
  [[ "$store" == postgres ]] && short=pg || short=sqlite
  LABEL="$short-$(label_of "$n")"
  LABELS+=("$LABEL")
  TENANTS="${TENANTS_KNOB:-$(( n / 1000 ))}"; (( TENANTS >= 1 )) || TENANTS=1
  local per=$(( n / TENANTS ))
  (( per >= 20 )) || die "$LABEL: $n assignments over $TENANTS tenants is $per per tenant: at least 20 are needed."
  (( per * TENANTS == n )) || log "WARNING: $n is not a multiple of $TENANTS tenants: loading $per per tenant, $(( per * TENANTS )) in all."
  local groups=$(( per / 1000 )); (( groups >= 1 )) || groups=1
  local users=$(( per - groups ))
  BLOCKS=$(( users / 10 ))
  R[$LABEL.store]=$store; R[$LABEL.tenants]=$TENANTS
  log "===== $LABEL: $n role assignments over $TENANTS tenants ($per each: $users users, $groups groups) on $store ====="
  : >"$RESULTS/api-$LABEL.log"

  local db conn sqlite_db="" t0
  if [[ "$store" == postgres ]]; then
    db="pim_bench_$(label_of "$n")"; db="${db,,}"   # unquoted identifiers fold to lower case
    psql_db postgres -c "CREATE DATABASE $db" >/dev/null
    conn="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db;Maximum Pool Size=64${PG_OPTIONS:+;$PG_OPTIONS}"
    start_pim postgres "$conn"
    log "loading $LABEL"
    t0=$SECONDS
    psql_db "$db" -v tenants="$TENANTS" -v per="$per" -v groups="$groups" -v users="$users" -f "$BENCH_DIR/load.sql" \
      >"$RESULTS/load-$LABEL.log" 2>&1 || { cat "$RESULTS/load-$LABEL.log" >&2; die "loading $LABEL failed."; }
    R[$LABEL.load_sql_s]=$(( SECONDS - t0 ))
    psql_db "$db" -c "VACUUM (ANALYZE) tenants, principals, group_memberships, group_closure, role_assignments, activation_requests" \
      -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
      -c "CHECKPOINT" >/dev/null
    psql_db "$db" -At -c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                             WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null
    R[$LABEL.load_s]=$(( SECONDS - t0 ))
    psql_db "$db" -At -F ' ' -c "
      SELECT 'role_assignments', count(*), pg_size_pretty(pg_total_relation_size('role_assignments')) FROM role_assignments
      UNION ALL SELECT 'principals', count(*), pg_size_pretty(pg_total_relation_size('principals')) FROM principals
      UNION ALL SELECT 'group_memberships', count(*), pg_size_pretty(pg_total_relation_size('group_memberships')) FROM group_memberships
      UNION ALL SELECT 'group_closure', count(*), pg_size_pretty(pg_total_relation_size('group_closure')) FROM group_closure
      UNION ALL SELECT 'activation_requests', count(*), pg_size_pretty(pg_total_relation_size('activation_requests')) FROM activation_requests
      UNION ALL SELECT 'tenants', count(*), pg_size_pretty(pg_total_relation_size('tenants')) FROM tenants" \
      | tee "$RESULTS/tables-$LABEL.txt" | awk '{ printf "    %-20s %9s rows  %s %s\n", $1, $2, $3, $4 }'
    log "loaded in ${R[$LABEL.load_s]} s (SQL ${R[$LABEL.load_sql_s]} s, then VACUUM ANALYZE and prewarm)"
  else
    # SQLite: Pim creates the schema at start-up, then stops while the sqlite3 CLI loads (no writer in the way), then
    # starts again on the loaded file.
    mkdir -p "$APP_TMP/sqlite-$LABEL"
    sqlite_db="$APP_TMP/sqlite-$LABEL/pim.db"
    conn="Data Source=$sqlite_db"
    start_pim sqlite "$conn"
    stop_api
    log "loading $LABEL"
    t0=$SECONDS
    timeout --kill-after=10 1800 sqlite3 -bail "$sqlite_db" -cmd ".parameter set :tenants $TENANTS" \
      -cmd ".parameter set :per $per" -cmd ".parameter set :groups $groups" -cmd ".parameter set :users $users" \
      <"$BENCH_DIR/load-sqlite.sql" >"$RESULTS/load-$LABEL.log" 2>&1 \
      || { cat "$RESULTS/load-$LABEL.log" >&2; die "loading $LABEL failed."; }
    R[$LABEL.load_s]=$(( SECONDS - t0 )); R[$LABEL.load_sql_s]=${R[$LABEL.load_s]}
    local tbl size
    size="$(( $(stat -c %s "$sqlite_db") / 1048576 )) MB"
    for tbl in role_assignments principals group_memberships group_closure activation_requests tenants; do
      echo "$tbl $(sqlite3 "$sqlite_db" "SELECT count(*) FROM $tbl") ($size file)"
    done | tee "$RESULTS/tables-$LABEL.txt" | awk '{ printf "    %-20s %9s rows  %s %s %s\n", $1, $2, $3, $4, $5 }'
    log "loaded in ${R[$LABEL.load_s]} s (incl. ANALYZE)"
    start_pim sqlite "$conn"
  fi
  R[$LABEL.rows]=$(awk '$1 == "role_assignments" { print $2 }' "$RESULTS/tables-$LABEL.txt")

  # Token: a platform identity (Pim__Auth__PlatformIdentities__0) with scope pim.evaluate and no tenant, from the
  # development issuer (ASPNETCORE_ENVIRONMENT=Development): it may evaluate in every tenant.
  local body
  body="$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
    -d '{"subject":"bench-gateway","scopes":["pim.evaluate"]}' "http://127.0.0.1:$API_PORT/dev/token")" \
    || die "POST /dev/token failed."
  TOKEN="$(printf '%s' "$body" | sed -n 's/.*"accessToken" *: *"\([^"]*\)".*/\1/p')"
  [[ -n "$TOKEN" ]] || die "no accessToken in the /dev/token answer: $body"
  GRANTS_SRC=""
  if [[ "$store" == postgres ]]; then
    GRANTS_SRC="$RESULTS/grants-$LABEL.sql"
    curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/bench/grants-sql" >"$GRANTS_SRC" \
      || log "WARNING: GET /bench/grants-sql failed: no EXPLAIN or pgbench of the query"
  fi
  local BASE_URL="http://127.0.0.1:$API_PORT/"
  local BARE_URL="http://127.0.0.1:$API_PORT/bench/bare"

  # Sanity checks: answers as loaded, in the first, a middle and the last tenant; both branches of "allow"
  # (assignment: i % 10 = 1..4, 6..9; activation: i % 10 = 0) and a "deny"; no tenant past the last one.
  local i k expect answer code mid=$(( (TENANTS + 1) / 2 ))
  for triple in 1:1:allow "$TENANTS":4:allow "$mid":10:allow 1:$(( 10 * BLOCKS - 1 )):allow \
                "$TENANTS":$(( 10 * BLOCKS )):allow "$mid":5:deny; do
    IFS=: read -r k i expect <<<"$triple"
    read -r code answer < <(post_json "${BASE_URL}v1/tenants/t$k/access/evaluation" \
      "{\"principalId\":\"u$i\",\"roleId\":\"${ROLES[i % 13]}\",\"scope\":\"/\"}" "$TOKEN")
    if [[ "$code" != 200 || "$answer" != *"\"decision\":\"$expect\""* ]]; then
      if [[ -n "$sqlite_db" ]]; then   # most likely cause on SQLite: the spelling of the loaded timestamps
        stop_api
        log "SQLite timestamps: $(sqlite_ts_check "$sqlite_db")"
      fi
      die "t$k u$i / ${ROLES[i % 13]}: expected 200 $expect, got: $code $answer"
    fi
  done
  read -r code answer < <(post_json "${BASE_URL}v1/tenants/t$(( TENANTS + 1 ))/access/evaluation" \
    '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "$TOKEN")
  [[ "$code" == 404 ]] || die "tenant t$(( TENANTS + 1 )) should not exist (404), got: $code $answer"
  read -r code answer < <(post_json "$BARE_URL" '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "$TOKEN")
  [[ "$code" == 200 ]] || die "POST /bench/bare answered $code (is this the benchmark host, bench/host?)."
  read -r code answer < <(post_json "$BARE_URL" '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}')
  [[ "$code" == 401 ]] || die "POST /bench/bare without a token answered $code, not 401: it must be authenticated like evaluation."
  log "sanity checks passed (allow/deny as loaded in t1, t$mid and t$TENANTS; t$(( TENANTS + 1 )) unknown; pim-bare authenticated)"

  # Batch: probe with one full batch (all allow, the last one a deny) before measuring, and skip while the endpoint
  # does not exist in this build.
  local batch=0 items="" decisions expected j
  for (( j = 1; j < BATCH_SIZE; j++ )); do
    i=$(( 10 * ((j - 1) % BLOCKS) + 1 + (j % 4) ))   # i % 10 in 1..4: active assignments, "allow"
    items+="{\"principalId\":\"u$i\",\"roleId\":\"${ROLES[i % 13]}\",\"scope\":\"/\"},"
  done
  items+="{\"principalId\":\"u5\",\"roleId\":\"${ROLES[5 % 13]}\",\"scope\":\"/\"}"
  read -r code answer < <(post_json "${BASE_URL}v1/tenants/t1/access/evaluations" "{\"evaluations\":[$items]}" "$TOKEN")
  case "$code" in
    200)
      decisions="$(grep -o '"decision" *: *"[a-z]*"' <<<"$answer" | sed 's/.*"\([a-z]*\)"$/\1/' | tr '\n' ' ')"
      expected=""; for (( j = 1; j < BATCH_SIZE; j++ )); do expected+="allow "; done; expected+="deny "
      [[ "$decisions" == "$expected" ]] \
        || die "POST .../access/evaluations: expected $(( BATCH_SIZE - 1 )) allow then 1 deny, in order; got: ${answer:0:600}"
      batch=1; log "batch endpoint answers $BATCH_SIZE decisions in order: measuring it" ;;
    404|405)
      log "batch: POST /v1/tenants/{tenantId}/access/evaluations answered $code: not in this build, batch measurement skipped"
      R[$LABEL.batch.note]="endpoint answered $code" ;;
    *)
      log "WARNING: batch probe answered $code: ${answer:0:300}; batch measurement skipped"
      R[$LABEL.batch.note]="probe answered $code" ;;
  esac

  # Warm-up (JIT tiering, pool, caches), then the measurements, one after the other.
  log "warm-up ${WARMUP}s each: anchor, pim-bare, eval$([[ "$batch" == 1 ]] && echo ', batch')"
  run_wrk "warmup-anchor-$LABEL" bare "$ANCHOR_URL" "$WARMUP"
  run_wrk "warmup-pimbare-$LABEL" bare "$BARE_URL" "$WARMUP"
  run_wrk "warmup-eval-$LABEL" eval "$BASE_URL" "$WARMUP"
  [[ "$batch" == 1 ]] && run_wrk "warmup-batch-$LABEL" batch "$BASE_URL" "$WARMUP"
  read -r "R[$LABEL.rss_warm]" "R[$LABEL.hwm_warm]" < <(mem_of "$API_PID")
  log "measuring anchor ${DURATION}s"
  run_wrk "anchor-$LABEL" bare "$ANCHOR_URL" "$DURATION"
  log "measuring pim-bare ${DURATION}s"
  run_wrk "pimbare-$LABEL" bare "$BARE_URL" "$DURATION"
  [[ "$store" == postgres ]] && psql_db "$db" -c "SELECT pg_stat_statements_reset()" >/dev/null
  log "measuring eval ${DURATION}s"
  run_wrk "eval-$LABEL" eval "$BASE_URL" "$DURATION"
  read -r "R[$LABEL.rss_eval]" "R[$LABEL.hwm_eval]" < <(mem_of "$API_PID")
  read -r "R[$LABEL.anchor_rss]" _ < <(mem_of "$ANCHOR_PID")
  if [[ "$store" == postgres ]]; then
    psql_db "$db" -At -F ' ' -c "
      SELECT calls, round(mean_exec_time::numeric, 4), round(mean_plan_time::numeric, 4), round(max_exec_time::numeric, 3),
             shared_blks_hit, shared_blks_read, plans
      FROM pg_stat_statements WHERE query LIKE '%role_assignments a %' AND query LIKE '%activation_requests r %'
      ORDER BY calls DESC LIMIT 1" >"$RESULTS/pgss-$LABEL.txt"
    # Where PostgreSQL spent its time during the eval run (background jobs of Pim included), most first.
    psql_db "$db" -At -c "SELECT round((total_plan_time + total_exec_time)::numeric) || ' ms in all, ' || calls || ' calls, '
                                 || plans || ' plans, mean plan ' || round(mean_plan_time::numeric, 4) || ' ms, mean exec '
                                 || round(mean_exec_time::numeric, 4) || ' ms: ' || query
                          FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 10" >"$RESULTS/pgss-top-$LABEL.txt"
  fi
  if [[ "$batch" == 1 ]]; then
    log "measuring batch ($BATCH_SIZE decisions per call) ${DURATION}s"
    run_wrk "batch-$LABEL" batch "$BASE_URL" "$DURATION"
  fi
  if [[ "$UNLOADED" == 1 ]]; then
    log "measuring anchor, pim-bare and eval with 1 connection, ${DURATION}s each"
    run_wrk "anchor1-$LABEL" bare "$ANCHOR_URL" "$DURATION" 1 1
    run_wrk "pimbare1-$LABEL" bare "$BARE_URL" "$DURATION" 1 1
    run_wrk "eval1-$LABEL" eval "$BASE_URL" "$DURATION" 1 1
  fi
  if [[ "$PROFILE" == all || ( "$PROFILE" == 1 && ${#PROFILED[@]} -eq 0 ) ]]; then
    profile_case "$BASE_URL"
  fi

  local kind kinds=(anchor pimbare eval) rps reqs p50 p75 p90 p99 non2xx errs api pg wrkt busy total lines anc
  [[ "$batch" == 1 ]] && kinds+=(batch)
  for kind in "${kinds[@]}"; do
    read -r rps reqs p50 p75 p90 p99 non2xx errs < <(parse_wrk "$RESULTS/$kind-$LABEL.txt")
    read -r api pg wrkt busy total lines anc <"$RESULTS/$kind-$LABEL.cpu"
    R[$LABEL.$kind.logs]="$(awk -v l="$lines" -v n="$reqs" 'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }')"
    R[$LABEL.$kind.rps]=$rps; R[$LABEL.$kind.p50]=$p50; R[$LABEL.$kind.p90]=$p90; R[$LABEL.$kind.p99]=$p99
    R[$LABEL.$kind.bad]=$(( non2xx + errs ))
    # CPU microseconds per request: the anchor, Pim, PostgreSQL, wrk, the rest of the machine's busy time (other
    # processes, such as a concurrent build, and kernel time charged to none of them), and machine utilisation.
    R[$LABEL.$kind.cpu]="$(awk -v n0="$anc" -v a="$api" -v p="$pg" -v w="$wrkt" -v b="$busy" -v t="$total" -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN {
      if (n < 1) n = 1; us = 1e6 / hz / n; r = b - n0 - a - p - w; if (r < 0) r = 0
      printf "%.0f %.0f %.0f %.0f %.0f %.0f", n0 * us, a * us, p * us, w * us, r * us, (t > 0 ? 100 * b / t : 0) }')"
    log "$kind: $rps req/s  p50 ${p50} ms  p99 ${p99} ms  non-2xx/errors $(( non2xx + errs ))"
  done
  if [[ "$batch" == 1 ]]; then
    R[$LABEL.batch.dps]="$(awk -v r="${R[$LABEL.batch.rps]}" -v b="$BATCH_SIZE" 'BEGIN { print r * b }')"
    R[$LABEL.batch.ratio]="$(div "${R[$LABEL.batch.dps]}" "${R[$LABEL.eval.rps]}")"
    log "batch: $(fmt "${R[$LABEL.batch.dps]}" 0) decisions/s = $(fmt "${R[$LABEL.batch.ratio]}")x single calls"
  fi
  if [[ "$UNLOADED" == 1 ]]; then
    for kind in anchor1 pimbare1 eval1; do
      read -r rps reqs p50 p75 p90 p99 non2xx errs < <(parse_wrk "$RESULTS/$kind-$LABEL.txt")
      R[$LABEL.$kind]="$(fmt "$rps" 0) r/s, p50 $(fmt "$p50") p99 $(fmt "$p99")"
      R[$LABEL.$kind.bad]=$(( non2xx + errs ))
      log "$kind (1 connection): ${R[$LABEL.$kind]} ms, non-2xx/errors $(( non2xx + errs ))"
    done
  fi
  log "Pim resident memory: $(( R[$LABEL.rss_warm] / 1024 )) MiB after load + warm-up, $(( R[$LABEL.rss_eval] / 1024 )) MiB after eval (peak $(( R[$LABEL.hwm_eval] / 1024 )) MiB)"

  if [[ "$store" == postgres ]]; then
    if [[ -s "$RESULTS/pgss-$LABEL.txt" ]]; then
      local calls mean plan max hit rd plans
      read -r calls mean plan max hit rd plans <"$RESULTS/pgss-$LABEL.txt"
      R[$LABEL.sql_mean]=$mean; R[$LABEL.sql_plan]=$plan; R[$LABEL.sql_max]=$max
      R[$LABEL.sql_plans]="$(awk -v c="$calls" -v p="$plans" 'BEGIN { printf "%.0f%%", 100 * p / c }')"
      R[$LABEL.sql_blks]="$(awk -v c="$calls" -v h="$hit" -v r="$rd" 'BEGIN { printf "%.1f hit, %.2f read", h / c, r / c }')"
      log "grants query in PostgreSQL (pg_stat_statements): $calls calls, planned ${R[$LABEL.sql_plans]} of them, mean plan $plan ms, mean exec $mean ms, max exec $max ms, per call ${R[$LABEL.sql_blks]} buffers"
    else
      log "WARNING: the grants query was not found in pg_stat_statements (it did not run during eval: answered from memory?)"
    fi
    explain_pg "$db"
  fi

  stop_api
  if [[ -n "$sqlite_db" ]]; then   # Pim flushed its usage records at shutdown: compare its timestamp spelling
    answer="$(sqlite_ts_check "$sqlite_db")"
    [[ -z "$answer" ]] || log "WARNING: SQLite timestamps: $answer"
  fi
  # Keep the log, compressed when large (at Warning level it should stay small).
  if (( $(stat -c %s "$RESULTS/api-$LABEL.log") > 1048576 )); then gzip -f "$RESULTS/api-$LABEL.log"; fi

  [[ "$store" == postgres && "$PGBENCH" == 1 ]] && pgbench_pg "$db"
  return 0
}

# explain_pg DB: EXPLAIN (ANALYZE, BUFFERS) in one session (warm catalog caches, as in Pim's pooled connections), third
# run kept, in tenant t1: a principal with an active assignment (also a group member) and one that holds the role
# through an activation. Then the generic plan of the same query as a prepared statement (what Npgsql auto-prepare runs).
explain_pg() {
  local db=$1 now sample_a sample_r sql i psql_script="$RESULTS/explain-$LABEL.sql"
  now="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)"
  sample_a=$(( 20 * (BLOCKS / 4) + 4 ))   # i % 10 = 4 (active assignment) and i % 4 = 0 (group member)
  sample_r=$(( 10 * (BLOCKS / 2) + 10 ))
  if sql="$(grants_sql "'t1'" "'u$sample_a'" "ARRAY['${ROLES[sample_a % 13]}']" "'/'" "'$now'::timestamptz")"; then
    {
      for i in "$sample_a" "$sample_r"; do
        sql="$(grants_sql "'t1'" "'u$i'" "ARRAY['${ROLES[i % 13]}']" "'/'" "'$now'::timestamptz")"
        echo "\\echo '-- custom plan: tenant t1, principal u$i, role ${ROLES[i % 13]}, third run in the session'"
        echo '\o /dev/null'
        printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\n' "$sql"
        printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\n' "$sql"
        echo '\o'
        printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\n' "$sql"
      done
      i=$sample_a
      echo "\\echo '-- generic plan (prepared statement after 6 executions): tenant t1, principal u$i, role ${ROLES[i % 13]}'"
      printf 'PREPARE grants(text, text, text[], text, timestamptz) AS %s;\n' "$(grants_sql '$1' '$2' '$3' '$4' '$5')"
      echo '\o /dev/null'
      for _ in 1 2 3 4 5 6; do
        echo "EXECUTE grants('t1', 'u$i', ARRAY['${ROLES[i % 13]}'], '/', '$now');"
      done
      echo '\o'
      echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE grants('t1', 'u$i', ARRAY['${ROLES[i % 13]}'], '/', '$now');"
    } >"$psql_script"
    psql_db "$db" -f "$psql_script" >"$RESULTS/explain-$LABEL.txt" 2>&1 || log "WARNING: EXPLAIN failed (see explain-$LABEL.txt)"
  else
    echo "could not extract the Grants query from $GRANTS_SRC" >"$RESULTS/explain-$LABEL.txt"
  fi
  R[$LABEL.explain]="$(awk '/^-- custom plan/ { c = 1 } /^-- generic plan/ { c = 0 }
    c && /Planning Time/ { p = $3 } c && /Execution Time/ { printf "%s%s+%s", sep, p, $3; sep = ", " }' "$RESULTS/explain-$LABEL.txt")"
  R[$LABEL.seqscan]="$(grep -c 'Seq Scan' "$RESULTS/explain-$LABEL.txt" || true)"
}

# pgbench_pg DB: SQL only, the same query through pgbench with Pim stopped, a random tenant and principal per
# execution as access.lua draws them. 'extended' re-plans every execution (unprepared commands, as Pim ran it before
# Npgsql auto-prepare); 'prepared' reuses a prepared statement, as Npgsql's auto-prepare or explicit Prepare would.
pgbench_pg() {
  local db=$1 roles_array mode sql
  roles_array="ARRAY['$(IFS=,; echo "${ROLES[*]}" | sed "s/,/','/g")']"
  if sql="$(grants_sql "('t' || :k)" "('u' || :i)" "ARRAY[($roles_array)[:r]]" "'/'" "now()")"; then
    {
      echo '\set k random(1, '"$TENANTS"')'
      echo '\set a random(0, '"$(( BLOCKS - 1 ))"')'
      echo '\set b random(1, 9)'
      echo '\set b :b + :b / 5'
      echo '\set i 10 * :a + :b'
      echo '\set r :i % 13 + 1'
      printf '%s;\n' "$(printf '%s' "$sql" | tr '\n' ' ')"
    } >"$RESULTS/sql-only-$LABEL.pgbench"
    for mode in extended prepared; do
      log "SQL only (pgbench -M $mode, Pim stopped) ${DURATION}s"
      timeout --kill-after=10 $(( DURATION + 60 )) "$PG_BIN/pgbench" -n -M "$mode" -c "$CONNECTIONS" -j "$THREADS" \
        -T "$DURATION" -h 127.0.0.1 -p "$PG_PORT" -U postgres -f "$RESULTS/sql-only-$LABEL.pgbench" "$db" \
        >"$RESULTS/pgbench-$mode-$LABEL.txt" 2>&1 || die "pgbench failed: $(tail -n 5 "$RESULTS/pgbench-$mode-$LABEL.txt")"
      R[$LABEL.pgb_$mode]="$(awk '/^tps = / { tps = $3 } /^latency average = / { lat = $4 }
        END { printf "%.0f q/s (%s ms)", tps, lat }' "$RESULTS/pgbench-$mode-$LABEL.txt")"
      log "SQL only, $mode: ${R[$LABEL.pgb_$mode]}"
    done
  fi
}

for store in $STORES; do
  if [[ "$store" == postgres ]]; then sizes=$SIZES; else sizes=$SQLITE_SIZES; fi
  for n in $sizes; do
    bench_case "$store" "$n"
  done
done
stop_anchor

# ---------------------------------------------------------------- summary
NOISY=""
LOGGY=""
mark() { awk -v x="$1" -v t="$2" -v op="$3" 'BEGIN { if (x == "") { print "-"; exit }
  ok = (op == ">=" ? x + 0 >= t : x + 0 < t); print (ok ? "met" : "MISSED") }'; }
{
  echo
  echo "======================================================================================================================"
  echo " Pim access evaluation against a bare Kestrel endpoint (the anchor, its own process), $(nproc) cores shared by wrk + Pim + store"
  echo " wrk: $CONNECTIONS connections, $THREADS threads, ${WARMUP}s warm-up + ${DURATION}s per measurement; latencies in ms"
  echo "======================================================================================================================"
  printf '%-11s %8s %7s %9s %9s %9s %7s %8s %8s %11s %7s %8s %6s\n' \
    case rows tenants "anchor/s" "pimbare/s" "eval r/s" "e/anch" "eval p50" "eval p99" "batch dec/s" "b/single" "RSS MiB" errors
  for L in "${LABELS[@]}"; do
    R[$L.ratio]="$(div "${R[$L.eval.rps]}" "${R[$L.anchor.rps]}")"
    printf '%-11s %8s %7s %9s %9s %9s %7s %8s %8s %11s %7s %8s %6s\n' "$L" "${R[$L.rows]}" "${R[$L.tenants]}" \
      "$(val "$L.anchor.rps" 0)" "$(val "$L.pimbare.rps" 0)" "$(val "$L.eval.rps" 0)" "$(val "$L.ratio")" \
      "$(val "$L.eval.p50")" "$(val "$L.eval.p99")" "$(val "$L.batch.dps" 0)" "$(val "$L.batch.ratio" 1)" \
      "$(( ${R[$L.rss_eval]} / 1024 ))" "$(( ${R[$L.anchor.bad]} + ${R[$L.pimbare.bad]} + ${R[$L.eval.bad]} + ${R[$L.batch.bad]:-0} ))"
  done
  echo " e/anch = eval r/s / anchor r/s (target >= 0.5); eval p99 target < 5 ms; b/single = batch decisions/s / eval r/s"
  echo " (target >= 10); RSS = Pim's VmRSS after the eval run; errors = non-2xx + socket errors of all four runs (should be 0)."
  for L in "${LABELS[@]}"; do
    [[ -z "${R[$L.batch.note]:-}" ]] || echo " $L: batch not measured (${R[$L.batch.note]})."
  done
  echo
  echo " Latencies (ms) and the cost of Pim's pipeline: pim-bare/anchor and eval/pim-bare throughput ratios"
  printf '%-11s %10s %10s %10s %10s %9s %10s %10s %9s %9s\n' case "anchor p50" "anchor p99" "pbare p50" "pbare p99" "eval p90" \
    "batch p50" "batch p99" "pb/anch" "e/pbare"
  for L in "${LABELS[@]}"; do
    printf '%-11s %10s %10s %10s %10s %9s %10s %10s %9s %9s\n' "$L" "$(val "$L.anchor.p50")" "$(val "$L.anchor.p99")" \
      "$(val "$L.pimbare.p50")" "$(val "$L.pimbare.p99")" "$(val "$L.eval.p90")" "$(val "$L.batch.p50")" "$(val "$L.batch.p99")" \
      "$(fmt "$(div "${R[$L.pimbare.rps]}" "${R[$L.anchor.rps]}")")" "$(fmt "$(div "${R[$L.eval.rps]}" "${R[$L.pimbare.rps]}")")"
  done
  echo
  echo " CPU time per request in microseconds, and machine CPU utilisation during the run. 'other': busy time charged to"
  echo " none of the anchor, Pim, PostgreSQL or wrk (other processes on the machine, some kernel time); large means a noisy run."
  echo " batch: per call of $BATCH_SIZE decisions (divide by $BATCH_SIZE for a decision)."
  printf '%-11s %-8s %8s %8s %8s %8s %8s %8s %6s %10s\n' case run anchor Pim Postgres wrk other total busy% "log l/req"
  for L in "${LABELS[@]}"; do
    for kind in anchor pimbare eval batch; do
      [[ -n "${R[$L.$kind.cpu]:-}" ]] || continue
      read -r n0 a p w o u <<<"${R[$L.$kind.cpu]}"
      printf '%-11s %-8s %8s %8s %8s %8s %8s %8s %5s%% %10s\n' "$L" "$kind" "$n0" "$a" "$p" "$w" "$o" "$(( n0 + a + p + w + o ))" "$u" "${R[$L.$kind.logs]}"
      if [[ "$kind" != anchor ]] && awk -v x="${R[$L.$kind.logs]}" 'BEGIN { exit !(x >= 0.5) }'; then LOGGY="$LOGGY $L/$kind"; fi
      (( o * 5 <= n0 + a + p + w + o )) || NOISY="$NOISY $L/$kind"
    done
  done
  [[ -z "$LOGGY" ]] || echo " WARNING: Pim logged about one line per request in:$LOGGY, although Serilog__MinimumLevel__Default=Warning."
  [[ -z "${NOISY:-}" ]] || echo " WARNING: over 20% of the busy CPU went to other processes in:$NOISY; the machine was not quiet."
  echo
  echo " Pim's resident memory (MiB; /proc/PID/status VmRSS, and VmHWM = peak since start), and the anchor's for scale:"
  printf '%-11s %8s %24s %16s %12s %12s\n' case rows "after load + warm-up" "after eval" "peak (HWM)" "anchor RSS"
  for L in "${LABELS[@]}"; do
    printf '%-11s %8s %24s %16s %12s %12s\n' "$L" "${R[$L.rows]}" "$(( ${R[$L.rss_warm]} / 1024 ))" "$(( ${R[$L.rss_eval]} / 1024 ))" \
      "$(( ${R[$L.hwm_eval]} / 1024 ))" "$(( ${R[$L.anchor_rss]} / 1024 ))"
  done
  echo
  echo " Load time (s): $(for L in "${LABELS[@]}"; do printf '%s %s (SQL %s); ' "$L" "${R[$L.load_s]}" "${R[$L.load_sql_s]}"; done)"
  if [[ "$UNLOADED" == 1 ]]; then
    echo
    echo " One connection (no queueing: the service time of one request; latencies in ms):"
    for L in "${LABELS[@]}"; do
      printf '   %-11s anchor: %-30s pim-bare: %-30s eval: %s\n' "$L" "${R[$L.anchor1]}" "${R[$L.pimbare1]}" "${R[$L.eval1]}"
    done
  fi
  PG_LABELS=()
  for L in "${LABELS[@]}"; do [[ "${R[$L.store]}" == postgres ]] && PG_LABELS+=("$L"); done
  if (( ${#PG_LABELS[@]} > 0 )); then
    echo
    echo " The evaluation query alone (PostgreSQL):"
    echo "   during the eval run (pg_stat_statements): share of executions planned, mean plan and execution time (ms),"
    echo "   buffers per call; EXPLAIN ANALYZE (warm session, custom plan, tenant t1) planning+execution ms for two samples:"
    printf '     %-11s %8s %10s %10s %10s %-22s %s\n' case planned "plan ms" "exec ms" "max exec" "buffers/call" "EXPLAIN plan+exec ms"
    for L in "${PG_LABELS[@]}"; do
      printf '     %-11s %8s %10s %10s %10s %-22s %s\n' "$L" "${R[$L.sql_plans]:-?}" "${R[$L.sql_plan]:-?}" "${R[$L.sql_mean]:-?}" \
        "${R[$L.sql_max]:-?}" "${R[$L.sql_blks]:-?}" "${R[$L.explain]:-?}"
    done
    if [[ "$PGBENCH" == 1 ]]; then
      echo "   SQL only, pgbench with $CONNECTIONS clients, random tenant (Pim stopped; re-planned each time vs prepared statement):"
      for L in "${PG_LABELS[@]}"; do
        printf '     %-11s extended: %-26s prepared: %s\n' "$L" "${R[$L.pgb_extended]:--}" "${R[$L.pgb_prepared]:--}"
      done
    fi
  fi
  for L in "${PROFILED[@]}"; do
    echo
    echo " Profile of $L: a SEPARATE extra eval run after the measured ones (not in the tables above; the profilers' own"
    echo " cost is in it): $(fmt "${R[$L.profile.rps]:-0}" 0) req/s under dotnet-counters + dotnet-trace ($TRACE_PROFILE)."
    sed 's/^/   /' "$RESULTS/profile-counters-$L.txt"
    if [[ -s "$RESULTS/profile-cpu-$L.txt" ]]; then
      echo "   dotnet-trace (${R[$L.trace_s]} s sample), the CPU samples alone (bench/trace-cpu.py; the inclusive list is in"
      echo "   profile-cpu-$L.txt):"
      sed -n '1,17p' "$RESULTS/profile-cpu-$L.txt" | sed 's/^/     /'
    fi
    if [[ -s "$RESULTS/profile-busy-exclusive-$L.txt" ]]; then
      echo "   dotnet-trace report topN, top 15 by exclusive time; % of all samples, and busy% = share of the samples that"
      echo "   are not idle waits (the sampler takes every managed thread, running or waiting; 'Missing Symbol' = P/Invoke"
      echo "   stubs of system calls: socket send/receive, and the socket engine's epoll wait):"
      sed 's/^/     /' "$RESULTS/profile-busy-exclusive-$L.txt"
      echo "   top 15 by inclusive time (where the request's time goes, middleware by middleware):"
      sed 's/^/     /' "$RESULTS/profile-busy-inclusive-$L.txt"
      echo "   (unfiltered top 60 in profile-top-*-$L.txt; the trace: profile-$L.nettrace, opens in PerfView or speedscope"
      echo "    after dotnet-trace convert)"
    fi
  done
  echo
  echo " Targets (reported, not asserted):"
  for L in "${LABELS[@]}"; do
    printf '   %-11s eval/anchor throughput >= 0.50:   %-7s %s\n' "$L" "$(val "$L.ratio")" "$(mark "${R[$L.ratio]}" 0.5 '>=')"
    printf '   %-11s eval p99 < 5 ms:                  %-7s %s\n' "$L" "$(val "$L.eval.p99")" "$(mark "${R[$L.eval.p99]}" 5 '<')"
    printf '   %-11s batch/single decisions/s >= 10:  %-7s %s\n' "$L" "$(val "$L.batch.ratio" 1)" \
      "$(if [[ -n "${R[$L.batch.ratio]:-}" ]]; then mark "${R[$L.batch.ratio]}" 10 '>='; else echo "not measured (${R[$L.batch.note]:-})"; fi)"
    (( ${R[$L.seqscan]:-0} == 0 )) || echo "   $L WARNING: the EXPLAIN shows a Seq Scan (see explain-$L.txt)"
  done
  if (( ${#PG_LABELS[@]} >= 2 )); then
    S="${PG_LABELS[0]}"; B="${PG_LABELS[${#PG_LABELS[@]} - 1]}"
    slow=$(div "${R[$S.eval.rps]}" "${R[$B.eval.rps]}")
    printf '   %s vs %s slowdown, eval r/s %s / %s = %sx (target <= 1.5x): %s; eval p50 x%s, p99 x%s\n' "$B" "$S" \
      "$(fmt "${R[$S.eval.rps]}" 0)" "$(fmt "${R[$B.eval.rps]}" 0)" "$(fmt "$slow")" \
      "$(awk -v r="$slow" 'BEGIN { print (r <= 1.5 ? "met" : "MISSED") }')" \
      "$(fmt "$(div "${R[$B.eval.p50]}" "${R[$S.eval.p50]}")")" "$(fmt "$(div "${R[$B.eval.p99]}" "${R[$S.eval.p99]}")")"
  fi
  echo
  echo " Raw outputs: $RESULTS"
} | tee "$RESULTS/summary.txt"
