#!/usr/bin/env bash
# The single test command of the project.
#
# Lints openapi.yaml with the OWASP API Security ruleset (Spectral) and Redocly's
# recommended ruleset, at the versions pinned in scripts/contract-lint (0 errors);
# starts a throwaway PostgreSQL 15 cluster on a free 127.0.0.1 port, exports
# PIM_TEST_POSTGRES (a maintenance connection; tests create their own databases
# from it), installs pg_auto_failover for the failover drill when missing (as
# root; else it stops and says what to install), restores the pinned dotnet tools
# (smtp4dev, which the SMTP tests start with TLS and AUTH) and the Kiota
# generator, checks that a Kiota client generated from openapi.yaml compiles
# (scripts/kiota/check.sh) and runs
# `dotnet test Pim.sln "$@"` (the failover drill, category Failover, runs last and
# alone; its figures are printed). The cluster, and every formation the drill
# started, is always stopped and deleted on exit. If PostgreSQL cannot be started
# the script fails loudly: the Postgres-backed tests are never skipped. Then it
# runs the README's walkthrough against a real Pim process on each store and,
# beside them, the mutation run of the policy (scripts/mutation.sh: Stryker.NET on
# the deciding files of Pim.Domain against the tests of trait Store=none; it fails
# under a score of 90 %) — skipped only when arguments select a part of the tests. Reports
# land in the run's output directory, $PIM_TEST_OUTPUT or a new temporary directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"

API_PID=""
MUTATION_PID=""

die() {
  {
    echo
    echo "=================================================================="
    echo "ERROR: scripts/test.sh: $*"
    echo "=================================================================="
    if [[ -n "$PG_TMP" && -f "$PG_TMP/postgres.log" ]]; then
      echo "---- last lines of the PostgreSQL server log ($PG_TMP/postgres.log) ----"
      tail -n 40 "$PG_TMP/postgres.log" || true
      echo "---- end of server log ----"
    fi
  } >&2
  exit 1
}

