# FinCloud's images, from one file:
#   docker build .               the Python services: the four subgraphs, the worker and the migrator
#   docker build --target web .  the web app (web/server.mjs): the PWA, server-rendered, in front of the router

# --- web: the PWA, built once, served by `node server.mjs` ---------------------------------------------------------
FROM node:20-alpine AS web-build
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npx next build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-alpine AS web
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 FINCLOUD_WEB_HOST=0.0.0.0 FINCLOUD_WEB_PORT=3000
WORKDIR /app/web
COPY --from=web-build /app/web/package.json /app/web/server.mjs /app/web/next.config.ts ./
COPY --from=web-build /app/web/node_modules ./node_modules
COPY --from=web-build /app/web/.next ./.next
USER node
EXPOSE 3000
CMD ["node", "server.mjs"]

# --- the Python services (the default target: last) ----------------------------------------------------------------
FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY fincloud ./fincloud
COPY subgraphs ./subgraphs
COPY workers ./workers
RUN uv sync --locked --no-dev
ENV PATH="/app/.venv/bin:$PATH"
RUN useradd --system --uid 10001 fincloud
USER fincloud
EXPOSE 4001 4002 4003 4004
CMD ["fincloud", "--help"]
