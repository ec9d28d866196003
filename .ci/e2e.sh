#!/usr/bin/env bash
# CI: the end-to-end suite (issue #6). Installs the temporal CLI and headless Chromium when
# missing, builds the standalone jars, then runs the e2e module (Maven profile e2e).
#   .ci/e2e.sh                      the whole suite
#   .ci/e2e.sh -Dtest=WebUiTest     extra Maven arguments are passed on
# Logs of every process: e2e/target/logs/; Web UI DOM and screenshot: e2e/target/ui/.
set -euo pipefail
cd "$(dirname "$0")/.."

# The temporal CLI, pinned (later tags cannot be built with go install).
if [ -z "${TEMPORAL_CLI:-}" ]; then
  if command -v go >/dev/null 2>&1; then
    PATH="$(go env GOPATH)/bin:$PATH"
    export PATH
  fi
  if ! command -v temporal >/dev/null 2>&1; then
    echo "installing the temporal CLI v1.5.1 ..."
    go install github.com/temporalio/cli/cmd/temporal@v1.5.1
  fi
  TEMPORAL_CLI=$(command -v temporal)
  export TEMPORAL_CLI
fi
echo "temporal CLI: $TEMPORAL_CLI ($("$TEMPORAL_CLI" --version))"

# Headless Chromium for the Web UI test (it skips itself without one).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium ..."
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium
fi

./mvnw -B -q -DskipTests package
./mvnw -B -Pe2e -pl e2e verify "$@"
