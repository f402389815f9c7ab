# The project's three services, one target each (build from the repository root, with BuildKit):
#   docker build --target exporter  -t fleet-monitor/exporter .    # metrics, status doc, /infra/ panel
#   docker build --target alerting  -t fleet-monitor/alerting .    # Telegram alerts
#   docker build --target simulator -t fleet-monitor/simulator .   # the trial profile's fake fleet
# `docker compose build` does the same. Runtime images: production dependencies only, user `node`,
# a HEALTHCHECK; compose adds an init process (`init: true`) and the services stop on SIGTERM.
#
# Where npm reaches the registry only through a TLS-intercepting proxy, hand the build that
# machine's CA bundle as a secret; it is mounted for the `npm ci` steps only, never in a layer:
#   docker build --secret id=npm_ca,src="$(npm config get cafile)" --target exporter .

# The base images; the tests build local stand-ins from Debian packages (deploy/base-images.sh).
ARG NODE_IMAGE=node:20-bookworm-slim
ARG NODE_BUILD_IMAGE=${NODE_IMAGE}

# --- manifests: the npm ci layers stay cached until a dependency changes ---------------------
FROM ${NODE_BUILD_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY exporter/package.json exporter/
COPY alerting/package.json alerting/
COPY simulator/package.json simulator/
COPY panel/package.json panel/
COPY dashboards/package.json dashboards/
# Test-only workspaces: npm ci needs their manifests; nothing of them reaches an image.
COPY testing/package.json testing/
COPY bench/package.json bench/
COPY faults/package.json faults/
COPY hosts/react18-app/package.json hosts/react18-app/
COPY hosts/react19-app/package.json hosts/react19-app/

# --- build: every dev dependency; compile the services, build the panel ----------------------
FROM manifests AS build
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export npm_config_cafile=/run/secrets/npm_ca; fi \
  && npm ci --no-audit --no-fund
# The sources the build reads, and nothing else: an edit elsewhere (docs, dashboards, the rules)
# leaves this stage cached.
# vitest.shared.ts: the panel's Vite config takes the workspace aliases from it.
COPY tsconfig.base.json vitest.shared.ts ./
COPY core core
COPY exporter exporter
COPY alerting alerting
COPY simulator simulator
COPY panel panel
RUN npx tsc -b exporter alerting simulator && npm run build -w panel

# --- production dependencies of core and one service each ------------------------------------
FROM manifests AS deps-exporter
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export npm_config_cafile=/run/secrets/npm_ca; fi \
  && npm ci --omit=dev --no-audit --no-fund --workspace=@fleet/exporter --workspace=@fleet/core \
  && npm cache clean --force \
  && mkdir -p core/node_modules exporter/node_modules

FROM manifests AS deps-alerting
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export npm_config_cafile=/run/secrets/npm_ca; fi \
  && npm ci --omit=dev --no-audit --no-fund --workspace=@fleet/alerting --workspace=@fleet/core \
  && npm cache clean --force \
  && mkdir -p core/node_modules alerting/node_modules

FROM manifests AS deps-simulator
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export npm_config_cafile=/run/secrets/npm_ca; fi \
  && npm ci --omit=dev --no-audit --no-fund --workspace=@fleet/simulator --workspace=@fleet/core \
  && npm cache clean --force \
  && mkdir -p core/node_modules simulator/node_modules

# --- runtime: what every service image shares; files stay root-owned, the process is `node` ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/core/package.json core/
COPY --from=build /app/core/dist core/dist

# The healthchecks start a Node process, which takes seconds on a slow NAS CPU: a 10 s timeout.
FROM runtime AS exporter
ENV EXPORTER_PORT=8790 \
    EXPORTER_HOST=0.0.0.0
COPY --from=deps-exporter /app/node_modules node_modules
COPY --from=deps-exporter /app/core/node_modules core/node_modules
COPY --from=deps-exporter /app/exporter/node_modules exporter/node_modules
COPY --from=build /app/exporter/package.json exporter/
COPY --from=build /app/exporter/dist exporter/dist
COPY --from=build /app/panel/dist panel/dist
USER node
EXPOSE 8790
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.EXPORTER_PORT+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "exporter/dist/main.js"]

FROM runtime AS alerting
ENV ALERTING_PORT=8791
COPY --from=deps-alerting /app/node_modules node_modules
COPY --from=deps-alerting /app/core/node_modules core/node_modules
COPY --from=deps-alerting /app/alerting/node_modules alerting/node_modules
COPY --from=build /app/alerting/package.json alerting/
COPY --from=build /app/alerting/dist alerting/dist
USER node
EXPOSE 8791
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.ALERTING_PORT+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "alerting/dist/main.js"]

FROM runtime AS simulator
ENV SIM_SCENARIO=tour
COPY --from=deps-simulator /app/node_modules node_modules
COPY --from=deps-simulator /app/core/node_modules core/node_modules
COPY --from=deps-simulator /app/simulator/node_modules simulator/node_modules
COPY --from=build /app/simulator/package.json simulator/
COPY --from=build /app/simulator/dist simulator/dist
USER node
# No port to ask: it is healthy while it runs (the exporter shows whether its workers beat).
HEALTHCHECK NONE
CMD ["node", "simulator/dist/cli.js"]
