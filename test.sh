#!/usr/bin/env bash
# Runs every test of the repository: the README's test command, and what CI runs (.ci/run).
# It installs what the tests need (redis-server, PostgreSQL); the tests start private instances of them.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 2
fi

scripts/install-test-dependencies.sh

configuration="${CONFIGURATION:-Release}"
dotnet build Orleans.sln -c "$configuration" -nologo -clp:NoSummary -v:quiet
# A hung test fails the run with a dump of what it was doing instead of stalling CI.
dotnet test Orleans.sln -c "$configuration" --no-build -nologo \
  --blame-hang-timeout 5m \
  --logger "console;verbosity=minimal" "$@"
