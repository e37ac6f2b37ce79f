#!/usr/bin/env bash
# Benchmark of Pim's access-evaluation hot path on PostgreSQL.
#
# For each store size (role assignments in the tenant; default 10,000 and 1,000,000) it:
#   1. creates a database in a throwaway PostgreSQL 15 cluster and starts Pim against it (migrations run at start-up),
#   2. loads the tenant with SQL (bench/load.sql), VACUUM ANALYZE, prewarms the tables,
#   3. warms up, then measures with wrk (closed loop, N connections, --latency) in the SAME Pim process:
#        bare  POST /bench/bare                                  (auth + JSON in/out, no store access)
#        eval  POST /v1/tenants/{tenantId}/access/evaluation     (the hot path)
#      sampling CPU time of Pim, of PostgreSQL and of the whole machine during each run,
#   4. EXPLAIN (ANALYZE, BUFFERS) of the evaluation query (taken from the C# source at run time), pg_stat_statements
#      figures for it during the eval run, and a SQL-only pgbench run of the same query (Pim idle),
#   5. stops Pim.
# Then prints a summary table. Raw outputs go to bench/results/<UTC timestamp>/ (or $BENCH_RESULTS_DIR).
# Everything it starts (Pim, the cluster) and its temp dirs are removed on exit. Only 127.0.0.1 is targeted.
#
# Knobs (environment): BENCH_SIZES="10000 1000000"  BENCH_DURATION=15 (s)  BENCH_WARMUP=5 (s)
#   BENCH_CONNECTIONS=32  BENCH_THREADS=2  BENCH_BUILD=1 (0: reuse the existing Release build)
#   BENCH_UNLOADED=1 (also measure both endpoints with 1 connection: service time without queueing; 0: skip)
#   BENCH_API_DLL=... (run another build of Pim.Api.dll, e.g. an experimental copy; use with BENCH_BUILD=0)
#   BENCH_PGBENCH=1 (0: skip the SQL-only runs)  BENCH_RESULTS_DIR=...  PIM_PG_BIN=/usr/lib/postgresql/15/bin
#   BENCH_PG_OPTIONS="" (appended to Pim's connection string, e.g. "Max Auto Prepare=20;Auto Prepare Min Usages=2")
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"

SIZES="${BENCH_SIZES:-10000 1000000}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-5}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
BUILD="${BENCH_BUILD:-1}"
PGBENCH="${BENCH_PGBENCH:-1}"
PG_OPTIONS="${BENCH_PG_OPTIONS:-}"
UNLOADED="${BENCH_UNLOADED:-1}"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)}"

TENANT="bench-tenant"
API_DLL="${BENCH_API_DLL:-$ROOT/Pim.Api/bin/Release/net10.0/Pim.Api.dll}"
# Same order as bench/load.sql and bench/access.lua: the role of principal u<i> is ROLES[i % 13].
ROLES=(global-administrator privileged-role-administrator security-administrator security-reader global-reader
  exchange-administrator sharepoint-administrator teams-administrator intune-administrator user-administrator
  helpdesk-administrator billing-administrator compliance-administrator)

APP_TMP=""
API_PID=""
API_PORT=""

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

