#!/usr/bin/env bash
# Mutation testing of Pim's policy (README, Testing).
#
# Stryker.NET (dotnet-stryker, pinned in .config/dotnet-tools.json) mutates the deciding files of Pim.Domain named in
# scripts/mutation/stryker-config.json — one small change at a time: a '>' made '>=', a condition negated, a statement
# removed — and runs the tests that need no database against each mutant: the test files of Pim.Api.Tests that carry
# [Trait("Store", "none")], which scripts/mutation/PolicyTests.csproj compiles (with the in-memory ports of
# Support/Fakes) for the Microsoft Testing Platform, so that one test process per runner serves every mutant. A mutant
# no test notices "survives": a rule that could change unnoticed. The run fails when fewer than 90 % are killed.
#
# Usage: scripts/mutation.sh [OUTPUT_DIR]
#   OUTPUT_DIR (default: $PIM_MUTATION_OUTPUT, else a new temporary directory; never the repository) receives the
#   reports: OUTPUT_DIR/reports/mutation-report.html (open it in a browser) and mutation-report.json, and Stryker's logs.
# Stryker builds PolicyTests.csproj (and Pim.Domain) itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-${PIM_MUTATION_OUTPUT:-}}"
[[ -n "$OUT" ]] || OUT="$(mktemp -d -t pim-mutation.XXXXXXXX)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
case "$OUT/" in
  "$ROOT"/*) echo "scripts/mutation.sh: the output directory must be outside the repository ($OUT)." >&2; exit 2 ;;
esac

cd "$ROOT"
dotnet tool restore >/dev/null || { echo "scripts/mutation.sh: dotnet tool restore failed (dotnet-stryker, .config/dotnet-tools.json)." >&2; exit 1; }

# Stryker swaps the mutated Pim.Domain.dll into the test project's output and puts the original back from a backup it
# makes once. A backup left by an interrupted run would be put back over a newer build: none is kept across runs, and
# an interrupted run's original is put back.
BACKUP="$ROOT/scripts/mutation/bin/Debug/net10.0/Pim.Domain.dll.stryker-unchanged"
rm -f -- "$BACKUP"
restore() {
  if [[ -f "$BACKUP" ]]; then mv -f -- "$BACKUP" "${BACKUP%.stryker-unchanged}"; fi
}
trap restore EXIT

echo "scripts/mutation.sh: mutating the deciding files of Pim.Domain against the tests of trait Store=none (reports: $OUT/reports)"
started=$SECONDS
set +e
(cd "$ROOT/scripts/mutation" && dotnet stryker --config-file stryker-config.json --output "$OUT" --skip-version-check) 2>&1 \
  | tee "$OUT/stryker.log"
rc=${PIPESTATUS[0]}
set -e
elapsed=$((SECONDS - started))
score=$(grep -oE 'The final mutation score is [0-9.]+ %' "$OUT/stryker.log" | tail -n 1 | grep -oE '[0-9.]+' || true)
echo "scripts/mutation.sh: mutation score ${score:-unknown} % (at least 90 % needed) in ${elapsed}s; report: $OUT/reports/mutation-report.html"
if [[ "$rc" -ne 0 ]]; then
  echo "scripts/mutation.sh: FAILED: the mutation score is under 90 %, or Stryker could not run (log above, $OUT/stryker.log)." >&2
  exit "$rc"
fi
