#!/usr/bin/env bash
# CI: the end-to-end suite (issue #6). Gets the pinned temporal CLI and tctl through .ci/tools.sh
# (instant when the tools stage of .ci/run got them), installs headless Chromium when missing,
# starts a Docker engine for the compose backend's host when none answers (as root), builds the
# standalone jars, then runs the e2e module (Maven profile e2e) with nothing allowed to
# skip (-De2e.requireAll=true).
#   .ci/e2e.sh                      the whole suite
#   .ci/e2e.sh -Dtest=WebUiTest     extra Maven arguments are passed on
# Logs of every process: e2e/target/logs/; Web UI DOM and screenshots: e2e/target/ui/.
set -euo pipefail
cd "$(dirname "$0")/.."

tools_out=$(bash .ci/tools.sh)
TEMPORAL_CLI=$(sed -n 's/^TEMPORAL_CLI=//p' <<<"$tools_out")
TCTL=$(sed -n 's/^TCTL=//p' <<<"$tools_out")
export TEMPORAL_CLI TCTL

# Headless Chromium for the Web UI test, and a real Redis for the shared-server test.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..."
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The compose backend's host (ComposeE2eTest): a Docker engine. .ci/run starts one before its
# stages; run alone as root, this starts one (.ci/compose-host.sh) and stops it again on exit.
if [ "$(id -u)" = 0 ] && ! timeout 10 docker info >/dev/null 2>&1; then
  bash .ci/compose-host.sh start
  trap 'timeout 60 bash .ci/compose-host.sh stop || true' EXIT
fi

./mvnw -B -q -DskipTests package
./mvnw -B -Pe2e -pl e2e verify -De2e.requireAll=true "$@"
