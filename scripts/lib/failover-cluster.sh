#!/usr/bin/env bash
# A pg_auto_failover formation of the failover drill's own (Pim.Api.Tests/Failover/FailoverDrillTests.cs): a monitor and
# two data nodes with synchronous replication on loopback ports, run as the postgres user, with health checks tuned so
# that a failover takes seconds (the defaults take half a minute). Everything lives in one directory, configuration and
# pid files included, so that destroy leaves nothing behind.
#   failover-cluster.sh install               install pg_auto_failover (Debian's packages) if missing: as root with apt-get,
#                                             else fail saying what to install
#   failover-cluster.sh start                 install pg_auto_failover if missing, start the monitor and node1 (a
#                                             single primary); prints "DIRECTORY MONITOR_PORT PORT1 PORT2"
#   failover-cluster.sh standby DIRECTORY     node2 joins as node1's synchronous standby; returns once it is one
#   failover-cluster.sh state DIRECTORY       one line per node: "NAME PORT REPORTED_STATE ASSIGNED_STATE"
#   failover-cluster.sh kill DIRECTORY NODE   SIGKILL the node's keeper (every pg_autoctl process of it) and postmaster
#   failover-cluster.sh rejoin DIRECTORY NODE run the node's keeper again: it rejoins as a standby of the new primary
#   failover-cluster.sh destroy DIRECTORY     SIGKILL every process of the formation and delete the directory
set -euo pipefail

PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"
PACKAGES=(postgresql-15-auto-failover pg-auto-failover-cli)
die() { echo "ERROR: scripts/lib/failover-cluster.sh: $*" >&2; exit 1; }
# shellcheck source=throwaway-postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/throwaway-postgres.sh"

# Failovers in seconds (README, "Running highly available"). The monitor fails a primary over after about 2 s without
# its keeper's report and without an answer to its health checks (defaults: 20 s; checks every 5 s, two retries 2 s
# apart), and gives the old primary 3 s to demote itself before the standby takes writes (30 s). A primary cut off from
# the monitor and its standby stops itself after 2 s (each keeper's timeout.network_partition_timeout; 20 s): before
# the standby takes writes, so that no replica of Pim goes on reading from, and listening to, a primary that is no longer one.
MONITOR_SETTINGS=(
  "pgautofailover.health_check_period = 500"
  "pgautofailover.health_check_timeout = 500"
  "pgautofailover.health_check_max_retries = 1"
  "pgautofailover.health_check_retry_delay = 200"
  "pgautofailover.node_considered_unhealthy_timeout = 2000"
  "pgautofailover.primary_demote_timeout = 3000"
  "pgautofailover.startup_grace_period = 1000"
)
NETWORK_PARTITION_TIMEOUT=2

