# bench/lib/common.sh: logging, stopping what the script started, numbers, small helpers — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

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
