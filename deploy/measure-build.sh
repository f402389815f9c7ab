#!/usr/bin/env bash
# Measures the heavy part of the image build (the Dockerfile's `build` stage: npm ci with every
# dev dependency, tsc, the panel's vite build) under a memory cap, as on a small NAS:
#   deploy/measure-build.sh [memory-cap, default 2g]
# Runs in a container of the stand-in build image (deploy/base-images.sh) with --memory=<cap>
# (no swap) and --cpus=2; prints the wall time and the peak resident memory (cgroup v1
# total_rss sampled every 0.5 s; the page cache is left out, the kernel drops it under the cap).
set -euo pipefail
cd "$(dirname "$0")/.."

cap=${1:-2g}
image=${FLEET_BUILD_IMAGE:-fleet-standin/node-build:trixie}
ca=$(npm config get cafile 2>/dev/null || true)
[ -f "$ca" ] || ca=${NODE_EXTRA_CA_CERTS:-}
mounts=()
[ -n "$ca" ] && [ -f "$ca" ] && mounts=(-v "$ca:/run/secrets/npm_ca:ro")

start=$(date +%s%N)
git archive --format=tar HEAD | docker run --rm -i --memory="$cap" --memory-swap="$cap" --cpus=2 \
  "${mounts[@]}" "$image" sh -c '
    set -e
    stat=/sys/fs/cgroup/memory/memory.stat
    [ -r "$stat" ] || { echo "no cgroup v1 memory.stat in the container" >&2; exit 1; }
    ( peak=0; while :; do
        rss=$(awk "/^total_rss /{print \$2}" "$stat"); [ "$rss" -gt "$peak" ] && peak=$rss && echo "$peak" >/tmp/peak
        sleep 0.5; done ) &
    mkdir /app && cd /app && tar -x
    [ -s /run/secrets/npm_ca ] && export npm_config_cafile=/run/secrets/npm_ca
    npm ci --no-audit --no-fund >/tmp/build.log 2>&1 && npx tsc -b exporter alerting simulator >>/tmp/build.log 2>&1 \
      && npm run build -w panel >>/tmp/build.log 2>&1 || { tail -n 30 /tmp/build.log >&2; exit 1; }
    sleep 1
    echo "peak_rss_mib=$(( $(cat /tmp/peak) / 1024 / 1024 ))"
    echo "limit_hit_count=$(cat /sys/fs/cgroup/memory/memory.failcnt)"'
echo "wall_s=$(( ($(date +%s%N) - start) / 1000000000 ))"
