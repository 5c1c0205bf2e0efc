# syntax=docker/dockerfile:1
# One image for every Quell process; docker-compose.yml picks the command:
#   API       node api/dist/main.js            (default; serves /healthz, /readyz, /metrics)
#   workers   node workers/dist/main.js        (scale with --scale workers=N)
#   migrate   node api/dist/cli/quell.js migrate   (one-off, before the API starts)
#   web       npm run -w web start

# --- build: all dependencies, compile the back end, build the web app ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY api/package.json api/
COPY workers/package.json workers/
COPY ml/package.json ml/
COPY migrations/package.json migrations/
COPY web/package.json web/
COPY bench/package.json bench/
# @tensorflow/tfjs-node is optional: where its native download fails, npm drops it and the wasm backend is used.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b api workers && npm run -w web build

# --- prune: production dependencies only ---
FROM build AS prune
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf web/.next/cache api/src workers/src ml/src migrations/src web/test bench

# --- runtime: no compiler, no dev dependencies, not root ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=4000 QUELL_DATA_DIR=/app/.quell
WORKDIR /app
COPY --from=prune --chown=node:node /app /app
USER node
EXPOSE 4000 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "api/dist/main.js"]
