#!/usr/bin/env bash
# Benchmark of security alert evaluation (issue 16): every alert of a tenant with 100,000 assignments, computed with
# set-based SQL (one statement per alert type), against an anchor measured in the same run.
#
#   1. a throwaway PostgreSQL 15 cluster; Pim (Release, Development, benchmark endpoints on, background work off)
#      migrates a database on it;
#   2. bench/load-alerts.sql loads tenant g1 with BENCH_ALERT_ASSIGNMENTS assignments (see its header), then
#      VACUUM ANALYZE;
#   3. the anchor: SELECT count(*) FROM role_assignments WHERE tenant_id = 'g1' (a plain pass over the same
#      assignments), timed by psql;
#   4. end to end: POST /bench/alerts/g1 on Pim, which evaluates every alert of the tenant once through AlertService, as
#      the background sweep does (the findings of each alert, reconciliation with the open incidents, and for new ones
#      the incident, its audit event and email), in one transaction. The first run raises the incidents; the others
#      find them open;
#   5. each alert's statement alone (read from Pim: GET /bench/alerts-sql) timed by psql, and EXPLAIN (ANALYZE, BUFFERS)
#      of each, to show where the time goes; without JIT, as Pim runs them, and (explain-jit.txt) what JIT would add.
# Prints a summary (also summary.txt in the results folder, with every raw output). Everything it starts is stopped on
# exit. Only 127.0.0.1 is targeted.
#
# Knobs: BENCH_ALERT_ASSIGNMENTS=100000  BENCH_RUNS=7 (timed runs of each measurement; the median is reported)
#        BENCH_BUILD=1 (0: reuse the Release build)  BENCH_RESULTS_DIR=bench/results/alerts-<UTC time>
#        PIM_PG_BIN=/usr/lib/postgresql/15/bin
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"
ASSIGNMENTS="${BENCH_ALERT_ASSIGNMENTS:-100000}"
RUNS="${BENCH_RUNS:-7}"
BUILD="${BENCH_BUILD:-1}"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH_DIR/results/alerts-$(date -u +%Y%m%dT%H%M%SZ)}"
API_DLL="$ROOT/bench/host/bin/Release/net10.0/Pim.Bench.Host.dll"
API_PID=""

die() { echo "ERROR: bench/alerts.sh: $*" >&2; exit 1; }
# shellcheck source=../scripts/lib/throwaway-postgres.sh
source "$ROOT/scripts/lib/throwaway-postgres.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$API_PID" ]]; then kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; fi
  pg_stop
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in curl jq python3; do command -v "$tool" >/dev/null || die "$tool is required."; done
pg_check_binaries initdb pg_ctl pg_isready psql
mkdir -p "$RESULTS"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULTS/run.log" >&2; }

if [[ "$BUILD" == 1 ]]; then
  log "building Pim (Release)"
  dotnet build "$ROOT/bench/host/Pim.Bench.Host.csproj" -c Release -v quiet -nologo >"$RESULTS/build.log" 2>&1 || die "the build failed (see $RESULTS/build.log)."
fi
[[ -f "$API_DLL" ]] || die "$API_DLL is missing: run with BENCH_BUILD=1."

log "starting a throwaway PostgreSQL cluster"
pg_start pim-bench-alerts "shared_buffers = '256MB'
work_mem = '32MB'"
psql_() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql_ -d postgres -c "CREATE DATABASE pim_alerts" >/dev/null

PORT="$(pick_port)" || die "no free port."
BASE="http://127.0.0.1:$PORT"
log "starting Pim on $BASE"
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$BASE" Pim__Store__Provider=postgres \
  ConnectionStrings__Pim="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=pim_alerts" \
  Pim__DataDirectory="$RESULTS/pim-data" Pim__Outbox__BackgroundEnabled=false \
  Pim__RateLimits__Enabled=false Serilog__MinimumLevel__Default=Warning \
  dotnet "$API_DLL" >"$RESULTS/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 120); do
  curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$API_PID" 2>/dev/null || die "Pim exited (see $RESULTS/api.log)."
  sleep 0.5
done
curl -fsS "$BASE/health/ready" >/dev/null || die "Pim did not become ready."
TOKEN=$(curl -fsS -X POST "$BASE/dev/token" -H 'Content-Type: application/json' -d '{"subject":"bench","tenantId":null,"mfa":false,"scopes":[]}' | jq -r .accessToken)

log "loading tenant g1 with $ASSIGNMENTS assignments"
LOAD_START=$(date +%s.%N)
psql_ -d pim_alerts -v assignments="$ASSIGNMENTS" -f "$BENCH_DIR/load-alerts.sql" >"$RESULTS/load.log"
psql_ -d pim_alerts -c "VACUUM ANALYZE" >>"$RESULTS/load.log"
LOAD_SECONDS=$(python3 -c "import time; print(round(time.time() - $LOAD_START, 1))")
psql_ -d pim_alerts -At -c "SELECT count(*) FROM role_assignments WHERE tenant_id = 'g1'" >"$RESULTS/count.txt"
log "loaded $(cat "$RESULTS/count.txt") assignments in ${LOAD_SECONDS} s"

# The statements of each alert as the code composes them, with the tenant's settings at their defaults.
curl -fsS "$BASE/bench/alerts-sql" -H "Authorization: Bearer $TOKEN" >"$RESULTS/alerts-sql.json"

