#!/usr/bin/env bash
# The compose backend's host for CI, on this machine: installs Debian's docker.io, docker-compose,
# nginx, openssh-server, busybox-static, git, curl (util-linux gives flock), and starts or stops
# dockerd without iptables or a bridge (containers use host networking on loopback ports).
# overlay2 works on these machines; vfs is the fallback where overlayfs is refused.
#   .ci/compose-host.sh start   # install what is missing, start dockerd, wait until it answers
#   .ci/compose-host.sh stop    # stop the dockerd this script started
set -euo pipefail
state=${FORGE_PREVIEW_DOCKERD_STATE:-/tmp/forge-preview-dockerd}
mkdir -p "$state"

install() {
  local need=()
  [ -x /usr/sbin/dockerd ] || need+=(docker.io)
  [ -x /usr/bin/docker-compose ] || need+=(docker-compose)
  [ -x /usr/sbin/nginx ] || need+=(nginx)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v git >/dev/null 2>&1 || need+=(git)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    echo "compose host: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

answers() { timeout 10 /usr/bin/docker info >/dev/null 2>&1; }

start() {
  install
  if answers; then
    echo "compose host: a Docker engine already answers; using it"
    return 0
  fi
  for driver in overlay2 vfs; do
    /usr/sbin/dockerd --iptables=false --bridge=none --storage-driver="$driver" \
      >"$state/dockerd.log" 2>&1 &
    echo $! >"$state/dockerd.pid"
    for _ in $(seq 1 60); do
      if answers; then
        echo "compose host: dockerd (storage driver $driver) is up, pid $(cat "$state/dockerd.pid")"
        return 0
      fi
      kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null || break
      sleep 1
    done
    kill "$(cat "$state/dockerd.pid")" 2>/dev/null || true
    wait "$(cat "$state/dockerd.pid")" 2>/dev/null || true
    rm -f "$state/dockerd.pid"
    echo "compose host: dockerd with $driver did not start:"; tail -5 "$state/dockerd.log"
  done
  echo "compose host: dockerd does not start here" >&2
  return 1
}

stop() {
  if [ -f "$state/dockerd.pid" ]; then
    pid=$(cat "$state/dockerd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$state/dockerd.pid"
    echo "compose host: dockerd stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
