# syntax=docker/dockerfile:1
# factbot: one process running the Slack, Discord and HTTP API adapters (`factbot run`).
# hadolint finds nothing in it (tests/deploy/test_compose.py runs it).

# --- build: the wheel, with the documentation (the default corpus) inside it ----------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY answers answers
COPY adapters adapters
COPY bot bot
COPY docs docs
RUN pip wheel --no-deps --wheel-dir /wheels .

# --- run --------------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FACTBOT_HOST=0.0.0.0 \
    FACTBOT_PORT=3000

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt /tmp/pyproject.toml

COPY --from=build /wheels /wheels
RUN pip install --no-deps /wheels/*.whl \
 && rm -rf /wheels \
 && groupadd --system --gid 10001 factbot \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/factbot \
    --shell /usr/sbin/nologin factbot

# A numeric user: Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
USER 10001:10001
# The corpus index cache lives in ~/.cache/factbot.
WORKDIR /home/factbot

EXPOSE 3000

# 200 from /healthz means Redis and every adapter are up; urllib raises (exit 1) on 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('FACTBOT_PORT', '3000'), timeout=4)"]

CMD ["factbot", "run"]
