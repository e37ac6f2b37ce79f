#!/usr/bin/env bash
# The contract gives a Kiota client that compiles: generates a C# client from openapi.yaml with Kiota (pinned as a
# local dotnet tool in .config/dotnet-tools.json) into a temporary directory and builds it (scripts/kiota/PimKiota.csproj,
# against the Kiota packages pinned in Directory.Packages.props) with warnings as errors. Run by scripts/test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d -t pim-kiota.XXXXXXXX)"
trap 'rm -rf -- "$WORK"' EXIT

cd "$ROOT"
dotnet tool run kiota generate --language CSharp --openapi "$ROOT/openapi.yaml" --output "$WORK/src" \
  --namespace-name Pim.Kiota --class-name PimKiotaClient --clean-output --log-level Error >"$WORK/generate.log" 2>&1 \
  || { cat "$WORK/generate.log" >&2; echo "ERROR: Kiota could not generate a client from openapi.yaml." >&2; exit 1; }
dotnet build "$ROOT/scripts/kiota/PimKiota.csproj" -p:KiotaSource="$WORK/src" -nologo -v quiet >"$WORK/build.log" 2>&1 \
  || { grep -E "error|warn" "$WORK/build.log" | sort -u | head -40 >&2; echo "ERROR: the Kiota client of openapi.yaml does not compile." >&2; exit 1; }
echo "scripts/kiota/check.sh: the Kiota client generated from openapi.yaml compiles ($(find "$WORK/src" -name '*.cs' | wc -l) files)"
