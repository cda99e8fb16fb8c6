# syntax=docker/dockerfile:1
# One image for every service of the referral backbone. docker-compose.yml runs it six times, once per
# service, each with its own command:
#
#   uvicorn services.<name>.main:app --host 0.0.0.0 --port 8000
#
# The default CMD runs the whole system in one process instead (python -m backbone.run: embedded
# PostgreSQL and in-process transport unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS are given).
# The Python version follows requires-python in pyproject.toml.

# --- build: the project's wheel, made by pip from pyproject.toml --------------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml ./
COPY backbone ./backbone
COPY contracts ./contracts
COPY sla ./sla
COPY services ./services
RUN pip wheel --no-deps --wheel-dir /wheels .

# --- runtime --------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BACKBONE_HOST=0.0.0.0 \
    BACKBONE_PORT=8000 \
    BACKBONE_DATA_DIR=/home/app/data

# Non-root: the services need no privilege, and embedded PostgreSQL (single-process mode) refuses root.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

# Dependencies first, pinned in pyproject.toml, in their own layer: a code change does not reinstall them.
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; deps = tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps))" \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt /tmp/pyproject.toml

# Then the project itself (a regular, non-editable install into site-packages).
COPY --from=build /wheels /wheels
RUN pip install --no-deps /wheels/*.whl && rm -rf /wheels

USER app
WORKDIR /home/app
# The data dir exists in the image, owned by app, so a volume mounted there is app's (intake's key file).
RUN mkdir -p /home/app/data
EXPOSE 8000

# Liveness only; compose's own healthcheck asks /readyz (database and broker reachable).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('BACKBONE_PORT', '8000'), timeout=4)"]

CMD ["python", "-m", "backbone.run"]
