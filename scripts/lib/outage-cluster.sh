#!/usr/bin/env bash
# A throwaway PostgreSQL cluster of its own for the store-outage tests (Pim.Api.Tests/Http/StoreOutageTests.cs), which
# stop and start it in the middle of a test while the suite's shared cluster stays up.
#   outage-cluster.sh start                  initdb and start; prints "DIRECTORY PORT"
#   outage-cluster.sh stop DIRECTORY         stop it (fast shutdown: sessions are cut, as in an outage)
#   outage-cluster.sh resume DIRECTORY PORT  start it again on the same port
#   outage-cluster.sh destroy DIRECTORY      stop it and delete it
set -euo pipefail

PG_BIN="${PIM_PG_BIN:-/usr/lib/postgresql/15/bin}"
die() { echo "ERROR: scripts/lib/outage-cluster.sh: $*" >&2; exit 1; }
# shellcheck source=throwaway-postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/throwaway-postgres.sh"

case "${1:-}" in
  start)
    pg_check_binaries initdb pg_ctl pg_isready
    pg_start pim-outage >&2
    echo "$PG_TMP $PG_PORT"
    ;;
  stop)
    PG_TMP=$2
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_TMP/data" -m fast -w -t 30 >/dev/null || die "pg_ctl stop failed."
    ;;
  resume)
    PG_TMP=$2
    as_pg "$PG_BIN/pg_ctl" start -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" -o "-p $3" -w -t 30 >/dev/null \
      || { tail -n 20 "$PG_TMP/postgres.log" >&2; die "pg_ctl start failed."; }
    ;;
  destroy)
    PG_TMP=$2
    PG_DATA="$PG_TMP/data"
    PG_STARTED=1
    pg_stop
    ;;
  *) die "usage: outage-cluster.sh start | stop DIRECTORY | resume DIRECTORY PORT | destroy DIRECTORY" ;;
esac
