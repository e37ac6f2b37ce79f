#!/usr/bin/env bash
# Regenerates openapi.yaml (the contract SDKs are generated from) from the document Pim serves.
#
# Builds Pim, starts it in Development (the development issuer on, as the contract test runs it) on an embedded
# SQLite store in a temporary directory and a free loopback port, writes GET /swagger/v1/swagger.yaml to openapi.yaml,
# and stops it. Run it after an intended API change and commit openapi.yaml with the change; the contract test
# (ContractTests.Served_document_is_the_committed_contract) fails until the two agree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "ERROR: scripts/update-openapi.sh: $*" >&2; exit 1; }
PG_TMP=""
# shellcheck source=lib/throwaway-postgres.sh
source "$ROOT/scripts/lib/throwaway-postgres.sh" # for pick_port

WORK="$(mktemp -d -t pim-openapi.XXXXXXXX)"
PID=""
cleanup() {
  [[ -n "$PID" ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  rm -rf -- "$WORK"
}
trap cleanup EXIT

dotnet build "$ROOT/Pim.Api/Pim.Api.csproj" -v quiet -nologo >/dev/null || die "the build failed."
PORT="$(pick_port)" || die "no free port."
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$PORT" Pim__DataDirectory="$WORK" \
  ConnectionStrings__Pim="Data Source=$WORK/pim.db" Pim__Outbox__BackgroundEnabled=false Serilog__MinimumLevel__Default=Warning \
  dotnet "$ROOT/Pim.Api/bin/Debug/net10.0/Pim.Api.dll" >"$WORK/api.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/api.log" >&2; die "Pim exited at start-up."; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/swagger/v1/swagger.yaml" -o "$WORK/openapi.yaml" || die "GET /swagger/v1/swagger.yaml failed."
mv "$WORK/openapi.yaml" "$ROOT/openapi.yaml"
echo "openapi.yaml regenerated from the served document."