# psql_timed NAME SQL: runs SQL RUNS times (after one warm-up run), and writes the times in ms to NAME.times. Without JIT,
# as Pim runs them (DbSession.WithoutJitAsync).
psql_timed() {
  local name=$1 sql=$2
  { echo 'SET jit = off;'; echo '\timing on'; for _ in $(seq 0 "$RUNS"); do echo "$sql;"; done; } >"$RESULTS/$name.sql"
  psql_ -d pim_alerts -f "$RESULTS/$name.sql" -o /dev/null 2>&1 | grep -oE 'Time: [0-9.]+' | awk 'NR > 1 {print $2}' >"$RESULTS/$name.times"
}
median() { sort -n "$1" | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

log "anchor: SELECT count(*) over the tenant's assignments"
psql_timed anchor "SELECT count(*) FROM role_assignments WHERE tenant_id = 'g1'"

log "end to end: POST /bench/alerts/g1, $RUNS runs after the first"
: >"$RESULTS/evaluate.times"
for run in $(seq 0 "$RUNS"); do
  curl -fsS -X POST "$BASE/bench/alerts/g1" -H "Authorization: Bearer $TOKEN" >"$RESULTS/evaluate-$run.json"
  if [[ "$run" == 0 ]]; then cp "$RESULTS/evaluate-0.json" "$RESULTS/evaluate-first.json"; else jq -r .elapsedMs "$RESULTS/evaluate-$run.json" >>"$RESULTS/evaluate.times"; fi
done

log "each alert's statement alone, and EXPLAIN (ANALYZE, BUFFERS)"
python3 - "$RESULTS" <<'PY'
import json, sys, pathlib
results = pathlib.Path(sys.argv[1])
statements = json.loads((results / "alerts-sql.json").read_text())
# The parameters as AlertConditions binds them, at the default thresholds of each alert.
privileged = ("ARRAY['global-administrator','privileged-role-administrator','security-administrator','exchange-administrator',"
              "'sharepoint-administrator','teams-administrator','intune-administrator','user-administrator','helpdesk-administrator',"
              "'billing-administrator','compliance-administrator','owner','contributor','user-access-administrator']")
defaults = {"too-many-global-administrators": ("0", "5"), "roles-without-mfa": ("0", "0"), "roles-assigned-outside-pim": ("0", "0"),
            "roles-activated-too-frequently": ("1", "10"), "unused-privileged-roles": ("30", "0"),
            "stale-accounts-in-privileged-roles": ("90", "0"), "too-many-owners": ("0", "3"), "too-many-permanent-owners": ("0", "2")}
for alert, sql in statements.items():
    days, maximum = defaults[alert]
    literal = (sql.replace("@tenantId", "'g1'").replace("@now", "now()").replace("@since", f"(now() - interval '{days} days')")
               .replace("@max", maximum).replace("@privileged", privileged))
    (results / f"alert-{alert}.literal.sql").write_text(literal)
PY
: >"$RESULTS/explain.txt"
for file in "$RESULTS"/alert-*.literal.sql; do
  alert=$(basename "$file" .literal.sql)
  psql_timed "$alert" "$(cat "$file")"
  { echo "==== $alert"; psql_ -d pim_alerts -c "SET jit = off" -c "EXPLAIN (ANALYZE, BUFFERS) $(cat "$file")"; } >>"$RESULTS/explain.txt"
  { echo "==== $alert (with PostgreSQL's default JIT)"; psql_ -d pim_alerts -c "EXPLAIN (ANALYZE) $(cat "$file")" | grep -E 'JIT|Timing|Execution Time'; } \
    >>"$RESULTS/explain-jit.txt"
done

ANCHOR=$(median "$RESULTS/anchor.times")
EVALUATE=$(median "$RESULTS/evaluate.times")
{
  echo "Alert evaluation, tenant g1: $(cat "$RESULTS/count.txt") assignments ($(psql_ -d pim_alerts -At -c "SELECT count(*) FROM principals WHERE tenant_id = 'g1'") principals, $(psql_ -d pim_alerts -At -c "SELECT count(*) FROM activation_requests WHERE tenant_id = 'g1'") activation requests), PostgreSQL 15, median of $RUNS runs"
  echo
  printf '%-42s %12s %10s\n' "measurement" "median ms" "x anchor"
  printf '%-42s %12.2f %10.1f\n' "anchor: count(*) of the assignments" "$ANCHOR" 1
  printf '%-42s %12.2f %10.1f\n' "every alert, end to end (AlertService)" "$EVALUATE" "$(python3 -c "print($EVALUATE / $ANCHOR)")"
  for file in "$RESULTS"/alert-*.times; do
    alert=$(basename "$file" .times); alert=${alert#alert-}
    m=$(median "$file")
    printf '%-42s %12.2f %10.1f\n' "  $alert" "$m" "$(python3 -c "print($m / $ANCHOR)")"
  done
  echo
  echo "first evaluation (raises the incidents): $(jq -c . "$RESULTS/evaluate-first.json")"
  echo "later evaluations: $(jq -c '{raised, resolved}' "$RESULTS/evaluate-$RUNS.json")"
  echo
  echo "EXPLAIN (ANALYZE, BUFFERS): $RESULTS/explain.txt; with JIT: $RESULTS/explain-jit.txt"
  echo
  sed 's/^ *//' "$RESULTS/explain-jit.txt"
} | tee "$RESULTS/summary.txt"
