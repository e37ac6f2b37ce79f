#!/usr/bin/env bash
# The single test command of the project.
#
# Starts a throwaway PostgreSQL 15 cluster on a free 127.0.0.1 port, exports
# PIM_TEST_POSTGRES (a maintenance connection; tests create their own databases
# from it) and runs `dotnet test Pim.sln "$@"`. The cluster is always stopped and
# deleted on exit. If PostgreSQL cannot be started the script fails loudly: the
# Postgres-backed tests are never skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"

PG_TMP=""
PG_DATA=""
PG_STARTED=0
API_PID=""

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

# Runs a PostgreSQL server binary as an unprivileged user: initdb/pg_ctl refuse to run as root.
as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$API_PID" ]]; then
    kill "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  if [[ "$PG_STARTED" -eq 1 ]]; then
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w >/dev/null 2>&1 || true
  fi
  if [[ -n "$PG_TMP" && -d "$PG_TMP" ]]; then
    rm -rf -- "$PG_TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
      return 0
    fi
  fi
  # Something accepting connections on the port means it is taken.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

pick_port() {
  local port i
  for i in $(seq 1 100); do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40001 ))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------- preflight
for bin in initdb pg_ctl pg_isready; do
  [[ -x "$PG_BIN/$bin" ]] || die "PostgreSQL 15 binary '$PG_BIN/$bin' not found (install postgresql-15)."
done
if [[ "$(id -u)" -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user to run the server as."
  command -v runuser >/dev/null 2>&1 || die "running as root but 'runuser' is not available."
fi

# ---------------------------------------------------------------- cluster dir
PG_TMP="$(mktemp -d -t pim-pg.XXXXXXXX)"
if [[ "$(id -u)" -eq 0 ]]; then
  chown postgres: "$PG_TMP"
  if ! runuser -u postgres -- test -w "$PG_TMP"; then
    # e.g. TMPDIR points somewhere the postgres user cannot traverse: fall back to /tmp.
    rm -rf -- "$PG_TMP"
    PG_TMP="$(mktemp -d /tmp/pim-pg.XXXXXXXX)"
    chown postgres: "$PG_TMP"
    runuser -u postgres -- test -w "$PG_TMP" || die "the postgres user cannot write to $PG_TMP."
  fi
fi
PG_DATA="$PG_TMP/data"

echo "scripts/test.sh: initialising throwaway PostgreSQL cluster in $PG_DATA"
if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust --auth-host=trust --auth-local=trust \
     -E UTF8 --locale=C >"$PG_TMP/initdb.log" 2>&1; then
  cat "$PG_TMP/initdb.log" >&2 || true
  die "initdb failed (output above)."
fi

as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null <<EOF

# --- throwaway test cluster (scripts/test.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

# ---------------------------------------------------------------- start
PORT=""
for attempt in 1 2 3 4 5; do
  PORT="$(pick_port)" || die "could not find a free TCP port in 20000-60000."
  echo "scripts/test.sh: starting PostgreSQL on 127.0.0.1:$PORT (attempt $attempt)"
  rm -f -- "$PG_TMP/postgres.log"
  if as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_TMP/postgres.log" -o "-p $PORT" -w -t 30 >/dev/null 2>&1; then
    PG_STARTED=1
    break
  fi
  # pg_ctl may have left a postmaster behind (e.g. timed out): make sure it is gone.
  as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w >/dev/null 2>&1 || true
  # Retry only when the port was grabbed by someone else in the meantime.
  if ! grep -qiE 'could not (bind|create listen socket)|address already in use' "$PG_TMP/postgres.log" 2>/dev/null; then
    die "PostgreSQL failed to start."
  fi
done
[[ "$PG_STARTED" -eq 1 ]] || die "PostgreSQL failed to start (port conflicts on every attempt)."

ready=0
for _ in $(seq 1 60); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres; then
    ready=1
    break
  fi
  sleep 0.5
done
[[ "$ready" -eq 1 ]] || die "PostgreSQL did not become ready on 127.0.0.1:$PORT within 30 s."
echo "scripts/test.sh: PostgreSQL ready on 127.0.0.1:$PORT"

export PIM_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"

# ---------------------------------------------------------------- tests
cd "$ROOT"
set +e
dotnet test Pim.sln "$@" 2>&1 | tee "$PG_TMP/dotnet-test.log"
rc=${PIPESTATUS[0]}
set -e
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

"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE pim_walkthrough" >/dev/null \
  || die "could not create the walkthrough database."
run_walkthrough sqlite "Data Source=$PG_TMP/walkthrough-sqlite/pim.db"
run_walkthrough postgres "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=pim_walkthrough"
echo "scripts/test.sh: all tests and both README walkthroughs passed"
echo "tests: $((PASSED + 2)) passed, 0 failed"
