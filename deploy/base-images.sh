#!/usr/bin/env bash
# Builds the local stand-ins for the public base images (no image registry is reachable here):
# a Debian trixie root made with debootstrap and `docker import`ed, then one small image per role.
# Cached by tag: an image that exists is not rebuilt (FLEET_STANDIN_REBUILD=1 forces it).
# The Debian mirror is the one this machine's apt uses, read at run time.
#
#   deploy/base-images.sh            # prints nothing but progress; exits non-zero on failure
set -euo pipefail

prefix=${FLEET_STANDIN_PREFIX:-fleet-standin}
suite=trixie
base="$prefix/debian:$suite"

log() { echo "base-images: $*" >&2; }
have() { [ "${FLEET_STANDIN_REBUILD:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

# The first Debian archive URI in apt's sources (one-line or deb822), not the security one.
mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -nE 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' |
    tr ' ' '\n' | grep -E '^https?://[^[:space:]]+/debian/?$' | head -n 1) || true
  [ -n "$uri" ] || { log "no Debian mirror in /etc/apt/sources.list*"; exit 1; }
  echo "${uri%/}"
}

if ! have "$base"; then
  command -v debootstrap >/dev/null || { log "debootstrap is missing: apt-get install debootstrap"; exit 1; }
  root=$(mktemp -d /tmp/fleet-debootstrap.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  log "debootstrap $suite from $(mirror) (a few minutes, once)"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$(mirror)" >"$root.log" 2>&1 ||
    { tail -n 30 "$root.log" >&2; rm -f "$root.log"; exit 1; }
  rm -f "$root.log"
  # Small images: no apt lists, docs or man pages; apt keeps none of them either.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/*
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' \
    >"$root/etc/dpkg/dpkg.cfg.d/01-nodoc"
  printf '%s\n' 'APT::Install-Recommends "false";' 'APT::Install-Suggests "false";' >"$root/etc/apt/apt.conf.d/01-norecommends"
  tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# role image: tag, packages, then Dockerfile lines run after the install.
role() {
  local tag="$prefix/$1:$suite" packages=$2 extra=$3 recipe
  # A changed recipe is rebuilt: its hash is a label of the image.
  recipe=$(printf '%s\n%s\n%s' "$base" "$packages" "$extra" | sha256sum | cut -c1-16)
  if [ "${FLEET_STANDIN_REBUILD:-0}" != 1 ] &&
    [ "$(docker image inspect -f '{{index .Config.Labels "fleet.recipe"}}' "$tag" 2>/dev/null)" = "$recipe" ]; then
    return 0
  fi
  log "building $tag ($packages)"
  local output
  # The classic builder: these Dockerfiles need nothing more, and it is there in every Docker.
  if ! output=$(printf 'FROM %s\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq %s >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin\n%s\nLABEL fleet.recipe=%s\n' \
    "$base" "$packages" "$extra" "$recipe" | DOCKER_BUILDKIT=0 docker build --force-rm -t "$tag" - 2>&1); then
    echo "$output" >&2
    log "building $tag failed"
    exit 1
  fi
}

# The roles build side by side (mostly downloads and dpkg), each a background job.
jobs=()
# Like node:20-*: Node.js, a `node` user with uid 1000; the build stages' one also has npm.
node_user='RUN useradd --uid 1000 --user-group --create-home --shell /bin/bash node
CMD ["node"]'
role node "nodejs" "$node_user" &
jobs+=($!)
role node-build "nodejs npm" "$node_user" &
jobs+=($!)
# (/bin is /usr/bin in trixie.) Like prom/prometheus: runs as nobody, data in /prometheus, wget for the healthcheck.
role prometheus "prometheus wget" 'RUN mkdir -p /prometheus && chown 65534:65534 /prometheus
USER 65534
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' &
jobs+=($!)
# Like prom/alertmanager: `alertmanager` on the PATH, runs as nobody, data in /alertmanager.
role alertmanager "prometheus-alertmanager wget" 'RUN ln -s prometheus-alertmanager /usr/bin/alertmanager && mkdir -p /alertmanager && chown 65534:65534 /alertmanager
USER 65534
WORKDIR /alertmanager
ENTRYPOINT ["/bin/alertmanager"]' &
jobs+=($!)
# Like redis:7: redis-server and redis-cli, and, like its entrypoint, no protected mode when it
# starts without a config file (other containers connect to it).
redis_entrypoint=$(base64 -w0 <<'SCRIPT'
#!/bin/sh
if [ "$1" = redis-server ]; then shift; set -- redis-server --protected-mode no "$@"; fi
exec "$@"
SCRIPT
)
role redis "redis-server redis-tools" "RUN echo $redis_entrypoint | base64 -d >/usr/local/bin/redis-entrypoint && chmod 755 /usr/local/bin/redis-entrypoint
USER redis
WORKDIR /var/lib/redis
ENTRYPOINT [\"/usr/local/bin/redis-entrypoint\"]
CMD [\"redis-server\"]" &
jobs+=($!)
# The reverse proxy in front of the exporter (the Synology one, in the test).
role nginx "nginx" 'RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
CMD ["nginx", "-g", "daemon off;"]' &
jobs+=($!)
failed=0
for job in "${jobs[@]}"; do wait "$job" || failed=1; done
[ "$failed" = 0 ] || { log "a stand-in image failed to build (its output is above)"; exit 1; }
log "ready: $(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$prefix/*" | tr '\n' ' ')"
