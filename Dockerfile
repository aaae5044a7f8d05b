# handsbot's app image: `handsbot serve` (the default), `handsbot worker` or `handsbot start`.
#
#   sudo sandbox/build-app-image.sh        # builds it here, where no registry is reachable; prints its tag
#
# It builds with the classic builder (no BuildKit features), so Debian's docker.io builds it as is.
# BASE_IMAGE is a Debian trixie with Node.js, npm, tini and git from Debian's packages, made by
# sandbox/build-base-image.sh (debootstrap + docker import, as the sandbox image). Sites that can pull
# from a registry change the one line below to `ARG BASE_IMAGE=node:20-bookworm-slim` (or pass
# --build-arg BASE_IMAGE=node:20-bookworm-slim); tini and git are then installed from Debian's packages.
ARG BASE_IMAGE=handsbot-base:latest

FROM ${BASE_IMAGE} AS build
WORKDIR /app
# The lockfile first: the dependency layer is reused while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY jobs jobs
# Compile, then drop the dev dependencies (the compiler, the test tools) in place, without a second download.
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE_IMAGE}
# Present in handsbot-base already; node:20-bookworm-slim lacks them.
RUN if ! command -v tini >/dev/null || ! command -v git >/dev/null; then \
      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini git ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# Not root: a worker that is not root runs each sandbox as its own uid and never chowns a checkout.
# 10002, not the sandbox's 10001. The data dir holds mirrors, checkouts and event logs; a worker
# using the host's Docker engine must see it at the same path as the engine does (docker-compose.yml).
RUN groupadd --gid 10002 handsbot \
  && useradd --uid 10002 --gid 10002 --no-create-home --home-dir /var/lib/handsbot --shell /usr/sbin/nologin handsbot \
  && install -d -o 10002 -g 10002 /var/lib/handsbot
WORKDIR /app
COPY package.json app.yml ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# HOST: listen beyond the container's loopback, so a published port reaches the web process.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 HANDSBOT_DATA_DIR=/var/lib/handsbot
USER 10002:10002
EXPOSE 3000
# The web process answers GET /ping once it listens (after Redis answered: it queues nothing it could
# not). A worker has no HTTP server: run it with --no-healthcheck (docker-compose.yml turns it off).
# node:http rather than fetch: it starts in a fraction of the time, which matters on a loaded host.
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('node:http').get(`http://127.0.0.1:${process.env.PORT || 3000}/ping`, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
# tini as PID 1: signals reach node (a worker drains on SIGTERM) and exited children are reaped.
ENTRYPOINT ["tini", "--", "node", "dist/src/cli/main.js"]
CMD ["serve"]
