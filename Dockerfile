# syntax=docker/dockerfile:1.7
# One image for all six apps (they share libs and dependencies); the command picks the app:
#   docker run rentguy node dist/apps/gateway/src/main.js

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json .swcrc ./
COPY tools/nx ./tools/nx
COPY tools/build ./tools/build
COPY libs ./libs
COPY apps ./apps
RUN npx nx run-many -t build --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
# V8's young generation capped at 8 MB semi-spaces (Node lets them grow to 64 MB and keep it
# resident), its old space at 192 MB (sized from the host's memory, it lets garbage pile up to
# hundreds of MB), and two glibc malloc arenas (libvips' threads fragment one each); APP_V8_FLAGS and
# APP_MALLOC_ENV in libs/testing/platform/src/platform-runner.ts run the apps locally the same.
ENV NODE_ENV=production HOST=0.0.0.0 NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=192" MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
RUN mkdir -p /app/.data/blobs && chown -R node:node /app/.data
USER node
EXPOSE 3000 9100
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9100)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/gateway/src/main.js"]
