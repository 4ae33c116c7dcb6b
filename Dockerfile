# One image for every Python service of FinCloud: the four subgraphs, the worker and the migrator.
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