ensure_installed() {
  [[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL 15 ($PG_BIN/pg_ctl) is not installed: apt-get install postgresql-15."
  if command -v pg_autoctl >/dev/null 2>&1 && [[ -f /usr/share/postgresql/15/extension/pgautofailover.control ]]; then return 0; fi
  if [[ "$(id -u)" -ne 0 ]]; then
    die "pg_auto_failover is not installed and only root can install it: run 'sudo apt-get install -y ${PACKAGES[*]}' (Debian/Ubuntu), then the tests again."
  fi
  echo "failover-cluster.sh: installing ${PACKAGES[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  local log
  log="$(mktemp -t pim-failover-apt.XXXXXXXX)"
  # A clean machine may have no package lists yet: update, then install.
  if ! { apt-get update && apt-get install -y --no-install-recommends "${PACKAGES[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f -- "$log"
    die "apt-get could not install ${PACKAGES[*]} (output above)."
  fi
  rm -f -- "$log"
}

# pg_autoctl as the postgres user, with its configuration, state and pid files under the formation's directory.
autoctl() {
  local env=(XDG_CONFIG_HOME="$PG_TMP/config" XDG_DATA_HOME="$PG_TMP/share" XDG_RUNTIME_DIR="$PG_TMP/run"
             PG_CONFIG="$PG_BIN/pg_config" PATH="$PG_BIN:/usr/bin:/bin")
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u postgres -- env "${env[@]}" pg_autoctl "$@")
  else
    (cd "$PG_TMP" && env "${env[@]}" pg_autoctl "$@")
  fi
}

# Runs a node's keeper in the background, its pid in DIR/NAME.pid (the root of the process tree kill_node kills).
run_service() {
  local name=$1
  autoctl run --pgdata "$PG_TMP/$name" >>"$PG_TMP/$name.log" 2>&1 </dev/null &
  echo $! >"$PG_TMP/$name.pid"
}

monitor_uri() { echo "postgres://autoctl_node@127.0.0.1:$(cat "$PG_TMP/monitor.port")/pg_auto_failover?sslmode=disable"; }

# "NAME PORT REPORTED ASSIGNED" per data node, as the monitor sees them.
node_states() {
  "$PG_BIN/psql" -qAtX -F ' ' "$(monitor_uri)" -c \
    "SELECT nodename, nodeport, reportedstate, goalstate FROM pgautofailover.node ORDER BY nodeid" 2>/dev/null
}

wait_for() {
  local what=$1 seconds=$2 condition=$3
  for _ in $(seq 1 $((seconds * 10))); do
    if eval "$condition"; then return 0; fi
    sleep 0.1
  done
  echo "---- formation state ----" >&2; node_states >&2 || true
  for log in "$PG_TMP"/*.log; do echo "---- $log ----" >&2; tail -n 15 "$log" >&2; done
  die "$what did not happen within $seconds s."
}

# initdb without syncing to disk (a drill's cluster need not survive the machine; SIGKILL loses nothing the kernel holds),
# so that pg_autoctl takes an existing data directory rather than running a slower initdb of its own.
init_data() {
  as_pg "$PG_BIN/initdb" -D "$PG_TMP/$1" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$PG_TMP/$1.initdb.log" 2>&1 \
    || { cat "$PG_TMP/$1.initdb.log" >&2; die "initdb failed for $1."; }
}

# Creates a data node and keeps running its keeper (--run), in the background, its pid in DIR/NAME.pid.
create_node() {
  local name=$1
  autoctl create postgres --pgdata "$PG_TMP/$name" --pgport "$(cat "$PG_TMP/$name.port")" --pgctl "$PG_BIN/pg_ctl" \
    --hostname 127.0.0.1 --listen 127.0.0.1 --name "$name" --monitor "$(monitor_uri)" --auth trust --no-ssl \
    --username postgres --dbname postgres --run >>"$PG_TMP/$name.log" 2>&1 </dev/null &
  echo $! >"$PG_TMP/$name.pid"
}

# Whatever start had started when it failed: killed, and its directory deleted.
abandon() {
  local rc=$?
  trap - EXIT
  if [[ "$rc" -ne 0 && -n "$PG_TMP" ]]; then destroy; fi
  exit "$rc"
}

start() {
  PG_TMP="$(mktemp -d /tmp/pim-failover.XXXXXXXX)"
  trap abandon EXIT
  # scripts/test.sh destroys every formation named here when it ends, whatever became of the test that started it.
  [[ -z "${PIM_FAILOVER_REGISTRY:-}" ]] || echo "$PG_TMP" >>"$PIM_FAILOVER_REGISTRY"
  ensure_installed
  pg_check_binaries initdb pg_ctl psql
  if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$PG_TMP"; fi
  # pg_autoctl keeps its pid and state files under XDG_RUNTIME_DIR only when it exists (else under /tmp/pg_autoctl).
  as_pg mkdir -m 700 "$PG_TMP/run" "$PG_TMP/config" "$PG_TMP/share"
  local name port
  for name in monitor node1 node2; do
    port="$(pick_port)" || die "could not find a free TCP port."
    echo "$port" >"$PG_TMP/$name.port"
  done
  init_data monitor & local monitor_init=$!
  init_data node1 & local node1_init=$!
  wait "$monitor_init" || die "initdb failed for the monitor."
  printf '%s\n' "" "# --- the failover drill: failovers in seconds ---" "${MONITOR_SETTINGS[@]}" \
    | as_pg tee -a "$PG_TMP/monitor/postgresql.conf" >/dev/null
  autoctl create monitor --pgdata "$PG_TMP/monitor" --pgport "$(cat "$PG_TMP/monitor.port")" --pgctl "$PG_BIN/pg_ctl" \
    --hostname 127.0.0.1 --auth trust --no-ssl --run >>"$PG_TMP/monitor.log" 2>&1 </dev/null &
  echo $! >"$PG_TMP/monitor.pid"
  wait "$node1_init" || die "initdb failed for node1."
  wait_for "the monitor's start" 30 '"$PG_BIN/psql" -qAtX "$(monitor_uri)" -c "SELECT 1 FROM pgautofailover.formation" >/dev/null 2>&1'
  create_node node1
  wait_for "node1 becoming the single primary" 60 '[[ "$(node_states)" == "node1 $(cat "$PG_TMP/node1.port") single single" ]]'
  tune_keeper node1
  trap - EXIT
  echo "$PG_TMP $(cat "$PG_TMP/monitor.port") $(cat "$PG_TMP/node1.port") $(cat "$PG_TMP/node2.port")"
}

# node2 joins as node1's synchronous standby (pg_basebackup from it); returns once the monitor says so.
add_standby() {
  # pg_basebackup asks for a spread checkpoint (pg_autoctl gives it no --checkpoint=fast): take an immediate one first, so
  # that it has next to nothing to write and the standby is there in seconds.
  "$PG_BIN/psql" -qAtX -h 127.0.0.1 -p "$(cat "$PG_TMP/node1.port")" -U postgres -d postgres -c CHECKPOINT >/dev/null \
    || die "CHECKPOINT on node1 failed."
  create_node node2
  wait_for "node2 becoming node1's synchronous standby" 90 \
    '[[ "$(node_states | tr "\n" " ")" == "node1 $(cat "$PG_TMP/node1.port") primary primary node2 $(cat "$PG_TMP/node2.port") secondary secondary " ]]'
  tune_keeper node2
}

# The running keeper reads its configuration again when it changes.
tune_keeper() {
  autoctl config set --pgdata "$PG_TMP/$1" timeout.network_partition_timeout "$NETWORK_PARTITION_TIMEOUT" >/dev/null \
    || die "pg_autoctl config set failed for $1."
}

# Every process of a node, as a crash of its machine would take them: its keeper's process tree and the postmaster named
# in its data directory with the postmaster's children (backends, walsender), all at once.
node_pids() {
  local name=$1
  # One look at the process table: the roots and, transitively, their children (not zombies: dead, awaiting their parent).
  ps -e -o pid=,ppid=,stat= | awk -v roots="$(cat "$PG_TMP/$name.pid" 2>/dev/null) $(head -n 1 "$PG_TMP/$name/postmaster.pid" 2>/dev/null)" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) if (r[i] ~ /^[0-9]+$/) keep[r[i]] = 1 }
    $3 !~ /^Z/ { parent[$1] = $2 }
    END {
      do { grew = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 } } while (grew)
      for (p in keep) if (p in parent) print p
    }'
}

# Frozen before they are killed, and looked at again until none is left: a keeper whose postmaster died before its own
# signal came starts a new one (pg_autoctl's supervisor restarts postgres), which no earlier look at the process table
# names — an old primary back from the dead, taking writes that wait forever for a standby since promoted (a failover
# drill saw both replicas' writes hang 15 s on it). A stopped process forks nothing, so freeze, look again, kill.
kill_node() {
  local pids more _
  for _ in 1 2 3 4 5; do
    pids="$(node_pids "$1")"
    [[ -n "$pids" ]] || return 0
    # shellcheck disable=SC2086
    kill -STOP $pids 2>/dev/null || true
    more="$(node_pids "$1")"
    # shellcheck disable=SC2086
    kill -KILL $pids $more 2>/dev/null || true
    sleep 0.1
  done
}

# Every process still running that names a path in the formation's directory on its command line (postgres -D,
# pg_autoctl --pgdata); the directory reaches awk through its environment, so that awk's own command line does not name it.
named_pids() {
  ps -e -o pid=,args= | FORMATION="$PG_TMP/" awk 'index($0, ENVIRON["FORMATION"]) { print $1 }'
}

destroy() {
  [[ "$PG_TMP" == /tmp/pim-failover.* ]] || die "not a formation directory: '$PG_TMP'."
  [[ -d "$PG_TMP" ]] || return 0
  # Killed, then deleted; again while something still writes into it — a backend forked just before its postmaster was
  # killed lives until it notices, and a file it writes then makes rm fail — for at most 10 s.
  local name pids
  for _ in $(seq 1 100); do
    pids="$(for name in node1 node2 monitor; do node_pids "$name"; done; named_pids)"
    # shellcheck disable=SC2086
    [[ -z "$pids" ]] || kill -KILL $pids 2>/dev/null || true
    if rm -rf -- "$PG_TMP" 2>/dev/null && [[ ! -e "$PG_TMP" ]]; then return 0; fi
    sleep 0.1
  done
  rm -rf -- "$PG_TMP" || die "could not delete $PG_TMP."
}

case "${1:-}" in
  install) ensure_installed ;;
  start) start ;;
  standby) PG_TMP=$2; add_standby ;;
  state) PG_TMP=$2; node_states ;;
  kill) PG_TMP=$2; kill_node "$3" ;;
  rejoin) PG_TMP=$2; run_service "$3" ;;
  destroy) PG_TMP=$2; destroy ;;
  *) die "usage: failover-cluster.sh install | start | standby DIRECTORY | state DIRECTORY | kill DIRECTORY NODE | rejoin DIRECTORY NODE | destroy DIRECTORY" ;;
esac