# shellcheck source=lib/throwaway-postgres.sh
source "$ROOT/scripts/lib/throwaway-postgres.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$MUTATION_PID" ]]; then
    kill -- "-$MUTATION_PID" 2>/dev/null || kill "$MUTATION_PID" 2>/dev/null || true
    wait "$MUTATION_PID" 2>/dev/null || true
  fi
  if [[ -n "$API_PID" ]]; then
    kill "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  if [[ -n "$PG_TMP" && -f "$PG_TMP/failover-formations" ]]; then
    while read -r formation; do
      bash "$ROOT/scripts/lib/failover-cluster.sh" destroy "$formation" || true
    done <"$PG_TMP/failover-formations"
  fi
  pg_stop
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- contract lint
LINT="$ROOT/scripts/contract-lint"
command -v npm >/dev/null || die "npm (Node.js) is required to lint openapi.yaml."
echo "scripts/test.sh: linting openapi.yaml (OWASP API Security ruleset, Redocly recommended)"
(cd "$LINT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in scripts/contract-lint."
(cd "$LINT" && npx --no-install spectral lint "$ROOT/openapi.yaml" --ruleset .spectral.yaml --fail-severity error --display-only-failures) \
  || die "openapi.yaml breaks the OWASP API Security ruleset (errors above)."
(cd "$LINT" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint "$ROOT/openapi.yaml" --format=summary) \
  || die "openapi.yaml breaks Redocly's recommended ruleset (errors above)."

# ---------------------------------------------------------------- cluster
pg_check_binaries initdb pg_ctl pg_isready psql
# The failover drill (Pim.Api.Tests/Failover) runs a pg_auto_failover formation of its own (scripts/lib/failover-cluster.sh):
# installed here when missing (as root, as CI runs), else the command stops and says what to install.
bash "$ROOT/scripts/lib/failover-cluster.sh" install || die "the failover drill needs pg_auto_failover (above)."
echo "scripts/test.sh: starting a throwaway PostgreSQL cluster"
pg_start pim-pg
PORT="$PG_PORT"
echo "scripts/test.sh: PostgreSQL ready on 127.0.0.1:$PORT ($PG_DATA)"

export PIM_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"
# The drill names each formation it starts here (destroyed on exit, whatever became of the test) and writes its figures here.
export PIM_FAILOVER_REGISTRY="$PG_TMP/failover-formations"
export PIM_FAILOVER_REPORT="$PG_TMP/failover-drill.txt"

# ---------------------------------------------------------------- tools
# The SMTP tests run against real relays: smtp4dev, a dotnet tool pinned in .config/dotnet-tools.json, which the tests
# start themselves (Pim.Api.Tests/Support/SmtpServers.cs) and which fail, never skip, without it.
cd "$ROOT"
echo "scripts/test.sh: restoring the dotnet tools of .config/dotnet-tools.json (smtp4dev for the SMTP tests, Kiota, dotnet-stryker for the mutation run)"
dotnet tool restore >/dev/null || die "dotnet tool restore failed: the SMTP tests need smtp4dev, the client check Kiota and the mutation run dotnet-stryker (.config/dotnet-tools.json)."

# ---------------------------------------------------------------- generated clients
# Pim.Client (NSwag) is generated and compiled by the build itself; a Kiota client must generate and compile too.
bash "$ROOT/scripts/kiota/check.sh" || die "the Kiota client of openapi.yaml does not generate or compile (errors above)."

# ---------------------------------------------------------------- browser
# The console's browser tests (Pim.Api.Tests/Support/ConsoleBrowser.cs) drive Debian's Chromium through Playwright, which
# downloads no browser. CI runs as root on a clean machine: install it there; anyone else installs it themselves.
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "scripts/test.sh: installing Debian's chromium for the console's browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || die "apt-get install chromium failed: the console's browser tests need /usr/bin/chromium."
  else
    die "/usr/bin/chromium is missing and scripts/test.sh does not run as root, so it cannot install it: run 'sudo apt-get install chromium' (the console's browser tests need it; they are never skipped)."
  fi
fi

# ---------------------------------------------------------------- tests
set +e
dotnet test Pim.sln "$@" 2>&1 | tee "$PG_TMP/dotnet-test.log"
rc=${PIPESTATUS[0]}
set -e
if [[ -f "$PIM_FAILOVER_REPORT" ]]; then
  echo "scripts/test.sh: the failover drill's figures (Pim.Api.Tests/Failover/FailoverDrillTests.cs):"
  sed 's/^/  /' "$PIM_FAILOVER_REPORT"
fi
[[ "$rc" -eq 0 ]] || exit "$rc"
# e.g. "Passed!  - Failed:     0, Passed:   204, Skipped:     0, Total:   204"
PASSED=$(grep -oE 'Passed: +[0-9]+' "$PG_TMP/dotnet-test.log" | awk '{n += $2} END {print n + 0}')

# ---------------------------------------------------------------- README walkthrough
# The README's curl walkthrough is examples/walkthrough.sh: run it against a real Pim process on each store,
# so that the README cannot go stale.
run_walkthrough() {
  local provider=$1 connection=$2 dir port ready=0
  dir="$PG_TMP/walkthrough-$provider"
  mkdir -p "$dir"
  port="$(pick_port)" || die "could not find a free TCP port for the walkthrough."
  ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Pim__Store__Provider="$provider" ConnectionStrings__Pim="$connection" Pim__DataDirectory="$dir" \
    Serilog__MinimumLevel__Default=Warning \
    dotnet "$ROOT/Pim.Api/bin/Debug/net10.0/Pim.Api.dll" >"$dir/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$API_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [[ "$ready" -ne 1 ]]; then
    cat "$dir/api.log" >&2
    die "Pim did not become ready for the walkthrough on $provider."
  fi
  if ! bash "$ROOT/examples/walkthrough.sh" "http://127.0.0.1:$port" >"$dir/walkthrough.log" 2>&1; then
    cat "$dir/walkthrough.log" >&2
    echo "---- Pim log ----" >&2
    cat "$dir/api.log" >&2
    die "examples/walkthrough.sh failed against $provider (output above)."
  fi
  kill "$API_PID" && wait "$API_PID" 2>/dev/null || true
  API_PID=""
  echo "scripts/test.sh: README walkthrough passed on $provider"
}

# ---------------------------------------------------------------- mutation run of the policy (started here)
# Every rule of the policy must be pinned by a test that needs no database: scripts/mutation.sh fails under 90 %. It
# runs beside the walkthroughs (they mostly wait on Pim; it computes), in a process group of its own that the exit trap
# stops whatever happens; its verdict is read after them. A run that selects part of the tests (extra arguments) is a
# quick look, not the whole check: it skips this step.
if [[ $# -eq 0 ]]; then
  OUT_DIR="${PIM_TEST_OUTPUT:-$(mktemp -d -t pim-test.XXXXXXXX)}"
  mkdir -p "$OUT_DIR"
  echo "scripts/test.sh: the mutation run starts beside the README walkthroughs (its log: $OUT_DIR/mutation.log)"
  setsid bash "$ROOT/scripts/mutation.sh" "$OUT_DIR/mutation" >"$OUT_DIR/mutation.log" 2>&1 &
  MUTATION_PID=$!
fi

"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE pim_walkthrough" >/dev/null \
  || die "could not create the walkthrough database."
run_walkthrough sqlite "Data Source=$PG_TMP/walkthrough-sqlite/pim.db"
run_walkthrough postgres "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=pim_walkthrough"

# ---------------------------------------------------------------- mutation run of the policy (its verdict)
if [[ -n "$MUTATION_PID" ]]; then
  set +e
  wait "$MUTATION_PID"
  mutation_rc=$?
  set -e
  MUTATION_PID=""
  if [[ "$mutation_rc" -ne 0 ]]; then
    tail -n 60 "$OUT_DIR/mutation.log" >&2
    echo "ERROR: scripts/test.sh: the mutation run of the policy failed: a rule can change without a test noticing" \
      "(log above; report: $OUT_DIR/mutation/reports/mutation-report.html)." >&2
    exit 1
  fi
  grep -E '^scripts/mutation.sh: mutation score' "$OUT_DIR/mutation.log" || true
  echo "scripts/test.sh: all tests, both README walkthroughs and the mutation run passed"
else
  echo "scripts/test.sh: all tests and both README walkthroughs passed (mutation run skipped: arguments select part of the tests)"
fi
echo "tests: $((PASSED + 2)) passed, 0 failed"
