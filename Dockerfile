# 客服机器人 (kefu-bot) as a container. README, "Running as a service".
#   docker build -t kefu-bot .      (docker-compose.yml runs it with Redis and MongoDB)

# Build: every dependency, tsc, the Lua scripts copied into dist/.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only. In the full image: better-sqlite3 is compiled here when no
# prebuilt binary can be fetched, and the slim image has no compiler.
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/handlers ./dist/handlers
COPY --from=build /src/dist/templates ./dist/templates
COPY package.json ./
# Data (./data/transcripts.db, the inbound spool, Wechaty's login memory) lives in the working
# directory: a volume, owned by the image's unprivileged user.
RUN mkdir -p /var/lib/kefu && chown node:node /var/lib/kefu
VOLUME /var/lib/kefu
WORKDIR /var/lib/kefu
USER node
ENV KEFU_CONFIG=/etc/kefu/kefu.yaml
# Node is PID 1 and takes the signals itself: SIGTERM finishes the work in progress (up to 30 s),
# so stop with a longer timeout (`docker stop -t 45`; compose: stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "/app/dist/src/bin/kefu.js", "start"]