stop_api() {
  [[ -n "$API_PID" ]] || return 0
  if kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$API_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$API_PID" 2>/dev/null && kill -KILL "$API_PID" 2>/dev/null || true
  fi
  wait "$API_PID" 2>/dev/null || true
  API_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_api
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

# ---------------------------------------------------------------- CPU accounting (/proc, clock ticks)
CLK_TCK="$(getconf CLK_TCK)"
proc_ticks() { # utime+stime of one process, 0 if gone
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_ticks() { # the postmaster and all its children (backends, walwriter, ...)
  local pm total=0 p
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

# ---------------------------------------------------------------- wrk
# run_wrk NAME URL SECONDS [CONNECTIONS THREADS]: writes $RESULTS/NAME.txt and $RESULTS/NAME.cpu
# (CPU ticks of Pim, PostgreSQL, wrk, busy and total of the machine; then the lines Pim logged during the run)
run_wrk() {
  local name=$1 url=$2 secs=$3 conns=${4:-$CONNECTIONS} threads=${5:-$THREADS}
  local a0 p0 m0 w0 a1 p1 m1 w1 l0 l1
  l0=$(wc -l <"$RESULTS/api-$LABEL.log")
  children_ticks; w0=$CHILD_TICKS; a0=$(proc_ticks "$API_PID"); p0=$(pg_ticks); m0=$(machine_ticks)
  timeout --kill-after=10 $(( secs + 60 )) \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
      -s "$BENCH_DIR/access.lua" "$url" -- "$TOKEN" "$BLOCKS" >"$RESULTS/$name.txt" 2>&1 \
    || die "wrk failed for $name: $(tail -n 5 "$RESULTS/$name.txt")"
  a1=$(proc_ticks "$API_PID"); p1=$(pg_ticks); m1=$(machine_ticks); children_ticks; w1=$CHILD_TICKS
  read -r mb0 mt0 <<<"$m0"; read -r mb1 mt1 <<<"$m1"
  l1=$(wc -l <"$RESULTS/api-$LABEL.log")
  echo "$(( a1 - a0 )) $(( p1 - p0 )) $(( w1 - w0 )) $(( mb1 - mb0 )) $(( mt1 - mt0 )) $(( l1 - l0 ))" >"$RESULTS/$name.cpu"
  kill -0 "$API_PID" 2>/dev/null || die "Pim died during $name (log: $RESULTS/api-$LABEL.log)."
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
[[ "$DURATION" =~ ^[0-9]+$ && "$WARMUP" =~ ^[0-9]+$ && "$CONNECTIONS" =~ ^[0-9]+$ && "$THREADS" =~ ^[0-9]+$ ]] \
  || die "BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS and BENCH_THREADS must be whole numbers."
for n in $SIZES; do
  [[ "$n" =~ ^[0-9]+$ ]] && (( n >= 1000 )) || die "BENCH_SIZES must be whole numbers >= 1000 (got '$n')."
done
pg_check_binaries initdb pg_ctl pg_isready psql
if [[ "$PGBENCH" == 1 && ! -x "$PG_BIN/pgbench" ]]; then
  log "pgbench not found in $PG_BIN: skipping the SQL-only run"; PGBENCH=0
fi
command -v dotnet >/dev/null 2>&1 || die "dotnet not found."
command -v curl >/dev/null 2>&1 || die "curl not found."
if ! command -v wrk >/dev/null 2>&1; then
  log "wrk not found: installing it (apt-get install wrk)"
  command -v apt-get >/dev/null 2>&1 || die "wrk is missing and apt-get is not available: install wrk."
  SUDO=""; [[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
  if ! timeout 300 $SUDO apt-get install -y -qq wrk >/dev/null 2>&1; then
    timeout 300 $SUDO apt-get update -qq >/dev/null 2>&1 || true
    timeout 300 $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 || die "could not install wrk."
  fi
  command -v wrk >/dev/null 2>&1 || die "wrk still not found after installing it."
fi

read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  log "WARNING: load average is $load1 on $(nproc) cores: something else is running, the numbers will be noisy."
fi

mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"
log "results: $RESULTS"

# ---------------------------------------------------------------- build
if [[ "$BUILD" == 1 ]]; then
  log "building Pim.Api (Release)"
  (cd "$ROOT" && timeout --kill-after=10 900 dotnet build -c Release Pim.Api -nologo -v quiet) >"$RESULTS/build.log" 2>&1 \
    || { tail -n 30 "$RESULTS/build.log" >&2; die "dotnet build failed (log: $RESULTS/build.log)."; }
fi
[[ -f "$API_DLL" ]] || die "$API_DLL not found (build with BENCH_BUILD=1)."

# ---------------------------------------------------------------- PostgreSQL cluster
APP_TMP="$(mktemp -d -t pim-bench-app.XXXXXXXX)"
log "starting a throwaway PostgreSQL cluster"
pg_start pim-bench-pg "shared_buffers = 1GB
effective_cache_size = 8GB
maintenance_work_mem = 256MB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
pg_stat_statements.track_planning = on"
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

# ---------------------------------------------------------------- environment record
{
  echo "date (UTC):   $(date -u +%FT%TZ)"
  echo "git:          $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [[ -n "$(git status --porcelain -- . ':!bench' 2>/dev/null)" ]] && echo ' (+ uncommitted changes)' || true)"
  echo "cpu:          $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory:       $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "dotnet:       $(dotnet --version)"
  echo "postgres:     $("$PG_BIN/postgres" --version)"
  echo "wrk:          $(wrk --version 2>&1 | head -n 1 | awk '{print $2}')"
  echo "load:         $CONNECTIONS connections, $THREADS wrk threads, ${WARMUP}s warm-up + ${DURATION}s per measurement"
  echo "sizes:        $SIZES"
  echo "pim options:  Maximum Pool Size=64${PG_OPTIONS:+;$PG_OPTIONS}"
} | tee "$RESULTS/environment.txt"

# ---------------------------------------------------------------- one store size
declare -A R   # R[label.key] = value, for the summary
LABELS=()

bench_size() {
  local n=$1
  LABEL="$(label_of "$n")"
  LABELS+=("$LABEL")
  local db="pim_bench_${LABEL,,}"   # unquoted identifiers fold to lower case
  local groups=$(( n / 1000 )); (( groups >= 1 )) || groups=1
  local users=$(( n - groups ))
  BLOCKS=$(( users / 10 ))
  log "===== $LABEL: $n role assignments ($users users, $groups groups) in database $db ====="

  psql_db postgres -c "CREATE DATABASE $db" >/dev/null

  # Pim against this database; migrations create the schema.
  API_PORT="$(pick_port)" || die "could not find a free TCP port for Pim."
  mkdir -p "$APP_TMP/data-$LABEL"
  log "starting Pim on 127.0.0.1:$API_PORT"
  ASPNETCORE_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
  Pim__Store__Provider=postgres \
  ConnectionStrings__Pim="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db;Maximum Pool Size=64${PG_OPTIONS:+;$PG_OPTIONS}" \
  Pim__Benchmark__BareEndpoint=true \
  Pim__Auth__PlatformIdentities__0=bench-gateway \
  Pim__RateLimits__Evaluation__PerCaller=1000000000 Pim__RateLimits__Evaluation__PerTenant=1000000000 \
  Serilog__MinimumLevel__Default=Warning \
  Pim__DataDirectory="$APP_TMP/data-$LABEL" \
    dotnet "$API_DLL" >"$RESULTS/api-$LABEL.log" 2>&1 </dev/null &
  API_PID=$!
  local ok=0
  for _ in $(seq 1 120); do
    kill -0 "$API_PID" 2>/dev/null || { tail -n 30 "$RESULTS/api-$LABEL.log" >&2; die "Pim exited at start-up."; }
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$API_PORT/health/ready" || true)" == 200 ]]; then
      ok=1; break
    fi
    sleep 1
  done
  [[ "$ok" -eq 1 ]] || { tail -n 30 "$RESULTS/api-$LABEL.log" >&2; die "Pim was not ready within 120 s."; }

  # Load.
  log "loading $LABEL"
  local t0=$SECONDS
  psql_db "$db" -v tenant="$TENANT" -v n="$n" -v groups="$groups" -v users="$users" -f "$BENCH_DIR/load.sql" \
    >"$RESULTS/load-$LABEL.log" 2>&1 || { cat "$RESULTS/load-$LABEL.log" >&2; die "loading $LABEL failed."; }
  psql_db "$db" -c "VACUUM (ANALYZE) tenants, principals, group_memberships, role_assignments, activation_requests" \
    -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
    -c "CHECKPOINT" >/dev/null
  psql_db "$db" -At -c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                           WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null
  R[$LABEL.load_s]=$(( SECONDS - t0 ))
  psql_db "$db" -At -F ' ' -c "
    SELECT 'role_assignments', count(*), pg_size_pretty(pg_total_relation_size('role_assignments')) FROM role_assignments
    UNION ALL SELECT 'principals', count(*), pg_size_pretty(pg_total_relation_size('principals')) FROM principals
    UNION ALL SELECT 'group_memberships', count(*), pg_size_pretty(pg_total_relation_size('group_memberships')) FROM group_memberships
    UNION ALL SELECT 'activation_requests', count(*), pg_size_pretty(pg_total_relation_size('activation_requests')) FROM activation_requests" \
    | tee "$RESULTS/tables-$LABEL.txt" | awk '{ printf "    %-20s %9s rows  %s %s\n", $1, $2, $3, $4 }'
  R[$LABEL.rows]=$(awk '$1 == "role_assignments" { print $2 }' "$RESULTS/tables-$LABEL.txt")
  log "loaded in ${R[$LABEL.load_s]} s (incl. VACUUM ANALYZE and prewarm)"

  # Token and sanity checks: the load's principals answer as bench/load.sql says.
  local body
  body="$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
    -d '{"subject":"bench-gateway","scopes":["pim.evaluate"]}' "http://127.0.0.1:$API_PORT/dev/token")" \
    || die "POST /dev/token failed."
  TOKEN="$(printf '%s' "$body" | sed -n 's/.*"accessToken" *: *"\([^"]*\)".*/\1/p')"
  [[ -n "$TOKEN" ]] || die "no accessToken in the /dev/token answer: $body"
  GRANTS_SRC="$RESULTS/grants-$LABEL.sql"
  curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/bench/grants-sql" >"$GRANTS_SRC" \
    || log "WARNING: GET /bench/grants-sql failed: no EXPLAIN or pgbench of the query"
  local EVAL_URL="http://127.0.0.1:$API_PORT/v1/tenants/$TENANT/access/evaluation"
  local BARE_URL="http://127.0.0.1:$API_PORT/bench/bare"
  local i expect answer
  for pair in 1:allow 4:allow 10:allow $(( 10 * BLOCKS - 1 )):allow $(( 10 * BLOCKS )):allow 5:deny; do
    i=${pair%%:*}; expect=${pair##*:}
    answer="$(curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"principalId\":\"u$i\",\"roleId\":\"${ROLES[i % 13]}\",\"scope\":\"/\"}" "$EVAL_URL")" || die "evaluation request failed."
    [[ "$answer" == *"\"decision\":\"$expect\""* ]] || die "u$i / ${ROLES[i % 13]}: expected $expect, got: $answer"
  done
  answer="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "$BARE_URL")" || true
  [[ "$answer" == 200 ]] || die "POST /bench/bare answered $answer (is Pim__Benchmark__BareEndpoint supported by this build?)."
  answer="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "$BARE_URL")" || true
  [[ "$answer" == 401 ]] || die "POST /bench/bare without a token answered $answer, not 401: it must be authenticated like evaluation."
  log "sanity checks passed (allow/deny as loaded, bare endpoint authenticated)"

  # Warm-up (JIT tiering, pool, caches), then the measurements; bare and eval in the same process.
  log "warm-up ${WARMUP}s + ${WARMUP}s"
  run_wrk "warmup-bare-$LABEL" "$BARE_URL" "$WARMUP"
  run_wrk "warmup-eval-$LABEL" "$EVAL_URL" "$WARMUP"
  log "measuring bare ${DURATION}s"
  run_wrk "bare-$LABEL" "$BARE_URL" "$DURATION"
  psql_db "$db" -c "SELECT pg_stat_statements_reset()" >/dev/null
  log "measuring eval ${DURATION}s"
  run_wrk "eval-$LABEL" "$EVAL_URL" "$DURATION"
  psql_db "$db" -At -F ' ' -c "
    SELECT calls, round(mean_exec_time::numeric, 4), round(mean_plan_time::numeric, 4), round(max_exec_time::numeric, 3),
           shared_blks_hit, shared_blks_read, plans
    FROM pg_stat_statements WHERE query LIKE '%FROM role_assignments a%' AND query LIKE '%activation_requests r%'
    ORDER BY calls DESC LIMIT 1" >"$RESULTS/pgss-$LABEL.txt"
  # Where PostgreSQL spent its time during the eval run (background jobs of Pim included), most first.
  psql_db "$db" -At -c "SELECT round((total_plan_time + total_exec_time)::numeric) || ' ms in all, ' || calls || ' calls, '
                               || plans || ' plans, mean plan ' || round(mean_plan_time::numeric, 4) || ' ms, mean exec '
                               || round(mean_exec_time::numeric, 4) || ' ms: ' || query
                        FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 10" >"$RESULTS/pgss-top-$LABEL.txt"
  if [[ "$UNLOADED" == 1 ]]; then
    log "measuring bare and eval with 1 connection, ${DURATION}s each"
    run_wrk "bare1-$LABEL" "$BARE_URL" "$DURATION" 1 1
    run_wrk "eval1-$LABEL" "$EVAL_URL" "$DURATION" 1 1
  fi

  local kind rps reqs p50 p75 p90 p99 non2xx errs api pg wrkt busy total lines
  for kind in bare eval; do
    read -r rps reqs p50 p75 p90 p99 non2xx errs < <(parse_wrk "$RESULTS/$kind-$LABEL.txt")
    read -r api pg wrkt busy total lines <"$RESULTS/$kind-$LABEL.cpu"
    R[$LABEL.$kind.logs]="$(awk -v l="$lines" -v n="$reqs" 'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }')"
    R[$LABEL.$kind.rps]=$rps; R[$LABEL.$kind.p50]=$p50; R[$LABEL.$kind.p90]=$p90; R[$LABEL.$kind.p99]=$p99
    R[$LABEL.$kind.bad]=$(( non2xx + errs ))
    # CPU microseconds per request: Pim, PostgreSQL, wrk, the rest of the machine's busy time (other processes, such
    # as a concurrent build, and kernel time charged to none of them), and machine utilisation.
    R[$LABEL.$kind.cpu]="$(awk -v a="$api" -v p="$pg" -v w="$wrkt" -v b="$busy" -v t="$total" -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN {
      if (n < 1) n = 1; us = 1e6 / hz / n; r = b - a - p - w; if (r < 0) r = 0
      printf "%.0f %.0f %.0f %.0f %.0f", a * us, p * us, w * us, r * us, (t > 0 ? 100 * b / t : 0) }')"
    log "$kind: $rps req/s  p50 ${p50} ms  p99 ${p99} ms  non-2xx/errors $(( non2xx + errs ))"
  done
  if [[ "$UNLOADED" == 1 ]]; then
    for kind in bare1 eval1; do
      read -r rps reqs p50 p75 p90 p99 non2xx errs < <(parse_wrk "$RESULTS/$kind-$LABEL.txt")
      R[$LABEL.$kind]="$(fmt "$rps" 0) r/s, p50 $(fmt "$p50") p99 $(fmt "$p99")"
      R[$LABEL.$kind.bad]=$(( non2xx + errs ))
      log "$kind (1 connection): ${R[$LABEL.$kind]} ms, non-2xx/errors $(( non2xx + errs ))"
    done
  fi
  if [[ -s "$RESULTS/pgss-$LABEL.txt" ]]; then
    read -r calls mean plan max hit rd plans <"$RESULTS/pgss-$LABEL.txt"
    R[$LABEL.sql_mean]=$mean; R[$LABEL.sql_plan]=$plan; R[$LABEL.sql_max]=$max
    R[$LABEL.sql_plans]="$(awk -v c="$calls" -v p="$plans" 'BEGIN { printf "%.0f%%", 100 * p / c }')"
    R[$LABEL.sql_blks]="$(awk -v c="$calls" -v h="$hit" -v r="$rd" 'BEGIN { printf "%.1f hit, %.2f read", h / c, r / c }')"
    log "grants query in PostgreSQL (pg_stat_statements): $calls calls, planned ${R[$LABEL.sql_plans]} of them, mean plan $plan ms, mean exec $mean ms, max exec $max ms, per call ${R[$LABEL.sql_blks]} buffers"
  else
    log "WARNING: the grants query was not found in pg_stat_statements"
  fi

  # EXPLAIN (ANALYZE, BUFFERS) in one session (warm catalog caches, as in Pim's pooled connections), third run kept:
  # a principal with an active assignment (also a group member) and one that holds the role through an activation.
  # Then the generic plan of the same query as a prepared statement (what Npgsql auto-prepare would run).
  local now sample_a sample_r sql psql_script="$RESULTS/explain-$LABEL.sql"
  now="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)"
  sample_a=$(( 20 * (BLOCKS / 4) + 4 ))   # i % 10 = 4 (active assignment) and i % 4 = 0 (group member)
  sample_r=$(( 10 * (BLOCKS / 2) + 10 ))
  if sql="$(grants_sql "'$TENANT'" "'u$sample_a'" "ARRAY['${ROLES[sample_a % 13]}']" "'/'" "'$now'::timestamptz")"; then
    {
      for i in "$sample_a" "$sample_r"; do
        sql="$(grants_sql "'$TENANT'" "'u$i'" "ARRAY['${ROLES[i % 13]}']" "'/'" "'$now'::timestamptz")"
        echo "\\echo '-- custom plan (what Pim runs today): principal u$i, role ${ROLES[i % 13]}, third run in the session'"
        echo '\o /dev/null'
        printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\n' "$sql"
        printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\n' "$sql"
        echo '\o'
        printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\n' "$sql"
      done
      i=$sample_a
      echo "\\echo '-- generic plan (prepared statement after 6 executions): principal u$i, role ${ROLES[i % 13]}'"
      printf 'PREPARE grants(text, text, text[], text, timestamptz) AS %s;\n' "$(grants_sql '$1' '$2' '$3' '$4' '$5')"
      echo '\o /dev/null'
      for _ in 1 2 3 4 5 6; do
        echo "EXECUTE grants('$TENANT', 'u$i', ARRAY['${ROLES[i % 13]}'], '/', '$now');"
      done
      echo '\o'
      echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE grants('$TENANT', 'u$i', ARRAY['${ROLES[i % 13]}'], '/', '$now');"
    } >"$psql_script"
    psql_db "$db" -f "$psql_script" >"$RESULTS/explain-$LABEL.txt" 2>&1 || log "WARNING: EXPLAIN failed (see explain-$LABEL.txt)"
  else
    echo "could not extract the Grants query from $GRANTS_SRC" >"$RESULTS/explain-$LABEL.txt"
  fi
  R[$LABEL.explain]="$(awk '/^-- custom plan/ { c = 1 } /^-- generic plan/ { c = 0 }
    c && /Planning Time/ { p = $3 } c && /Execution Time/ { printf "%s%s+%s", sep, p, $3; sep = ", " }' "$RESULTS/explain-$LABEL.txt")"
  R[$LABEL.seqscan]="$(grep -c 'Seq Scan' "$RESULTS/explain-$LABEL.txt" || true)"

  stop_api
  # Pim logs one line per request today (see the summary's "log l/req"): keep the log, compressed when large.
  if (( $(stat -c %s "$RESULTS/api-$LABEL.log") > 1048576 )); then gzip -f "$RESULTS/api-$LABEL.log"; fi

  # SQL only: the same query through pgbench, Pim stopped. 'extended' re-plans every execution as Npgsql does today
  # (unprepared commands); 'prepared' reuses a prepared statement, as Npgsql's auto-prepare or explicit Prepare would.
  if [[ "$PGBENCH" == 1 ]]; then
    local roles_array mode
    roles_array="ARRAY['$(IFS=,; echo "${ROLES[*]}" | sed "s/,/','/g")']"
    if sql="$(grants_sql "'$TENANT'" "('u' || :i)" "ARRAY[($roles_array)[:r]]" "'/'" "now()")"; then
      {
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
  fi
}

for n in $SIZES; do
  bench_size "$n"
done

# ---------------------------------------------------------------- summary
NOISY=""
LOGGY=""
{
  echo
  echo "=============================================================================================================="
  echo " Pim access evaluation vs bare endpoint (same process), PostgreSQL 15, $(nproc) cores shared by wrk + Pim + PostgreSQL"
  echo " wrk: $CONNECTIONS connections, $THREADS threads, ${DURATION}s per measurement after ${WARMUP}s warm-up; latencies in ms"
  echo "=============================================================================================================="
  printf '%-6s %10s %10s %10s %7s %9s %9s %9s %9s %9s %7s\n' \
    size rows "bare r/s" "eval r/s" "ratio" "eval p50" "eval p90" "eval p99" "bare p50" "bare p99" "errors"
  for L in "${LABELS[@]}"; do
    printf '%-6s %10s %10s %10s %7s %9s %9s %9s %9s %9s %7s\n' "$L" "${R[$L.rows]}" \
      "$(fmt "${R[$L.bare.rps]}" 0)" "$(fmt "${R[$L.eval.rps]}" 0)" \
      "$(fmt "$(awk -v e="${R[$L.eval.rps]}" -v b="${R[$L.bare.rps]}" 'BEGIN { print e / b }')" 2)" \
      "$(fmt "${R[$L.eval.p50]}")" "$(fmt "${R[$L.eval.p90]}")" "$(fmt "${R[$L.eval.p99]}")" \
      "$(fmt "${R[$L.bare.p50]}")" "$(fmt "${R[$L.bare.p99]}")" "$(( ${R[$L.bare.bad]} + ${R[$L.eval.bad]} ))"
  done
  echo
  echo " CPU time per request in microseconds, and machine CPU utilisation during the run. 'other': busy time charged"
  echo " to none of Pim, PostgreSQL or wrk (other processes on the machine, some kernel time); large means a noisy run."
  printf '%-6s %-5s %8s %8s %8s %8s %8s %6s %10s\n' size run Pim Postgres wrk other total busy% "log l/req"
  for L in "${LABELS[@]}"; do
    for kind in bare eval; do
      read -r a p w o u <<<"${R[$L.$kind.cpu]}"
      printf '%-6s %-5s %8s %8s %8s %8s %8s %5s%% %10s\n' "$L" "$kind" "$a" "$p" "$w" "$o" "$(( a + p + w + o ))" "$u" "${R[$L.$kind.logs]}"
      awk -v x="${R[$L.$kind.logs]}" 'BEGIN { exit !(x >= 0.5) }' && LOGGY="$LOGGY $L/$kind"
      (( o * 5 <= a + p + w + o )) || NOISY="$NOISY $L/$kind"
    done
  done
  [[ -z "$LOGGY" ]] || echo " WARNING: Pim logged about one line per request in:$LOGGY, although Serilog__MinimumLevel__Default=Warning."
  [[ -z "${NOISY:-}" ]] || echo " WARNING: over 20% of the busy CPU went to other processes in:$NOISY; the machine was not quiet."
  if [[ "$UNLOADED" == 1 ]]; then
    echo
    echo " One connection (no queueing: the service time of one request; latencies in ms):"
    for L in "${LABELS[@]}"; do
      printf '   %-6s bare: %-34s eval: %s\n' "$L" "${R[$L.bare1]}" "${R[$L.eval1]}"
    done
  fi
  echo
  echo " The evaluation query alone:"
  echo "   during the eval run (pg_stat_statements): share of executions planned, mean plan and execution time (ms),"
  echo "   buffers per call; EXPLAIN ANALYZE (warm session, custom plan) planning+execution ms for the two samples:"
  printf '     %-6s %8s %10s %10s %10s %-22s %s\n' size planned "plan ms" "exec ms" "max exec" "buffers/call" "EXPLAIN plan+exec ms"
  for L in "${LABELS[@]}"; do
    printf '     %-6s %8s %10s %10s %10s %-22s %s\n' "$L" "${R[$L.sql_plans]:-?}" "${R[$L.sql_plan]:-?}" "${R[$L.sql_mean]:-?}" \
      "${R[$L.sql_max]:-?}" "${R[$L.sql_blks]:-?}" "${R[$L.explain]:-?}"
  done
  if [[ "$PGBENCH" == 1 ]]; then
    echo "   SQL only, pgbench with $CONNECTIONS clients (Pim stopped; re-planned each time vs prepared statement):"
    for L in "${LABELS[@]}"; do
      printf '     %-6s extended: %-26s prepared: %s\n' "$L" "${R[$L.pgb_extended]:--}" "${R[$L.pgb_prepared]:--}"
    done
  fi
  echo
  echo " Targets (reported, not asserted):"
  for L in "${LABELS[@]}"; do
    ratio=$(awk -v e="${R[$L.eval.rps]}" -v b="${R[$L.bare.rps]}" 'BEGIN { print e / b }')
    printf '   %-4s eval/bare throughput >= 0.50: %-5s %s\n' "$L" "$(fmt "$ratio")" \
      "$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5 ? "met" : "MISSED") }')"
    printf '   %-4s eval p99 < 5 ms:              %-5s %s\n' "$L" "$(fmt "${R[$L.eval.p99]}")" \
      "$(awk -v p="${R[$L.eval.p99]}" 'BEGIN { print (p < 5 ? "met" : "MISSED") }')"
    (( ${R[$L.seqscan]:-0} == 0 )) || echo "   $L WARNING: the EXPLAIN shows a Seq Scan (see explain-$L.txt)"
  done
  if (( ${#LABELS[@]} >= 2 )); then
    S="${LABELS[0]}"; B="${LABELS[${#LABELS[@]} - 1]}"
    slow=$(awk -v s="${R[$S.eval.rps]}" -v b="${R[$B.eval.rps]}" 'BEGIN { print s / b }')
    printf '   %s vs %s slowdown, eval r/s %s / %s = %sx (target <= 1.5x): %s; eval p50 x%s, p99 x%s\n' "$B" "$S" \
      "$(fmt "${R[$S.eval.rps]}" 0)" "$(fmt "${R[$B.eval.rps]}" 0)" "$(fmt "$slow")" \
      "$(awk -v r="$slow" 'BEGIN { print (r <= 1.5 ? "met" : "MISSED") }')" \
      "$(fmt "$(awk -v s="${R[$S.eval.p50]}" -v b="${R[$B.eval.p50]}" 'BEGIN { print b / s }')")" \
      "$(fmt "$(awk -v s="${R[$S.eval.p99]}" -v b="${R[$B.eval.p99]}" 'BEGIN { print b / s }')")"
  fi
  echo
  echo " Raw outputs: $RESULTS"
} | tee "$RESULTS/summary.txt"
