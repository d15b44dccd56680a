# syntax=docker/dockerfile:1
#
# Tutorflow image: one image, three entry points (chosen by the container's command):
#   node dist/server/api.js            API (default CMD), port 3000, liveness at GET /health
#   node dist/workers/booking-worker.js Temporal worker
#   node dist/db/migrate.js            knex migrations to latest, then exits
#
# Stages: deps (all deps, for the build) -> build (tsc + prebuilt workflow bundle)
#         prod-deps (production deps only) -> runtime (dist + prod node_modules, non-root).
#
# The package.json npm scripts go through scripts/bootstrap.sh (which fetches Node 24 and runs
# npm ci when needed); the image already has Node 24 and installs its dependencies explicitly,
# so the build calls the compilers directly instead.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
# Quiet, non-interactive npm; @scarf/scarf (a transitive install-time telemetry hook, denied in
# package.json "allowScripts") is told to stay off in case npm runs it anyway.
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    SCARF_ANALYTICS=false

# ---------------------------------------------------------------------------------------------
# All dependencies (dev included): typescript, tsx and the Temporal bundler are needed to build.
# Install scripts are enabled explicitly: the project lists the ones it allows in package.json
# "allowScripts", and some packages (esbuild, @swc/core) need theirs.
FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts=false

# ---------------------------------------------------------------------------------------------
# Compile TypeScript to dist/, prebuild the Temporal workflow bundle (dist/workflow-bundle.js) and
# build the web app (web/dist).
FROM deps AS build
COPY . .
RUN ./node_modules/.bin/tsc -p tsconfig.build.json \
 && ./node_modules/.bin/tsx workers/build-bundle.ts \
 && ./node_modules/.bin/vite build --config web/vite.config.ts \
 && test -f web/dist/index.html \
 && test -f dist/server/api.js \
 && test -f dist/workers/booking-worker.js \
 && test -f dist/db/migrate.js \
 && test -f dist/workflow-bundle.js

# ---------------------------------------------------------------------------------------------
# Production dependencies only, in their own stage so the npm cache never reaches the runtime
# image. Native modules (@temporalio/core-bridge, argon2) ship prebuilt binaries for glibc
# linux-x64/arm64, so no compiler toolchain is needed.
FROM base AS prod-deps
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts=false

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
# tini: PID 1 that forwards signals (SIGTERM on `docker stop`) and reaps zombies.
# ca-certificates: system CA store for the Temporal core (Rust) when it talks TLS, e.g. to
# Temporal Cloud.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

# ENVIRONMENT=production: the image never runs on the development keys by accident; it refuses to
# start (exit 78, naming each key) until SECRET_KEY, the outside services and CORS are really set.
ENV NODE_ENV=production \
    ENVIRONMENT=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000

# Application files stay owned by root (read-only for the app user).
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web app's static assets, served by the API outside its own paths (api/web-assets.ts).
COPY --from=build /app/web/dist ./web/dist

# The official Node image ships an unprivileged "node" user (uid 1000).
USER node

EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server/api.js"]
