#!/usr/bin/env bash
# Starts a Docker engine for the deploy test when none answers, and stops only the one it started.
#   deploy/dockerd.sh start   # no-op when `docker info` already works
#   deploy/dockerd.sh stop    # stops the dockerd this script started (a no-op otherwise)
# Needs root (dockerd does). Extra daemon flags, e.g. --storage-driver=vfs where overlayfs cannot
# be mounted: DOCKERD_FLAGS. Its log: $FLEET_DOCKERD_DIR/dockerd.log.
set -euo pipefail

dir=${FLEET_DOCKERD_DIR:-/tmp/fleet-dockerd}
pidfile="$dir/dockerd.pid"
log() { echo "dockerd.sh: $*" >&2; }

case "${1:-}" in
start)
  if docker info >/dev/null 2>&1; then exit 0; fi
  command -v dockerd >/dev/null || { log "no dockerd: apt-get install docker.io"; exit 1; }
  mkdir -p "$dir"
  # shellcheck disable=SC2086 # DOCKERD_FLAGS is a list of flags
  setsid dockerd ${DOCKERD_FLAGS:-} >"$dir/dockerd.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then exit 0; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "dockerd exited; its log ends:"
      tail -n 20 "$dir/dockerd.log" >&2
      rm -f "$pidfile"
      exit 1
    fi
    sleep 0.5
  done
  log "dockerd did not answer within 60 s; see $dir/dockerd.log"
  exit 1
  ;;
stop)
  [ -f "$pidfile" ] || exit 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  # dockerd stops its containers first (10 s each at most), then containerd.
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; exit 0; }
    sleep 0.5
  done
  log "dockerd $pid did not stop within 60 s: killing it"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
