# syntax=docker/dockerfile:1
# factbot: one process running the Slack, Discord and HTTP API adapters (`factbot run`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FACTBOT_CORPUS=/app/docs \
    FACTBOT_HOST=0.0.0.0 \
    FACTBOT_PORT=3000

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The package itself; docs/ stays in /app as the default corpus (FACTBOT_CORPUS).
COPY . .
RUN pip install --no-deps . \
 && rm -rf build ./*.egg-info \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin factbot \
 && chown -R factbot:factbot /app

USER factbot

EXPOSE 3000

# 200 from /healthz means Redis and every adapter are up; urllib raises (exit 1) on 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('FACTBOT_PORT', '3000'), timeout=4)"]

CMD ["factbot", "run"]
