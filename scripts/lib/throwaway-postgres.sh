# shellcheck shell=bash
# A throwaway PostgreSQL cluster on a free 127.0.0.1 port, for scripts/test.sh and bench/run.sh (sourced).
# The caller sets PG_BIN and defines die MESSAGE (which prints and exits). This file defines:
#   pg_check_binaries BIN...        the server binaries are there, and (as root) the postgres user to run them
#   pg_start NAME [EXTRA_CONF]      initdb + start; sets PG_TMP, PG_DATA, PG_PORT and PG_STARTED=1
#   pg_stop                         stop the server and delete its directory (safe to call at any time)
#   as_pg CMD...                    run a server binary as the postgres user when root (initdb/pg_ctl refuse root)
#   pick_port                       a free TCP port on 127.0.0.1 from 20000, outside the ephemeral range
PG_TMP=""
PG_DATA=""
PG_PORT=""
PG_STARTED=0

as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

port_in_use() {
  local port=$1
  # Any socket on it, listening or not: a connection's local end holds its port too.
  if command -v ss >/dev/null 2>&1 && ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
    return 0
  fi
  # Something accepting connections on the port means it is taken.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Drawn below the kernel's range for outgoing connections' local ports (ip_local_port_range, 32768-60999 by default),
# or above it when there is no room below: a port there may become a connection's local end between the pick and the
# bind, which then fails "address already in use" (a README walkthrough of .ci/run did, on 51380).
pick_port() {
  local port low=20000 high=60000 first last
  if read -r first last </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null; then
    if (( first - 1 - low >= 1000 )); then high=$(( first - 1 ))
    elif (( 65000 - last - 1 >= 1000 )); then low=$(( last + 1 )); high=65000
    fi
  fi
  for _ in $(seq 1 100); do
    port=$(( low + (RANDOM * 32768 + RANDOM) % (high - low + 1) ))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

pg_check_binaries() {
  local bin
  for bin in "$@"; do
    [[ -x "$PG_BIN/$bin" ]] || die "PostgreSQL 15 binary '$PG_BIN/$bin' not found (install postgresql-15)."
  done
  if [[ "$(id -u)" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user to run the server as."
    command -v runuser >/dev/null 2>&1 || die "running as root but 'runuser' is not available."
  fi
}

pg_start() {
  local name=$1 extra=${2:-} attempt ready=0
  PG_TMP="$(mktemp -d -t "$name.XXXXXXXX")"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown postgres: "$PG_TMP"
    if ! runuser -u postgres -- test -w "$PG_TMP"; then
      # e.g. TMPDIR points somewhere the postgres user cannot traverse: fall back to /tmp.
      rm -rf -- "$PG_TMP"
      PG_TMP="$(mktemp -d "/tmp/$name.XXXXXXXX")"
      chown postgres: "$PG_TMP"
      runuser -u postgres -- test -w "$PG_TMP" || die "the postgres user cannot write to $PG_TMP."
    fi
  fi
  PG_DATA="$PG_TMP/data"
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust --auth-host=trust --auth-local=trust \
       -E UTF8 --locale=C >"$PG_TMP/initdb.log" 2>&1; then
    cat "$PG_TMP/initdb.log" >&2 || true
    die "initdb failed (output above)."
  fi
  as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null <<CONF

# --- throwaway cluster ($name) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
$extra
CONF
  for attempt in 1 2 3 4 5; do
    PG_PORT="$(pick_port)" || die "could not find a free TCP port."
    rm -f -- "$PG_TMP/postgres.log"
    if as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_TMP/postgres.log" -o "-p $PG_PORT" -w -t 30 >/dev/null 2>&1; then
      PG_STARTED=1
      break
    fi
    # pg_ctl may have left a postmaster behind (e.g. timed out): make sure it is gone.
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 >/dev/null 2>&1 || true
    # Retry only when the port was grabbed by someone else in the meantime.
    grep -qiE 'could not (bind|create listen socket)|address already in use' "$PG_TMP/postgres.log" 2>/dev/null \
      || die "PostgreSQL failed to start."
    echo "PostgreSQL: port $PG_PORT taken, retrying (attempt $attempt)" >&2
  done
  [[ "$PG_STARTED" -eq 1 ]] || die "PostgreSQL failed to start (port conflicts on every attempt)."
  for _ in $(seq 1 60); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; then ready=1; break; fi
    sleep 0.5
  done
  [[ "$ready" -eq 1 ]] || die "PostgreSQL did not become ready on 127.0.0.1:$PG_PORT within 30 s."
}

pg_stop() {
  if [[ "$PG_STARTED" -eq 1 ]]; then
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 >/dev/null 2>&1 || true
    PG_STARTED=0
  fi
  if [[ -n "$PG_TMP" && -d "$PG_TMP" ]]; then
    rm -rf -- "$PG_TMP"
  fi
}
